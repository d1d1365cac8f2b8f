import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from keyworks.audit.models import ChangeRecord
from keyworks.core.validators import make_credit_code
from keyworks.orgs import access, services
from keyworks.orgs.models import ApiToken, Role, RoleAssignment, Unit, User


def test_office_adds_a_person_and_gives_them_a_task_force_role(world):
    client = world.client(world.office)
    response = client.post(
        reverse("orgs:person_create"),
        {
            "username": "tf99",
            "full_name": "新专班员",
            "phone": "13900000099",
            "is_active": "on",
            "password": "a-long-password-1",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="tf99")
    response = client.post(
        reverse("orgs:role_add", args=[person.pk]),
        {
            "role": "taskforce",
            "task_force": world.own.task_force.pk,
        },
    )
    assert response.status_code == 302
    assert access.can(person, "change", world.own)
    assert not access.can(person, "change", world.other)
    actions = set(
        ChangeRecord.objects.filter(object_id=str(person.pk)).values_list("action", flat=True)
    )
    assert {"create", "assign_role"} <= actions
    assert client.login  # the new person can sign in with the password
    assert world.client(None).login(username="tf99", password="a-long-password-1")


def test_a_task_force_role_needs_a_task_force(world):
    with pytest.raises(ValidationError) as exc:
        services.assign_role(world.programme, world.outsider, Role.TASKFORCE, by=world.office)
    assert "task_force" in exc.value.error_dict


def test_only_office_manages_people(world):
    with pytest.raises(PermissionDenied):
        services.assign_role(world.programme, world.outsider, Role.LEADER, by=world.member)
    response = world.client(world.leader).post(reverse("orgs:person_create"), {"username": "x"})
    assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_revoking_a_role_removes_access_and_is_audited(world):
    assignment = RoleAssignment.objects.get(user=world.member)
    response = world.client(world.office).post(
        reverse("orgs:role_remove", args=[world.member.pk, assignment.pk])
    )
    assert response.status_code == 302
    member = User.objects.get(pk=world.member.pk)
    assert not access.can(member, "view", world.own)
    assert ChangeRecord.objects.filter(action="revoke_role").exists()


def test_unit_credit_code_check_character_is_validated(world):
    client = world.client(world.office)
    good = make_credit_code("91410800MA44XXXX1")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(
        reverse("orgs:units"), {"name": "错码企业", "kind": "enterprise", "credit_code": bad}
    )
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert "校验" in " ".join(response.context["form"].errors["credit_code"])
    response = client.post(
        reverse("orgs:units"), {"name": "好码企业", "kind": "enterprise", "credit_code": good}
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="好码企业").credit_code == good


def test_profile_creates_a_token_shown_once(world):
    client = world.client(world.member)
    response = client.post(reverse("orgs:profile"), {"name": "对接"})
    raw = response.context["new_token"]
    assert raw.startswith("kw_")
    token = ApiToken.objects.get(user=world.member)
    assert raw not in token.digest and services.user_for_token(raw) == world.member
    assert raw not in client.get(reverse("orgs:profile")).content.decode()
    client.post(reverse("orgs:token_revoke", args=[token.pk]))
    assert services.user_for_token(raw) is None
