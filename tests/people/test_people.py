import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from keyworks.audit.models import ChangeRecord
from keyworks.core.validators import make_credit_code
from keyworks.ledger.permissions import can
from keyworks.orgs.models import ApiToken, Role, RoleAssignment, Unit, User
from keyworks.orgs.tokens import user_for_token
from keyworks.people import services


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A request leaves its language active in the thread: back to the default after."""
    yield
    translation.deactivate()


def test_office_adds_a_person_and_gives_them_a_task_force_role(world):
    client = world.client(world.office)
    response = client.post(
        reverse("people:person_create"),
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
        reverse("people:role_add", args=[person.pk]),
        {
            "role": "taskforce",
            "task_force": world.own.task_force.pk,
        },
    )
    assert response.status_code == 302
    assert can(person, "change", world.own)
    assert not can(person, "change", world.other)
    actions = set(
        ChangeRecord.objects.filter(object_id=str(person.pk)).values_list("action", flat=True)
    )
    assert {"create", "assign_role"} <= actions
    assert client.login  # the new person can sign in with the password
    assert world.client(None).login(username="tf99", password="a-long-password-1")


def test_a_task_force_role_needs_a_task_force(world):
    person = services.create_user(world.programme, {"username": "new1"}, by=world.office)
    with pytest.raises(ValidationError) as exc:
        services.assign_role(world.programme, person, Role.TASKFORCE, by=world.office)
    assert "task_force" in exc.value.error_dict


def test_only_office_manages_people(world):
    with pytest.raises(PermissionDenied):
        services.assign_role(world.programme, world.outsider, Role.LEADER, by=world.member)
    response = world.client(world.leader).post(reverse("people:person_create"), {"username": "x"})
    assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_revoking_a_role_removes_access_and_is_audited(world):
    assignment = RoleAssignment.objects.get(user=world.member)
    response = world.client(world.office).post(
        reverse("people:role_remove", args=[world.member.pk, assignment.pk])
    )
    assert response.status_code == 302
    member = User.objects.get(pk=world.member.pk)
    assert not can(member, "view", world.own)
    assert ChangeRecord.objects.filter(action="revoke_role").exists()


def test_unit_credit_code_check_character_is_validated(world):
    client = world.client(world.office)
    good = make_credit_code("91410800MA44XXXX1")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(
        reverse("people:units"), {"name": "错码企业", "kind": "enterprise", "credit_code": bad}
    )
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert "校验" in " ".join(response.context["form"].errors["credit_code"])
    response = client.post(
        reverse("people:units"), {"name": "好码企业", "kind": "enterprise", "credit_code": good}
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="好码企业").credit_code == good


def test_profile_creates_a_token_shown_once(world):
    client = world.client(world.member)
    response = client.post(reverse("people:profile"), {"name": "对接"})
    raw = response.context["new_token"]
    assert raw.startswith("kw_")
    token = ApiToken.objects.get(user=world.member)
    assert raw not in token.digest and user_for_token(raw) == world.member
    assert raw not in client.get(reverse("people:profile")).content.decode()
    client.post(reverse("people:token_revoke", args=[token.pk]))
    assert user_for_token(raw) is None


# --- one instance, several programmes: an office manages its own accounts only -----------


@pytest.fixture
def programme_b(world):
    """A second programme on the instance, with its own office."""
    from keyworks.ledger.models import Programme

    b = Programme.objects.create(
        code="wz2025", name="武陟县2025年重点项目", year=2025, region=world.city
    )
    office_b = User.objects.create_user("b-office", password="x-password-123", home_programme=b)
    RoleAssignment.objects.create(user=office_b, programme=b, role=Role.OFFICE)
    return b, office_b


def test_another_programmes_office_cannot_attach_a_person_of_this_programme(world, programme_b):
    b, office_b = programme_b
    client = world.client(office_b)
    response = client.post(
        reverse("people:role_add", args=[world.member.pk]) + "?programme=wz2025", {"role": "leader"}
    )
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user=world.member, programme=b).exists()
    with pytest.raises(PermissionDenied):
        services.assign_role(b, world.member, Role.LEADER, by=office_b)


def test_another_programmes_office_cannot_reset_a_password_or_deactivate(world, programme_b):
    b, office_b = programme_b
    client = world.client(office_b)
    url = reverse("people:person_edit", args=[world.member.pk]) + "?programme=wz2025"
    assert client.get(url).status_code == 404
    response = client.post(url, {"username": "tf01", "password": "taken-over-123", "is_active": ""})
    assert response.status_code == 404
    member = User.objects.get(pk=world.member.pk)
    assert member.is_active and member.check_password("test-password-123")
    with pytest.raises(PermissionDenied):
        services.set_password(b, world.member, "taken-over-123", by=office_b)
    with pytest.raises(PermissionDenied):
        services.update_user(b, world.member, {"is_active": False}, by=office_b)


def test_a_person_in_two_programmes_is_managed_by_their_own_office_only(world, programme_b):
    """A platform administrator gave A's task-force member a role in B too: B's office sees
    them and manages that role, but their account stays A's to manage."""
    b, office_b = programme_b
    shared = RoleAssignment.objects.create(user=world.member, programme=b, role=Role.INSPECTOR)
    client = world.client(office_b)
    url = reverse("people:person_edit", args=[world.member.pk]) + "?programme=wz2025"
    page = client.get(url)
    assert page.status_code == 200 and not page.context["manages_account"]
    assert "该账号由" in page.content.decode()
    response = client.post(url, {"username": "tf01", "password": "taken-over-123"})
    assert response.status_code == 403
    assert User.objects.get(pk=world.member.pk).check_password("test-password-123")
    response = client.post(
        reverse("people:role_remove", args=[world.member.pk, shared.pk]) + "?programme=wz2025"
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=shared.pk).exists()
    # A's office still manages the account
    services.set_password(world.programme, world.member, "a-new-password-9", by=world.office)


def test_an_account_created_by_an_office_belongs_to_its_programme(world):
    person = services.create_user(world.programme, {"username": "new1"}, by=world.office)
    assert person.home_programme == world.programme
    page = world.client(world.office).get(reverse("people:person_edit", args=[person.pk]))
    assert page.status_code == 200 and page.context["manages_account"]


def test_the_profile_speaks_chinese_by_default_and_english_when_asked(world):
    client = world.client(world.member)
    chinese = client.get(reverse("people:profile")).content.decode()
    assert "个人设置" in chinese and "退出所有设备上的登录" in chinese
    english = client.get(reverse("people:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign out on every device" in english and "API tokens" in english
    assert '<h2 class="page-title">Profile</h2>' in english
    created = client.post(reverse("people:profile"), {"name": "对接"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "New token (shown this once only):" in created.content.decode()
