"""A meeting decision is one record on the 督办 list: recorded in the meeting, it is a
task of kind "decision" — listed, filtered and exported with the supervision items and
instructions, answered and accepted through the tasks pages and API — and what happens
to it on either side is what the other shows (no second copy)."""

import io
import json

import openpyxl
from django.test import Client

from keyworks.audit.models import ChangeRecord
from keyworks.demo.loader import load_demo
from keyworks.meetings.models import Decision
from keyworks.orgs.models import Role, User
from keyworks.tasks.models import Task, TaskKind, TaskStatus

from ..api.conftest import Api
from ..meetings.conftest import decided
from .conftest import supervision


def listed(client, **params) -> list[int]:
    body = client.get("/tasks/", params).content.decode()
    return [int(part.split('"')[0]) for part in body.split('data-task="')[1:]]


def test_a_decision_is_on_the_task_list_filters_export_and_api(world):
    item = supervision(world)
    decision = decided(world, text="加快办理用地手续")
    assert Task.objects.get(pk=decision.pk).kind == TaskKind.DECISION
    client = world.client(world.office)
    assert set(listed(client)) == {item.pk, decision.pk}
    assert listed(client, kind="decision") == [decision.pk]
    assert listed(client, q="用地手续") == [decision.pk]
    api = Api(world.office)
    rows = api.get("/api/tasks", {"kind": "decision"}).json()["items"]
    assert [r["id"] for r in rows] == [decision.pk]
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/tasks/export.xlsx", {"kind": "decision"}).content)
    ).active
    assert any("加快办理用地手续" in str(c.value) for row in sheet.iter_rows() for c in row)
    page = client.get(f"/tasks/{decision.pk}/").content.decode()
    assert f'href="/meetings/{decision.meeting_id}/"' in page  # what it is about


def test_answered_and_accepted_as_a_task_the_meeting_sees_it(world):
    decision = decided(world)
    unit = Api(world.department_user)
    answered = unit.post(f"/api/tasks/{decision.pk}/answer", {"note": "用地手续已办结"})
    assert answered.status_code == 200, answered.content
    shown = Api(world.office).get(f"/api/meetings/decisions/{decision.pk}").json()
    assert (shown["status"], shown["done_note"]) == (TaskStatus.ANSWERED, "用地手续已办结")
    accepted = Api(world.office).post(f"/api/tasks/{decision.pk}/accept", {})
    assert accepted.status_code == 200, accepted.content
    page = world.client(world.leader).get(f"/meetings/decisions/{decision.pk}/")
    assert 'data-status="accepted"' in page.content.decode()
    assert Task.objects.count() == Decision.objects.count() == 1
    kinds = list(decision.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["issue", "answer", "accept"]
    # One history in the change log too, whichever page acted on it.
    records = ChangeRecord.objects.filter(object_id=str(decision.pk), object_type="tasks.task")
    assert not ChangeRecord.objects.filter(object_type="meetings.decision").exists()
    assert list(records.order_by("at", "id").values_list("action", flat=True)) == [
        "create",
        "answer",
        "accept",
    ]


def test_the_demo_decisions_are_on_the_demo_task_list(db):
    programme = load_demo().programme
    decisions = Decision.objects.filter(meeting__programme=programme)
    assert decisions.count() == 8
    office = User.objects.filter(roles__role=Role.OFFICE, roles__programme=programme).first()
    client = Client()
    client.force_login(office)
    query = {"programme": programme.code, "kind": "decision", "state": "all"}
    body = client.get("/tasks/", query).content.decode()
    shown = {int(part.split('"')[0]) for part in body.split('data-task="')[1:]}
    assert shown == set(decisions.values_list("pk", flat=True))
    api = json.loads(client.get("/api/tasks", query).content)
    assert api["count"] == 8
