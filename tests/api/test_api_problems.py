import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from keyworks.audit.models import ChangeRecord
from keyworks.coordination import services
from keyworks.coordination.models import EscalationLevel, Problem, ProblemEvent, ProblemStatus
from keyworks.core import calendar
from keyworks.ledger.models import Project

from .test_api_projects_read import make_projects

FUTURE = calendar.local_today() + datetime.timedelta(days=30)


def raised(world, project=None, lead=True, **data):
    """A problem on world.own (raised by its task force), assigned to world.department."""
    project = project or world.own
    by = world.member if project == world.own else world.other_member
    values = {
        "category": "land",
        "description": "用地指标未落实",
        "need": "协调自然资源局办理用地预审",
        "deadline": FUTURE,
        "lead_unit": world.department if lead else None,
    }
    values.update(data)
    return services.raise_problem(project, values, by=by)


def new_problem(world, project=None, **extra):
    body = {
        "project": (project or world.own).pk,
        "category": "power",
        "description": "  电力接入迟缓 ",
        "deadline": FUTURE.isoformat(),
        "lead_unit": world.department.pk,
    }
    body.update(extra)
    return body


@pytest.mark.parametrize(
    "who,status",
    [
        ("member", 201),
        ("office", 201),
        ("district", 201),
        ("inspector", 201),
        ("other_member", 403),
        ("leader", 403),
        ("department_user", 403),
        ("outsider", 404),
    ],
)
def test_who_may_raise_a_problem_on_the_own_project(world, api, who, status):
    response = api(getattr(world, who)).post("/api/problems", new_problem(world))
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        problem = Problem.objects.get(pk=body["id"])
        assert problem.description == "电力接入迟缓"
        assert body["status"] == "assigned" and body["lead_unit"]["id"] == world.department.pk
        assert [e["kind"] for e in body["events"]] == ["raise", "assign"]
        assert body["events"][1]["kind_label"] == "交办" and body["events"][1]["level"] == 1
        assert body["events"][0]["actor"] == str(getattr(world, who))
        assert ChangeRecord.objects.filter(object_id=str(problem.pk), action="create").exists()
    else:
        assert response.json()["detail"]
        assert not Problem.objects.exists()


def test_raising_names_the_invalid_fields(world, api):
    client = api(world.member)
    response = client.post(
        "/api/problems",
        new_problem(world, category="weather", description=" ", lead_unit=999999),
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"lead_unit"}
    response = client.post("/api/problems", new_problem(world, category="weather", description=""))
    assert response.status_code == 422
    assert {"category", "description"} <= set(response.json()["errors"])
    past = (calendar.local_today() - datetime.timedelta(days=3)).isoformat()
    response = client.post("/api/problems", new_problem(world, deadline=past))
    assert response.status_code == 422 and "deadline_reason" in response.json()["errors"]
    response = client.post("/api/problems", new_problem(world, deadline="soon"))
    assert response.status_code == 422 and "deadline" in response.json()["errors"]
    assert not Problem.objects.exists()


def test_the_handling_flow(world, api):
    problem = raised(world)
    note = api(world.department_user).post(f"/api/problems/{problem.pk}/notes", {"note": "已对接"})
    assert note.status_code == 201, note.content
    assert note.json()["status"] == "in_progress" and note.json()["progress"] == "已对接"
    version = note.json()["version"]
    # only the office closes; the lead unit resolves
    assert (
        api(world.member).post(f"/api/problems/{problem.pk}/resolve", {"note": "x"}).status_code
        == 403
    )
    resolved = api(world.department_user).post(
        f"/api/problems/{problem.pk}/resolve", {"note": "预审已批复", "version": version}
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    for who in ("leader", "inspector", "district", "member", "department_user"):
        response = api(getattr(world, who)).post(f"/api/problems/{problem.pk}/close", {})
        assert response.status_code == 403, who
    returned = api(world.office).post(f"/api/problems/{problem.pk}/return", {"note": "未落实"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    api(world.department_user).post(f"/api/problems/{problem.pk}/resolve", {"note": "已批复"})
    closed = api(world.office).post(f"/api/problems/{problem.pk}/close", {"note": ""})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = api(world.office).post(f"/api/problems/{problem.pk}/close", {})
    assert again.status_code == 422


def test_a_stale_version_is_409(world, api):
    problem = raised(world)
    response = api(world.office).post(
        f"/api/problems/{problem.pk}/escalate",
        {"level": EscalationLevel.OFFICE, "note": "逾期", "version": problem.version + 1},
    )
    assert response.status_code == 409
    assert "该问题已被他人处理" in response.json()["detail"]
    english = api(world.office).post(
        f"/api/problems/{problem.pk}/escalate",
        {"level": EscalationLevel.OFFICE, "note": "逾期", "version": problem.version + 1},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    translation.activate("zh-hans")  # the request left English active in this thread
    assert "changed by someone else" in english.json()["detail"]
    problem.refresh_from_db()
    assert problem.level == EscalationLevel.DISTRICT
    ok = api(world.office).post(
        f"/api/problems/{problem.pk}/escalate",
        {"level": EscalationLevel.OFFICE, "note": "逾期", "version": problem.version},
    )
    assert ok.status_code == 200 and ok.json()["level"] == EscalationLevel.OFFICE
    lower = api(world.office).post(
        f"/api/problems/{problem.pk}/escalate", {"level": 1, "note": "降级"}
    )
    assert lower.status_code == 422 and "level" in lower.json()["errors"]


def test_void_needs_a_reason_and_only_the_office_voids(world, api):
    problem = raised(world)
    assert (
        api(world.leader).post(f"/api/problems/{problem.pk}/void", {"reason": "x"}).status_code
        == 403
    )
    assert (
        api(world.outsider).post(f"/api/problems/{problem.pk}/void", {"reason": "x"}).status_code
        == 404
    )
    blank = api(world.office).post(f"/api/problems/{problem.pk}/void", {"reason": " "})
    assert blank.status_code == 422 and "reason" in blank.json()["errors"]
    voided = api(world.office).post(f"/api/problems/{problem.pk}/void", {"reason": "重复提报"})
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert Problem.objects.filter(pk=problem.pk).exists()


def test_visibility_of_problems(world, api):
    own = raised(world)
    other = raised(world, project=world.other, lead=False)
    assert api(world.other_member).get(f"/api/problems/{own.pk}").status_code == 404
    assert api(world.outsider).get(f"/api/problems/{own.pk}").status_code == 404
    assert api(world.leader).get(f"/api/problems/{own.pk}").status_code == 200
    listed = api(world.member).get("/api/problems").json()
    assert [i["id"] for i in listed["items"]] == [own.pk]
    everything = api(world.leader).get("/api/problems").json()
    assert everything["count"] == 2
    assert {i["id"] for i in everything["items"]} == {own.pk, other.pk}
    assert api(world.outsider).get("/api/problems").json()["count"] == 0


def test_the_discipline_flag_is_hidden_from_others(world, api):
    problem = raised(world)
    services.flag_discipline(problem, by=world.inspector, note="疑似吃拿卡要")
    for who in ("inspector", "office"):
        body = api(getattr(world, who)).get(f"/api/problems/{problem.pk}").json()
        assert body["discipline_flag"] is True and body["discipline_note"] == "疑似吃拿卡要"
        assert any(e["note"] == "疑似吃拿卡要" for e in body["events"])
        listed = api(getattr(world, who)).get("/api/problems").json()["items"]
        assert listed[0]["discipline_flag"] is True
    for who in ("leader", "member", "district", "department_user"):
        response = api(getattr(world, who)).get(f"/api/problems/{problem.pk}")
        body = response.json()
        assert body["discipline_flag"] is None and body["discipline_note"] is None, who
        assert "疑似吃拿卡要" not in response.content.decode(), who
        assert ProblemEvent.objects.filter(problem=problem, confidential=True).exists()
        listed = api(getattr(world, who)).get("/api/problems").json()["items"]
        assert listed[0]["discipline_flag"] is None


def test_the_list_as_of_a_past_date(world, api):
    problem = raised(world)
    when = datetime.datetime(2025, 4, 1, 9, tzinfo=datetime.UTC)
    ProblemEvent.objects.filter(problem=problem).update(at=when)
    Problem.objects.filter(pk=problem.pk).update(raised_at=when)
    services.escalate(problem, by=world.office, level=EscalationLevel.OFFICE, note="逾期")
    services.close(problem, by=world.office, note="调度会议定已解决")
    client = api(world.office)
    assert client.get("/api/problems").json()["count"] == 0
    then = client.get("/api/problems", {"as_of": "2025-04-15"}).json()
    assert then["as_of"] == "2025-04-15"
    assert [i["id"] for i in then["items"]] == [problem.pk]
    item = then["items"][0]
    assert item["status"] == ProblemStatus.ASSIGNED and item["level"] == EscalationLevel.DISTRICT
    assert item["overdue"] is False
    assert client.get("/api/problems", {"as_of": "2025-03-31"}).json()["count"] == 0
    closed = client.get("/api/problems", {"state": "closed"}).json()
    assert [i["id"] for i in closed["items"]] == [problem.pk]
    bad = client.get("/api/problems", {"as_of": "yesterday"})
    assert bad.status_code == 422 and "as_of" in bad.json()["errors"]


def test_the_list_filters_and_paginates(world, api):
    land = raised(world)
    power = raised(world, category="power", description="电力接入", lead=False)
    other = raised(world, project=world.other)
    client = api(world.office)
    assert [
        i["id"] for i in client.get("/api/problems", {"category": "power"}).json()["items"]
    ] == [power.pk]
    by_project = client.get("/api/problems", {"project": world.other.pk}).json()
    assert [i["id"] for i in by_project["items"]] == [other.pk]
    by_unit = client.get("/api/problems", {"lead_unit": world.department.pk}).json()
    assert {i["id"] for i in by_unit["items"]} == {land.pk, other.pk}
    first = client.get("/api/problems", {"page_size": 2}).json()
    second = client.get("/api/problems", {"page_size": 2, "page": 2}).json()
    assert first["count"] == second["count"] == 3
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert sorted(ids) == sorted([land.pk, power.pk, other.pk])
    bad = client.get("/api/problems", {"category": "weather"})
    assert bad.status_code == 422 and "category" in bad.json()["errors"]


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_the_list_query_count_does_not_grow(world, api):
    client = api(world.office)
    client.get("/api/me")
    raised(world)
    few, body = count_queries(client, "/api/problems")
    assert body["count"] == 1
    make_projects(world, 4)
    for project in Project.objects.exclude(pk__in=[world.own.pk, world.other.pk]):
        problem = services.raise_problem(
            project,
            {"category": "land", "description": "用地", "deadline": FUTURE},
            by=world.office,
        )
        problem.assisting_units.set([world.department])
        services.add_note(problem, "推进中", by=world.office)
    many, body = count_queries(client, "/api/problems")
    assert body["count"] == 5
    assert few == many


def test_labels_follow_the_language(world, api):
    problem = raised(world)
    chinese = api(world.office).get(f"/api/problems/{problem.pk}").json()
    english = api(world.office).get(f"/api/problems/{problem.pk}", HTTP_ACCEPT_LANGUAGE="en")
    translation.activate("zh-hans")  # the request left English active in this thread
    assert chinese["category_label"] == "用地" and english.json()["category_label"] == "Land"
    assert english.json()["level_label"] == "District"


def test_a_deadline_is_a_day_within_ten_years_of_the_programme(world, api):
    client = api(world.member)
    # a number would be read as seconds since 1970 by pydantic
    response = client.post("/api/problems", new_problem(world, deadline=1767139200))
    assert response.status_code == 422 and "deadline" in response.json()["errors"]
    far = datetime.date(world.programme.year + 11, 1, 1).isoformat()
    response = client.post("/api/problems", new_problem(world, deadline=far))
    assert response.status_code == 422
    assert "10" in response.json()["errors"]["deadline"][0]
    assert not Problem.objects.exists()
