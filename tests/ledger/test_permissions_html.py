"""Role × action × own/other project, through the HTML views."""

import pytest
from django.urls import reverse

from keyworks.audit.models import ChangeRecord

ROLES = [
    "office",
    "leader",
    "inspector",
    "member",
    "other_member",
    "district",
    "department_user",
    "outsider",
]

# Expected status for GET of the project's pages, for `world.own` (member's own project, in
# the district coordinator's district).
DETAIL = {r: 200 for r in ROLES} | {"outsider": 404}
EDIT_OWN = {
    "office": 200,
    "member": 200,
    "district": 200,
    "leader": 403,
    "inspector": 403,
    "other_member": 403,
    "department_user": 403,
    "outsider": 404,
}
EDIT_OTHER = EDIT_OWN | {"member": 403, "district": 403, "other_member": 200}
CREATE = {r: 403 for r in ROLES} | {"office": 200, "outsider": 404}
ARCHIVE = {r: 403 for r in ROLES} | {"office": 302, "outsider": 404}


@pytest.mark.parametrize("role", ROLES)
def test_project_detail(world, role):
    response = world.client(getattr(world, role)).get(
        reverse("ledger:project_detail", args=[world.own.pk])
    )
    assert response.status_code == DETAIL[role]


@pytest.mark.parametrize("role", ROLES)
def test_edit_page_own_project(world, role):
    response = world.client(getattr(world, role)).get(
        reverse("ledger:project_edit", args=[world.own.pk])
    )
    assert response.status_code == EDIT_OWN[role]


@pytest.mark.parametrize("role", ROLES)
def test_edit_page_other_project(world, role):
    response = world.client(getattr(world, role)).get(
        reverse("ledger:project_edit", args=[world.other.pk])
    )
    assert response.status_code == EDIT_OTHER[role]


@pytest.mark.parametrize("role", ROLES)
def test_create_page(world, role):
    response = world.client(getattr(world, role)).get(reverse("ledger:project_create"))
    assert response.status_code == CREATE[role]


@pytest.mark.parametrize("role", ROLES)
def test_archive(world, role):
    url = reverse("ledger:project_archive", args=[world.own.pk])
    response = world.client(getattr(world, role)).post(url, {"reason": "测试"})
    assert response.status_code == ARCHIVE[role]
    world.own.refresh_from_db()
    assert world.own.is_archived == (role == "office")


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_the_programme_to_members_only(world, role):
    response = world.client(getattr(world, role)).get(reverse("ledger:project_list"))
    if role == "outsider":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert world.own.name in response.content.decode()


@pytest.mark.parametrize(
    "role,sees",
    [
        ("office", True),
        ("member", True),
        ("leader", False),
        ("inspector", False),
        ("other_member", False),
        ("district", False),
        ("department_user", False),
    ],
)
def test_phones_only_for_office_and_own_task_force(world, role, sees):
    html = (
        world.client(getattr(world, role))
        .get(reverse("ledger:project_detail", args=[world.own.pk]))
        .content.decode()
    )
    assert ("13800000001" in html) == sees


def test_anonymous_is_sent_to_login(world):
    response = world.client(None).get(reverse("ledger:project_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_district_post_of_a_task_force_field_is_refused_and_nothing_changes(world):
    url = reverse("ledger:project_edit", args=[world.own.pk])
    client = world.client(world.district)
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"address": "解放区民主路", "total_investment": "1.00"})
    response = client.post(url, data)
    assert response.status_code == 302
    world.own.refresh_from_db()
    # the disabled field keeps its value; only the district field changed
    assert world.own.address == "解放区民主路"
    assert str(world.own.total_investment) == "10000.00"
    record = ChangeRecord.objects.get(action="update", project_id=world.own.pk)
    assert set(record.after) == {"address"}


@pytest.mark.parametrize(
    "role,status", [("office", 200), ("leader", 403), ("member", 403), ("outsider", 403)]
)
def test_people_and_audit_pages_are_office_only(world, role, status):
    client = world.client(getattr(world, role))
    people = client.get(reverse("people:people"))
    assert people.status_code == (404 if role == "outsider" else status)
    assert client.get(reverse("change_list")).status_code == status
