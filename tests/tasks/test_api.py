import datetime

import pytest

from keyworks.tasks import services
from keyworks.tasks.models import Task, TaskStatus
from tests.api.conftest import Api

from .conftest import FUTURE, backdate, supervision


def body(world, **extra):
    data = {
        "kind": "supervision",
        "text": "  督促办理施工许可 ",
        "lead_unit": world.department.pk,
        "deadline": FUTURE.isoformat(),
        "project": world.own.pk,
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("who", "kind", "status"),
    [
        ("office", "supervision", 201),
        ("inspector", "supervision", 201),
        ("leader", "supervision", 403),
        ("member", "supervision", 403),
        ("department_user", "supervision", 403),
        ("leader", "instruction", 201),
        ("office", "instruction", 201),
        ("inspector", "instruction", 403),
        ("office", "decision", 201),
        ("outsider", "supervision", 404),
    ],
)
def test_who_may_create(world, who, kind, status):
    extra = {"kind": kind}
    if kind == "instruction":
        extra["issued_by"] = world.leader.pk
    response = Api(getattr(world, who)).post("/api/tasks", body(world, **extra))
    assert response.status_code == status, response.content
    if status == 201:
        data = response.json()
        assert data["text"] == "督促办理施工许可" and data["status"] == "issued"
        assert data["project"]["id"] == world.own.pk and data["events"][0]["kind"] == "issue"


def test_create_validation_errors_name_the_field(world):
    api = Api(world.office)
    response = api.post("/api/tasks", body(world, deadline="2020-01-01"))
    assert response.status_code == 422 and "deadline" in response.json()["errors"]
    response = api.post("/api/tasks", body(world, lead_unit=999999))
    assert response.status_code == 422 and "lead_unit" in response.json()["errors"]
    response = api.post("/api/tasks", body(world, kind="instruction", issued_by=world.member.pk))
    assert response.status_code == 422 and "issued_by" in response.json()["errors"]
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    "link", ["javascript:alert(document.cookie)", "//evil.example/x", "data:text/html,x"]
)
def test_subject_url_must_be_http_or_a_site_path(world, link):
    api = Api(world.office)
    response = api.post("/api/tasks", body(world, subject_label="调度会", subject_url=link))
    assert response.status_code == 422, response.content
    assert "subject_url" in response.json()["errors"]
    assert not Task.objects.exists()
    response = api.post("/api/tasks", body(world, subject_url="https://example.gov.cn/m/12"))
    assert response.status_code == 201 and response.json()["subject_url"].startswith("https://")


def test_a_stored_unsafe_link_is_not_handed_out(world):
    task = supervision(world, subject_label="调度会")
    Task.objects.filter(pk=task.pk).update(subject_url="javascript:alert(1)")  # an old row
    assert Api(world.office).get(f"/api/tasks/{task.pk}").json()["subject_url"] == ""


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("inspector", 200),
        ("member", 200),
        ("department_user", 200),
        ("other_member", 404),
        ("district", 404),
        ("outsider", 404),
    ],
)
def test_read_matrix(world, who, status):
    task = supervision(world)
    api = Api(getattr(world, who))
    response = api.get(f"/api/tasks/{task.pk}")
    assert response.status_code == status
    listed = api.get("/api/tasks").json()
    assert (task.pk in [t["id"] for t in listed["items"]]) is (status == 200)


@pytest.mark.parametrize(
    ("who", "answer", "accept"),
    [
        ("department_user", 200, 403),
        ("inspector", 403, 200),  # the issuer
        ("office", 403, 200),
        ("leader", 403, 403),
        ("member", 403, 403),
        ("other_member", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_action_matrix(world, who, answer, accept):
    task = supervision(world)
    api = Api(getattr(world, who))
    assert api.post(f"/api/tasks/{task.pk}/answer", {"note": "已办"}).status_code == answer
    if answer != 200:
        services.answer(task, by=world.department_user, text="已办")
    assert api.post(f"/api/tasks/{task.pk}/accept", {}).status_code == accept


@pytest.mark.parametrize("version", [False, True, "1", 1.0])
def test_a_bool_or_text_is_not_a_version(world, version):
    task = supervision(world)
    dept = Api(world.department_user)
    response = dept.post(f"/api/tasks/{task.pk}/answer", {"note": "已办", "version": version})
    assert response.status_code == 422 and "version" in response.json()["errors"]
    task.refresh_from_db()
    assert task.status == TaskStatus.ISSUED and task.version == 1


def test_flow_and_conflict(world):
    task = supervision(world)
    dept, inspector = Api(world.department_user), Api(world.inspector)
    response = dept.post(f"/api/tasks/{task.pk}/answer", {"note": "已办", "version": 1})
    assert response.status_code == 200 and response.json()["status"] == "answered"
    assert response.json()["can"] == {"answer": True, "accept": False, "return": False}
    stale = inspector.post(f"/api/tasks/{task.pk}/return", {"note": "补充", "version": 1})
    assert stale.status_code == 409 and "已被他人处理" in stale.json()["detail"]
    empty = inspector.post(f"/api/tasks/{task.pk}/return", {"note": "", "version": 2})
    assert empty.status_code == 422
    back = inspector.post(f"/api/tasks/{task.pk}/return", {"note": "补充", "version": 2})
    assert back.json()["status"] == "returned"
    dept.post(f"/api/tasks/{task.pk}/answer", {"note": "已补充"})
    done = inspector.post(f"/api/tasks/{task.pk}/accept", {"note": "好"})
    assert done.json()["status"] == "accepted"
    assert [e["kind"] for e in done.json()["events"]] == [
        "issue",
        "answer",
        "return",
        "answer",
        "accept",
    ]
    again = dept.post(f"/api/tasks/{task.pk}/answer", {"note": "再办"})
    assert again.status_code == 422
    assert Task.objects.get().status == TaskStatus.ACCEPTED


def test_list_filters_and_as_of(world):
    task = supervision(
        world, issued_on=datetime.date(2025, 4, 1), deadline=datetime.date(2025, 4, 10)
    )
    backdate(task, datetime.datetime(2025, 4, 1, 9, tzinfo=datetime.UTC))
    services.answer(task, by=world.department_user, text="已办")
    services.accept(task, by=world.inspector)
    fresh = supervision(world, kind="decision", by=world.office, text="会议议定：加快征迁")
    api = Api(world.office)
    now = api.get("/api/tasks").json()
    assert [t["id"] for t in now["items"]] == [fresh.pk]
    then = api.get("/api/tasks", {"as_of": "2025-04-15"}).json()
    assert then["as_of"] == "2025-04-15" and then["count"] == 1
    item = then["items"][0]
    assert (item["id"], item["status"], item["overdue"], item["answer"]) == (
        task.pk,
        "issued",
        True,
        None,
    )
    closed = api.get("/api/tasks", {"state": "closed", "q": "用地"}).json()
    assert [t["id"] for t in closed["items"]] == [task.pk]
    assert api.get("/api/tasks", {"kind": "decision"}).json()["count"] == 1
    assert api.get("/api/tasks", {"overdue": "true"}).json()["count"] == 0
    assert api.get("/api/tasks", {"as_of": "not-a-date"}).status_code == 422
    assert Api(world.outsider).get("/api/tasks").json()["count"] == 0


def test_dates_are_days_and_the_deadline_within_ten_years_of_the_programme(world):
    api = Api(world.office)
    for field in ("deadline", "issued_on"):
        response = api.post("/api/tasks", body(world, **{field: 1767139200}))
        assert response.status_code == 422 and field in response.json()["errors"], field
    far = datetime.date(world.programme.year + 11, 1, 1).isoformat()
    response = api.post("/api/tasks", body(world, deadline=far))
    assert response.status_code == 422 and "deadline" in response.json()["errors"]
    assert not Task.objects.exists()
