from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.ledger.models import Milestone, Programme, Project, TaskForce

READERS = ["office", "leader", "inspector", "member", "other_member", "district", "department_user"]


@pytest.mark.parametrize("who", READERS)
def test_everyone_in_the_programme_reads_the_whole_ledger(world, api, who):
    response = api(getattr(world, who)).get("/api/projects")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["name"] for item in body["items"]] == ["牧野路改造工程", "沿黄高速武陟至济源段"]


def test_an_outsider_gets_an_empty_list(world, api):
    client = api(world.outsider)
    response = client.get("/api/projects")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "items": []}
    # Naming a programme they are not in: it does not exist for them.
    assert client.get("/api/projects", {"programme": "jz2025"}).status_code == 404
    assert client.get("/api/programmes").json() == []
    assert client.get("/api/programmes/jz2025").status_code == 404


@pytest.mark.parametrize("who", READERS)
def test_everyone_in_the_programme_reads_a_project(world, api, who):
    for project in (world.own, world.other):
        response = api(getattr(world, who)).get(f"/api/projects/{project.pk}")
        assert response.status_code == 200
        assert response.json()["name"] == project.name


def test_an_outsider_gets_404_on_a_project(world, api):
    response = api(world.outsider).get(f"/api/projects/{world.own.pk}")
    assert response.status_code == 404
    assert "项目不存在" in response.json()["detail"]
    assert api(world.office).get("/api/projects/999999").status_code == 404


def test_items_carry_exact_amounts_as_strings(world, api):
    Project.objects.filter(pk=world.own.pk).update(
        total_investment=Decimal("72700.10"),
        completed_investment=Decimal("0.30"),
        longitude=Decimal("113.241234"),
        latitude=Decimal("35.215001"),
    )
    item = api(world.leader).get("/api/projects").json()["items"][0]
    assert item["total_investment"] == "72700.10"
    assert item["completed_investment"] == "0.30"
    assert item["annual_investment"] == "4000.00"
    assert item["longitude"] == "113.241234" and item["latitude"] == "35.215001"
    assert item["category"] == {"id": world.industry.pk, "code": "industry", "name": "十大工业"}
    assert item["districts"] == [{"id": world.district_a.pk, "code": "410802", "name": "解放区"}]
    assert item["responsible_unit"] == {"id": world.department.pk, "name": "焦作市自然资源和规划局"}
    assert item["owner"] is None
    assert item["stage"] == "preparation" and item["stage_label"] == "前期"
    assert item["grade"] == "city" and item["grade_label"] == "市级"
    assert item["code"] == "2401-410800-04-01-123456"
    assert item["programme"] == "jz2025" and item["version"] == 1 and item["archived"] is False
    assert item["updated_at"]


def test_the_list_uses_the_ledger_filter(world, api):
    client = api(world.office)

    def names(**params):
        response = client.get("/api/projects", params)
        assert response.status_code == 200, response.content
        return [item["name"] for item in response.json()["items"]]

    assert names(category="infra") == ["沿黄高速武陟至济源段"]
    assert names(district="410802") == ["牧野路改造工程"]
    assert names(district="武陟县") == ["沿黄高速武陟至济源段"]
    assert names(responsible_unit=world.department.pk) == ["牧野路改造工程"]
    assert names(q="沿黄") == ["沿黄高速武陟至济源段"]
    assert names(sort="-total", q="") == ["牧野路改造工程", "沿黄高速武陟至济源段"]
    assert names(stage="construction") == []
    # Empty values, as an HTML form sends them, mean "no filter".
    assert len(names(category="", district="", stage="", grade="", responsible_unit="", q="")) == 2
    Project.objects.filter(pk=world.other.pk).update(stage="construction", grade="provincial")
    assert names(stage="construction") == ["沿黄高速武陟至济源段"]
    assert names(grade="provincial") == ["沿黄高速武陟至济源段"]
    Project.objects.filter(pk=world.other.pk).update(total_investment=Decimal("99999"))
    assert names(sort="-total") == ["沿黄高速武陟至济源段", "牧野路改造工程"]


def test_archived_projects_are_left_out_unless_asked_for(world, api):
    from django.utils import timezone

    Project.objects.filter(pk=world.other.pk).update(archived_at=timezone.now())
    client = api(world.office)
    assert client.get("/api/projects").json()["count"] == 1
    assert client.get("/api/projects", {"archived": "include"}).json()["count"] == 2
    only = client.get("/api/projects", {"archived": "only"}).json()["items"]
    assert [(i["name"], i["archived"]) for i in only] == [("沿黄高速武陟至济源段", True)]


def test_bad_filter_values_are_422_naming_the_field(world, api):
    client = api(world.office)
    for params, field in [
        ({"stage": "flying"}, "stage"),
        ({"sort": "random"}, "sort"),
        ({"category": "nope"}, "category"),
        ({"district": "999999"}, "district"),
        ({"page_size": 501}, "page_size"),
        ({"page": 0}, "page"),
        ({"responsible_unit": "abc"}, "responsible_unit"),
    ]:
        response = client.get("/api/projects", params)
        assert response.status_code == 422, params
        assert field in response.json()["errors"], response.json()
        assert field in response.json()["detail"]


def make_projects(world, n):
    start = Project.objects.count()
    for i in range(start, start + n):
        task_force = TaskForce.objects.create(name=f"专班{i}", lead_official="张市长")
        project = Project.objects.create(
            programme=world.programme,
            category=world.infra,
            seq=100 + i,
            name=f"项目{i:03d}",
            total_investment=Decimal("1.00"),
            task_force=task_force,
            owner=world.enterprise,
            responsible_unit=world.department,
        )
        project.districts.set([world.district_a, world.district_b])


def test_pages(world, api):
    make_projects(world, 5)
    client = api(world.office)
    first = client.get("/api/projects", {"page_size": 3}).json()
    second = client.get("/api/projects", {"page_size": 3, "page": 2}).json()
    beyond = client.get("/api/projects", {"page_size": 3, "page": 9}).json()
    assert first["count"] == second["count"] == beyond["count"] == 7
    assert len(first["items"]) == 3 and len(second["items"]) == 3 and beyond["items"] == []
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 6
    default = client.get("/api/projects").json()
    assert len(default["items"]) == 7  # page_size 50 by default


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_the_list_query_count_does_not_grow_with_projects(world, api):
    client = api(world.district)
    client.get("/api/me")  # first use stamps the token; keep it out of the comparison
    make_projects(world, 2)
    few, body = count_queries(client, "/api/projects", {"district": "410802"})
    assert body["count"] == 3
    make_projects(world, 18)
    many, body = count_queries(client, "/api/projects", {"district": "410802"})
    assert body["count"] == 21
    assert body["items"][-1]["lead_official"] == "张市长"
    assert few == many


def test_the_detail_query_count_does_not_grow_with_members(world, api):
    client = api(world.office)
    client.get("/api/me")
    url = f"/api/projects/{world.own.pk}"
    few, _ = count_queries(client, url)
    for i in range(10):
        world.own.task_force.members.create(name=f"成员{i}", phone=f"1390000{i:04d}")
        Milestone.objects.create(project=world.own, name=f"节点{i}", planned_date="2025-06-01")
    many, body = count_queries(client, url)
    assert len(body["task_force"]["members"]) == 11 and len(body["milestones"]) == 10
    assert few == many


def test_the_detail_has_the_whole_ledger(world, api):
    Project.objects.filter(pk=world.own.pk).update(
        content="道路改造6168.1米",
        annual_target="主体完工",
        output_indicators="通车",
        district_progress="解放区已完成征迁",
    )
    TaskForce.objects.filter(pk=world.own.task_force_id).update(lead_official="李市长")
    Milestone.objects.create(project=world.own, name="主体封顶", planned_date="2025-09-30")
    body = api(world.office).get(f"/api/projects/{world.own.pk}").json()
    assert body["content"] == "道路改造6168.1米"
    assert body["annual_target"] == "主体完工"
    assert body["output_indicators"] == "通车"
    assert body["district_progress"] == "解放区已完成征迁"
    assert body["milestones"] == [
        {
            "id": body["milestones"][0]["id"],
            "name": "主体封顶",
            "planned_date": "2025-09-30",
            "actual_date": None,
            "duration_days": None,
        }
    ]
    assert body["task_force"]["name"] == "牧野路专班"
    assert body["task_force"]["lead_official"] == "李市长"
    assert body["lead_official"] == "李市长"
    assert body["warnings"] == []
    assert body["can_change"] is True
    assert "total_investment" in body["editable_fields"]


@pytest.mark.parametrize(
    "who, sees_phone",
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
def test_phones_only_for_office_and_own_task_force(world, api, who, sees_phone):
    body = api(getattr(world, who)).get(f"/api/projects/{world.own.pk}").json()
    member = body["task_force"]["members"][0]
    assert member["name"] == "陈专班" and member["position"] == "联络员"
    assert member["phone"] == ("13800000001" if sees_phone else None)
    assert "13800000001" in str(body) if sees_phone else "13800000001" not in str(body)


@pytest.mark.parametrize(
    "who, can_change, fields",
    [
        ("leader", False, []),
        ("department_user", False, []),
        ("district", True, ["address", "district_progress", "geometry", "latitude", "longitude"]),
    ],
)
def test_the_detail_says_what_the_user_may_change(world, api, who, can_change, fields):
    body = api(getattr(world, who)).get(f"/api/projects/{world.own.pk}").json()
    assert body["can_change"] is can_change
    assert body["editable_fields"] == fields


def test_the_default_programme_is_the_newest_visible(world, api):
    newer = Programme.objects.create(
        code="jz2026", name="焦作市2026年三十工程", year=2026, region=world.city
    )
    category = newer.categories.create(code="industry", name="十大工业")
    Project.objects.create(
        programme=newer, category=category, seq=1, name="2026项目", total_investment=1
    )
    from keyworks.orgs.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=world.office, programme=newer, role=Role.OFFICE)
    client = api(world.office)
    assert [i["name"] for i in client.get("/api/projects").json()["items"]] == ["2026项目"]
    assert client.get("/api/projects", {"programme": "jz2025"}).json()["count"] == 2
    # leader is only in jz2025: jz2026 does not exist for them
    leader = api(world.leader)
    assert leader.get("/api/projects").json()["count"] == 2
    assert leader.get("/api/projects", {"programme": "jz2026"}).status_code == 404


def test_programmes(world, api):
    client = api(world.member)
    assert client.get("/api/programmes").json() == [
        {
            "code": "jz2025",
            "name": "焦作市2025年三十工程",
            "year": 2025,
            "region": {"id": world.city.pk, "code": "410800", "name": "焦作市"},
            "parent": None,
            "report_due_day": 3,
            "is_demo": False,
        }
    ]
    detail = client.get("/api/programmes/jz2025").json()
    assert [c["code"] for c in detail["categories"]] == ["industry", "infra"]
    assert detail["can_create_project"] is False
    assert api(world.office).get("/api/programmes/jz2025").json()["can_create_project"] is True
