from decimal import Decimal

import pytest

from keyworks.audit.models import ChangeRecord
from keyworks.ledger.models import Project


def new_project(**extra):
    body = {
        "programme": "jz2025",
        "name": "焦作市人才公寓",
        "category": "infra",
        "total_investment": "123456789012.34",
        "completed_investment": 0.1,
        "annual_investment": 1000,
        "districts": ["410802", "武陟县"],
        "planned_start": "2025-03-01",
        "planned_finish": "2026-12-31",
        "reason": "年度新增",
    }
    body.update(extra)
    return body


def test_the_office_creates_a_project_and_it_is_audited(world, api):
    body = new_project(owner=world.enterprise.pk, name="  焦作市人才公寓 ")
    response = api(world.office).post("/api/projects", body)
    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert project.name == "焦作市人才公寓"
    assert project.total_investment == Decimal("123456789012.34")
    assert project.completed_investment == Decimal("0.10")
    assert body["total_investment"] == "123456789012.34"
    assert body["completed_investment"] == "0.10"
    assert body["annual_investment"] == "1000.00"
    assert project.category == world.infra and project.seq == 3
    assert set(project.districts.all()) == {world.district_a, world.district_b}
    assert project.owner == world.enterprise
    assert project.task_force is not None  # every project gets its task force
    assert body["warnings"] == []
    record = ChangeRecord.objects.get(project_id=project.pk, action="create")
    assert record.actor == world.office and record.reason == "年度新增"


@pytest.mark.parametrize(
    "who", ["leader", "inspector", "member", "other_member", "district", "department_user"]
)
def test_only_the_office_creates_projects(world, api, who):
    response = api(getattr(world, who)).post("/api/projects", new_project())
    assert response.status_code == 403
    assert "权限" in response.json()["detail"]
    assert not Project.objects.filter(name="焦作市人才公寓").exists()


def test_an_outsider_cannot_even_see_the_programme(world, api):
    response = api(world.outsider).post("/api/projects", new_project())
    assert response.status_code == 404


def test_json_numbers_arrive_as_exact_decimals(world, api):
    raw = (
        '{"programme": "jz2025", "name": "数字", "category": "infra",'
        ' "total_investment": 99999999999.99, "completed_investment": 1234.56,'
        ' "longitude": 113.241234}'
    )
    response = api(world.office).post("/api/projects", raw)
    assert response.status_code == 201, response.content
    project = Project.objects.get(name="数字")
    assert project.total_investment == Decimal("99999999999.99")
    assert project.completed_investment == Decimal("1234.56")
    assert project.longitude == Decimal("113.241234")
    assert response.json()["total_investment"] == "99999999999.99"


def test_completed_above_total_is_created_with_a_warning(world, api):
    body = new_project(total_investment="100", completed_investment="150.5")
    response = api(world.office).post("/api/projects", body)
    assert response.status_code == 201
    assert response.json()["completed_investment"] == "150.50"
    assert response.json()["warnings"] == ["累计完成投资超过总投资，请核实。"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"code": "2401-410800-04-01-12345X"}, "code"),
        ({"code": "2413-410800-04-01-123456"}, "code"),
        ({"total_investment": "-1"}, "total_investment"),
        ({"completed_investment": -0.01}, "completed_investment"),
        ({"planned_start": "2025-06-01", "planned_finish": "2025-01-01"}, "planned_finish"),
        ({"category": "livelihood"}, "category"),
        ({"districts": ["410899"]}, "districts"),
        ({"owner": 999999}, "owner"),
        ({"name": "牧野路改造工程"}, "__all__"),  # same name as an existing project
        ({"total_investment": "abc"}, "total_investment"),
        ({"total_investment": "1.234"}, "total_investment"),
        ({"total_investment": "1e30"}, "total_investment"),
        ({"total_investment": "NaN"}, "total_investment"),
        ({"total_investment": True}, "total_investment"),
        ({"grade": "galactic"}, "grade"),
        ({"planned_start": "2025-13-01"}, "planned_start"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_values_are_422_naming_the_field(world, api, change, field):
    response = api(world.office).post("/api/projects", new_project(**change))
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert body["detail"].startswith("提交的数据有误")
    assert not Project.objects.filter(name__in=["焦作市人才公寓"]).exists()
    assert ChangeRecord.objects.filter(action="create").count() == 0


def test_required_fields_are_named(world, api):
    response = api(world.office).post("/api/projects", {"programme": "jz2025"})
    assert response.status_code == 422
    assert {"name", "category", "total_investment"} <= set(response.json()["errors"])


def test_a_body_that_is_not_json_is_400(world, api):
    response = api(world.office).post("/api/projects", "{not json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


# --- PATCH -------------------------------------------------------------------------


def patch(client, project, **fields):
    fields.setdefault("version", project.version)
    return client.patch(f"/api/projects/{project.pk}", fields)


def test_the_office_patches_any_field_and_it_is_audited(world, api):
    response = patch(
        api(world.office),
        world.own,
        total_investment="20000.5",
        category="infra",
        districts=["410823"],
        responsible_unit=None,
        reason="调整",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and body["total_investment"] == "20000.50"
    assert body["category"]["code"] == "infra"
    assert [d["code"] for d in body["districts"]] == ["410823"]
    world.own.refresh_from_db()
    assert world.own.total_investment == Decimal("20000.50")
    assert world.own.responsible_unit is None
    record = ChangeRecord.objects.get(project_id=world.own.pk, action="update")
    assert record.after["total_investment"] == "20000.50" and record.reason == "调整"
    assert record.actor == world.office


def test_a_task_force_patches_its_own_project_not_another(world, api):
    client = api(world.member)
    response = patch(client, world.own, completed_investment="3000.50", content="主体施工")
    assert response.status_code == 200, response.content
    world.own.refresh_from_db()
    assert world.own.completed_investment == Decimal("3000.50")
    assert world.own.content == "主体施工"
    response = patch(client, world.other, completed_investment="1")
    assert response.status_code == 403
    world.other.refresh_from_db()
    assert world.other.completed_investment == Decimal("2500.00")


def test_a_task_force_may_not_change_structural_fields(world, api):
    response = patch(api(world.member), world.own, category="infra")
    assert response.status_code == 403
    assert "category" in response.json()["detail"]
    # Sending the current value is not a change.
    response = patch(api(world.member), world.own, category="industry", total_investment=10000)
    assert response.status_code == 200, response.content


def test_a_district_coordinator_changes_the_address_of_its_district_project_only(world, api):
    client = api(world.district)
    response = patch(client, world.own, address="解放区民主路", longitude="113.241234")
    assert response.status_code == 200, response.content
    assert response.json()["address"] == "解放区民主路"
    assert response.json()["longitude"] == "113.241234"
    version = response.json()["version"]
    response = client.patch(
        f"/api/projects/{world.own.pk}", {"version": version, "total_investment": "1"}
    )
    assert response.status_code == 403
    assert "total_investment" in response.json()["detail"]
    assert patch(client, world.other, address="武陟").status_code == 403
    world.own.refresh_from_db()
    world.other.refresh_from_db()
    assert world.own.total_investment == Decimal("10000.00") and world.other.address == ""


@pytest.mark.parametrize("who", ["leader", "inspector", "department_user", "other_member"])
def test_read_only_roles_get_403_on_patch(world, api, who):
    response = patch(api(getattr(world, who)), world.own, address="x")
    assert response.status_code == 403
    assert response.json()["detail"]
    world.own.refresh_from_db()
    assert world.own.address == "" and world.own.version == 1


def test_an_outsider_gets_404_on_patch(world, api):
    assert patch(api(world.outsider), world.own, address="x").status_code == 404


def test_a_stale_version_is_409(world, api):
    office = api(world.office)
    assert patch(office, world.own, address="A").status_code == 200
    response = patch(api(world.member), world.own, address="B", version=1)
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    world.own.refresh_from_db()
    assert world.own.address == "A" and world.own.version == 2


def test_version_is_required(world, api):
    response = api(world.office).patch(f"/api/projects/{world.own.pk}", {"address": "A"})
    assert response.status_code == 422
    assert "version" in response.json()["errors"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"total_investment": "-5"}, "total_investment"),
        ({"planned_start": "2025-06-01", "planned_finish": "2025-01-01"}, "planned_finish"),
        ({"actual_start": "2025-06-01", "actual_finish": "2025-05-31"}, "actual_finish"),
        ({"code": "bad-code"}, "code"),
        ({"name": None}, "name"),
        ({"seq": 0}, "seq"),
    ],
)
def test_patch_validation_is_422(world, api, change, field):
    response = patch(api(world.office), world.own, **change)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    world.own.refresh_from_db()
    assert world.own.version == 1


def test_patch_with_completed_above_total_warns(world, api):
    response = patch(api(world.member), world.own, completed_investment="10000.01")
    assert response.status_code == 200
    assert len(response.json()["warnings"]) == 1


def test_an_archived_project_cannot_be_patched(world, api):
    from keyworks.ledger import services

    services.archive_project(world.own, by=world.office, reason="合并")
    world.own.refresh_from_db()
    response = patch(api(world.office), world.own, address="x")
    assert response.status_code == 403
