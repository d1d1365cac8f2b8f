"""The /api/meetings endpoints: same permissions as the pages."""

import io
import json

import docx
import pytest

from keyworks.meetings import services
from keyworks.meetings.models import AgendaKind
from keyworks.tasks.models import TaskStatus

from .conftest import FUTURE, TODAY, decided, opened, other_unit_user, raised


def call(world, user, method, url, body=None):
    client = world.client(user)
    if method == "get":
        return client.get(url, body or {})
    data = json.dumps(body or {})
    return getattr(client, method)(url, data=data, content_type="application/json")


@pytest.mark.parametrize(
    "who",
    ["office", "leader", "inspector", "member", "other_member", "district", "department_user"],
)
def test_readers(world, who):
    decision = decided(world)
    meeting = decision.meeting
    user = getattr(world, who)
    listed = call(world, user, "get", "/api/meetings").json()
    assert [m["id"] for m in listed] == [meeting.pk]
    detail = call(world, user, "get", f"/api/meetings/{meeting.pk}").json()
    assert detail["items"][0]["decisions"][0]["id"] == decision.pk
    assert detail["can_edit"] is (who == "office")
    decisions = call(world, user, "get", "/api/meetings/decisions").json()
    assert [d["id"] for d in decisions] == [decision.pk]
    one = call(world, user, "get", f"/api/meetings/decisions/{decision.pk}").json()
    assert one["events"][0]["kind"] == "issue"
    first = decision.events.order_by("at", "id").first()
    assert one["events"][0] == {
        "id": first.pk, "kind": "issue", "kind_label": "交办",
        "at": one["events"][0]["at"], "status": first.status,
        "actor": str(first.actor), "note": first.note,
    }  # fmt: skip
    assert one["can"]["note"] is (who in ("office", "department_user"))
    assert one["can"]["answer"] is (who == "department_user")
    response = call(world, user, "get", f"/api/meetings/{meeting.pk}/minutes.docx")
    assert response.status_code == 200
    assert docx.Document(io.BytesIO(response.content)).paragraphs[0].text.endswith("会议纪要")


def test_outsider_gets_404(world):
    decision = decided(world)
    meeting = decision.meeting
    o = world.outsider
    assert call(world, o, "get", "/api/meetings").json() == []
    for url in (
        f"/api/meetings/{meeting.pk}",
        f"/api/meetings/decisions/{decision.pk}",
        f"/api/meetings/{meeting.pk}/minutes.docx",
    ):
        assert call(world, o, "get", url).status_code == 404, url
    assert call(world, o, "post", "/api/meetings", {"date": TODAY.isoformat()}).status_code == 404
    assert (
        call(world, o, "post", f"/api/meetings/{meeting.pk}/agenda", {"title": "x"}).status_code
        == 404
    )
    body = {"action": "note", "note": "x"}
    url = f"/api/meetings/decisions/{decision.pk}/progress"
    assert call(world, o, "post", url, body).status_code == 404
    assert call(world, None, "get", "/api/meetings").status_code == 401


def test_office_runs_a_meeting(world):
    problem = raised(world)
    o = world.office
    response = call(
        world, o, "post", "/api/meetings", {"date": TODAY.isoformat(), "place": "第一会议室"}
    )
    assert response.status_code == 201, response.content
    meeting = response.json()
    base = f"/api/meetings/{meeting['id']}"
    assert meeting["title"] == "第1次周调度会"
    assert [(i["kind"], i["problem"]) for i in meeting["items"]] == [
        (AgendaKind.NEW_PROBLEM, problem.pk)
    ]
    item_id = meeting["items"][0]["id"]
    added = call(world, o, "post", f"{base}/agenda", {"title": "其他事项", "summary": "说明"})
    assert added.status_code == 201
    free_id = added.json()["items"][-1]["id"]
    ordered = call(world, o, "put", f"{base}/agenda/order", {"items": [free_id, item_id]}).json()
    assert [i["id"] for i in ordered["items"]] == [free_id, item_id]
    edited = call(world, o, "patch", f"{base}/agenda/{item_id}", {"summary": "改", "version": 1})
    assert edited.json()["items"][1]["summary"] == "改"
    stale = call(world, o, "patch", f"{base}/agenda/{item_id}", {"summary": "旧", "version": 1})
    assert stale.status_code == 409
    no_owner = call(
        world,
        o,
        "post",
        f"{base}/agenda/{item_id}/decisions",
        {"text": "加快办理", "deadline": FUTURE.isoformat()},
    )
    assert no_owner.status_code == 422 and "unit" in no_owner.json()["errors"]
    created = call(
        world,
        o,
        "post",
        f"{base}/agenda/{item_id}/decisions",
        {"text": "加快办理", "unit": world.department.pk, "deadline": FUTURE.isoformat()},
    )
    assert created.status_code == 201
    decision = created.json()
    assert call(world, o, "delete", f"{base}/agenda/{item_id}").status_code == 422
    assert call(world, o, "delete", f"{base}/agenda/{free_id}").status_code == 200
    closed = call(world, o, "post", f"{base}/close", {"version": None})
    assert closed.json()["status"] == "closed"
    assert call(world, o, "post", f"{base}/agenda", {"title": "会后"}).status_code == 403
    patch = call(world, o, "patch", f"/api/meetings/decisions/{decision['id']}", {"text": "改"})
    assert patch.status_code == 403

    progress = f"/api/meetings/decisions/{decision['id']}/progress"
    unit = world.department_user
    assert call(world, unit, "post", progress, {"action": "confirm"}).status_code == 403
    reported = call(world, unit, "post", progress, {"action": "report", "note": "已办结"})
    assert reported.json()["status"] == TaskStatus.ANSWERED
    version = reported.json()["version"]
    confirmed = call(world, o, "post", progress, {"action": "confirm", "version": version})
    assert confirmed.json()["status"] == TaskStatus.ACCEPTED
    assert call(world, o, "post", progress, {"action": "bogus"}).status_code == 422


@pytest.mark.parametrize("who", ["leader", "inspector", "member", "district", "department_user"])
def test_read_only_roles_get_403(world, who):
    meeting = opened(world)
    item = services.add_item(meeting, by=world.office, title="甲")
    user = getattr(world, who)
    base = f"/api/meetings/{meeting.pk}"
    assert (
        call(world, user, "post", "/api/meetings", {"date": TODAY.isoformat()}).status_code == 403
    )
    assert call(world, user, "post", f"{base}/agenda", {"title": "x"}).status_code == 403
    assert call(world, user, "patch", f"{base}/agenda/{item.pk}", {"title": "x"}).status_code == 403
    assert call(world, user, "delete", f"{base}/agenda/{item.pk}").status_code == 403
    body = {"text": "x", "unit": world.department.pk, "deadline": FUTURE.isoformat()}
    assert call(world, user, "post", f"{base}/agenda/{item.pk}/decisions", body).status_code == 403
    assert call(world, user, "post", f"{base}/close", {}).status_code == 403


@pytest.mark.parametrize("as_of", ["0", "86400", "20250101"])
def test_as_of_is_a_date_not_a_number(world, as_of):
    decided(world)
    response = call(world, world.office, "get", "/api/meetings/decisions", {"as_of": as_of})
    assert response.status_code == 422, response.content
    assert "as_of" in response.json()["errors"]


def test_a_bool_is_not_a_version(world):
    decision = decided(world)
    url = f"/api/meetings/decisions/{decision.pk}/progress"
    response = call(world, world.department_user, "post", url,
                    {"action": "note", "note": "x", "version": False})  # fmt: skip
    assert response.status_code == 422 and "version" in response.json()["errors"]


def test_decision_filters_and_other_unit(world):
    other = other_unit_user(world)
    year_ago = TODAY.replace(year=TODAY.year - 1)
    earlier = opened(world, day=year_ago)
    late = decided(world, earlier, unit=other.unit, deadline=year_ago)
    services.close_meeting(earlier, by=world.office)
    decision = decided(world)

    def ids(**q):
        response = call(world, world.office, "get", "/api/meetings/decisions", q)
        return [d["id"] for d in response.json()]

    assert set(ids()) == {decision.pk, late.pk}
    assert ids(overdue=True) == [late.pk]
    assert ids(unit=world.department.pk) == [decision.pk]
    assert ids(status="answered") == []
    url = f"/api/meetings/decisions/{decision.pk}/progress"
    assert call(world, other, "post", url, {"action": "note", "note": "x"}).status_code == 403
