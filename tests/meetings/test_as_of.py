"""The decision list as of a past day, the keyword over confirmed decisions, the .xlsx
export in the office layout: page, API and permissions."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from keyworks.meetings import services
from keyworks.meetings.models import AgendaItem, Decision
from keyworks.tasks.models import TaskEvent

from .conftest import TODAY, decided

LIST = "/meetings/decisions/"
EXPORT = "/meetings/decisions/export.xlsx"
API = "/api/meetings/decisions"
READERS = ["office", "leader", "inspector", "member", "other_member", "district", "department_user"]
PAST = TODAY - datetime.timedelta(days=3)


def backdate(decision, days: int) -> None:
    when = timezone.now() - datetime.timedelta(days=days)
    Decision.objects.filter(pk=decision.pk).update(issued_at=when)
    TaskEvent.objects.filter(task=decision).update(at=when)


@pytest.fixture
def history(world):
    """`old`: recorded ten days ago on world.own, deadline five days ago, then noted,
    reported done and confirmed today; `new`: recorded today."""
    old = decided(world, text="协调落实用地报批", deadline=TODAY - datetime.timedelta(days=5))
    AgendaItem.objects.filter(pk=old.item_id).update(project=world.own)
    backdate(old, 10)
    services.add_note(old, "土地报批材料已上报省厅", by=world.department_user)
    services.report_done(old, "用地批复已下达", by=world.department_user)
    services.confirm(old, by=world.office)
    new = decided(world, old.meeting, text="加快施工许可办理")
    return {"old": old, "new": new}


def shown(client, **params) -> list[int]:
    body = client.get(LIST, params).content.decode()
    return [int(part.split('"')[0]) for part in body.split('data-decision="')[1:]]


def test_page_as_of_shows_the_old_state(world, history):
    old, new = history["old"], history["new"]
    client = world.client(world.leader)
    assert set(shown(client)) == {old.pk, new.pk}
    body = client.get(LIST, {"as_of": PAST.isoformat()}).content.decode()
    assert 'id="as-of"' in body
    assert shown(client, as_of=PAST.isoformat()) == [old.pk]  # `new` did not exist yet
    row = body.split(f'data-decision="{old.pk}"')[1].split("</tr>")[0]
    assert 'data-status="issued"' in row and 'data-overdue="1"' in row
    assert "土地报批材料" not in row  # the note came later
    now = client.get(LIST).content.decode().split(f'data-decision="{old.pk}"')[1]
    now = now.split("</tr>")[0]
    assert 'data-status="accepted"' in now and 'data-overdue="1"' not in now
    assert "用地批复已下达" in now
    assert shown(client, as_of=PAST.isoformat(), overdue="on") == [old.pk]
    assert shown(client, overdue="on") == []
    assert shown(client, as_of=PAST.isoformat(), status="accepted") == []
    assert shown(client, as_of=(TODAY - datetime.timedelta(days=30)).isoformat()) == []


def test_keyword_finds_confirmed_decisions(world, history):
    old, new = history["old"], history["new"]
    client = world.client(world.member)
    assert shown(client, q="用地报批") == [old.pk]  # confirmed, still found
    assert shown(client, q="省厅") == [old.pk]  # in a progress note
    assert shown(client, q="牧野路") == [old.pk]  # the project's name
    assert shown(client, q="施工许可") == [new.pk]
    assert shown(client, q="用地报批", status="accepted") == [old.pk]
    assert shown(client, q="不存在的事项") == []


def test_api_as_of_and_keyword(world, history):
    old, new = history["old"], history["new"]
    client = world.client(world.district)
    now = {d["id"]: d for d in client.get(API).json()}
    assert set(now) == {old.pk, new.pk}
    assert now[old.pk]["status"] == "accepted" and now[old.pk]["overdue"] is False
    assert now[old.pk]["project_name"] == world.own.name
    then = client.get(API, {"as_of": PAST.isoformat()}).json()
    assert [d["id"] for d in then] == [old.pk]
    assert then[0]["status"] == "issued" and then[0]["status_label"] == "已交办"
    assert then[0]["overdue"] is True and then[0]["progress"] is None
    assert [d["id"] for d in client.get(API, {"q": "省厅"}).json()] == [old.pk]
    assert client.get(API, {"as_of": "not-a-date"}).status_code == 422


def test_export_in_office_layout(world, history):
    old = history["old"]
    response = world.client(world.inspector).get(EXPORT, {"as_of": PAST.isoformat()})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cn = f"{PAST.year}年{PAST.month}月{PAST.day}日"
    assert ws["A1"].value == f"{world.programme.name}调度会议定事项清单（截至{cn}）"
    assert [c.value for c in ws[3]] == [
        "序号",
        "项目名称",
        "议定事项",
        "责任单位",
        "完成时限",
        "进展情况",
        "状态",
    ]
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert len(data) == 1
    number, project, text, unit, deadline, _progress, status = data[0]
    assert (number, project, text, unit) == (1, world.own.name, old.text, world.department.name)
    assert deadline.date() == old.deadline and status == "已交办（逾期）"
    # Today: both decisions, the confirmed one with its latest note.
    ws = openpyxl.load_workbook(io.BytesIO(world.client(world.office).get(EXPORT).content)).active
    rows = {r[2]: r for r in ([c.value for c in row] for row in ws.iter_rows(min_row=4))}
    assert rows[old.text][6] == "已办结" and rows[old.text][5] == "用地批复已下达"
    assert rows["加快施工许可办理"][6] == "已交办"


def test_export_filtered_by_keyword_and_api(world, history):
    client = world.client(world.office)
    ws = openpyxl.load_workbook(io.BytesIO(client.get(EXPORT, {"q": "施工许可"}).content)).active
    assert [r[2] for r in ws.iter_rows(min_row=4, values_only=True)] == ["加快施工许可办理"]
    response = client.get(f"{API}/export.xlsx", {"as_of": PAST.isoformat()})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert len(list(ws.iter_rows(min_row=4))) == 1


@pytest.mark.parametrize("who", READERS)
def test_export_for_every_programme_role(world, history, who):
    client = world.client(getattr(world, who))
    assert client.get(EXPORT).status_code == 200
    assert client.get(f"{API}/export.xlsx").status_code == 200


def test_export_outsider_anonymous_and_bad_filter(world, history):
    outsider = world.client(world.outsider)
    assert outsider.get(EXPORT).status_code == 404
    assert outsider.get(f"{API}/export.xlsx").status_code == 404
    assert outsider.get(API, {"as_of": PAST.isoformat()}).json() == []
    assert world.client(None).get(EXPORT).status_code == 302
    assert world.client(None).get(f"{API}/export.xlsx").status_code == 401
    assert world.client(world.office).get(EXPORT, {"as_of": "2025-13-40"}).status_code == 400
