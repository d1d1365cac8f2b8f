import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.tasks import services
from keyworks.tasks.models import Task, TaskStatus

from .conftest import FUTURE, backdate, instruction, supervision

LIST = "/tasks/"
EXPORT = "/tasks/export.xlsx"
NEW = "/tasks/new/"
MINE = "/tasks/mine/"


def detail(task):
    return f"/tasks/{task.pk}/"


def rows(response):
    body = response.content.decode()
    return {int(part.split('"')[0]) for part in body.split('data-task="')[1:]}


@pytest.mark.parametrize(
    ("who", "sees_own", "sees_helper"),
    [
        ("office", True, True),
        ("leader", True, True),
        ("inspector", True, True),
        ("member", True, False),  # the task force of the task's project
        ("other_member", False, False),
        ("district", False, False),
        ("department_user", True, False),  # its unit's task
    ],
)
def test_list_shows_each_role_its_tasks(world, helper, who, sees_own, sees_helper):
    own = supervision(world)
    other = supervision(world, project=None, lead_unit=helper.unit)
    response = world.client(getattr(world, who)).get(LIST)
    assert response.status_code == 200
    shown = rows(response)
    assert (own.pk in shown) is sees_own
    assert (other.pk in shown) is sees_helper
    detail_status = world.client(getattr(world, who)).get(detail(own)).status_code
    assert detail_status == (200 if sees_own else 404)


def test_outsider_and_anonymous(world):
    task = supervision(world)
    for url in (LIST, EXPORT, NEW, MINE, detail(task)):
        assert world.client(world.outsider).get(url).status_code == 404, url
        assert world.client(None).get(url).status_code == 302, url
    response = world.client(world.outsider).post(f"/tasks/{task.pk}/answer/", {"note": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("inspector", 200),
        ("member", 403),
        ("district", 403),
        ("department_user", 403),
    ],
)
def test_create_page_permissions(world, who, status):
    response = world.client(getattr(world, who)).get(NEW, {"project": world.own.pk})
    assert response.status_code == status


def test_create_from_project_link(world):
    client = world.client(world.inspector)
    page = client.get(NEW, {"project": world.own.pk, "kind": "supervision"})
    assert f'<option value="{world.own.pk}" selected' in page.content.decode()
    kinds = [value for value, _ in page.context["form"].fields["kind"].choices]
    assert kinds == ["supervision"]  # an inspector issues supervision items only
    data = {
        "kind": "supervision",
        "text": "督促办理施工许可",
        "project": world.own.pk,
        "lead_unit": world.department.pk,
        "deadline": FUTURE.isoformat(),
    }
    response = client.post(NEW + f"?project={world.own.pk}", data)
    task = Task.objects.get()
    assert response.status_code == 302 and response.url == detail(task)
    assert task.project == world.own and task.issued_by == world.inspector
    # errors are shown in the form, in Chinese
    bad = client.post(NEW, {**data, "deadline": "2020-01-01"})
    assert bad.status_code == 200 and "办理时限不能早于交办日期" in bad.content.decode()
    assert Task.objects.count() == 1


def test_office_records_an_instruction_for_the_leader(world):
    data = {
        "kind": "instruction",
        "issued_by": world.leader.pk,
        "issued_on": "2025-06-01",
        "text": "抓紧推进",
        "lead_unit": world.department.pk,
        "deadline": "2025-06-30",
        "subject_label": "第12次周调度会",
        "subject_url": "/meetings/12/",
    }
    response = world.client(world.office).post(NEW, data)
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.issued_by, task.recorded_by) == (world.leader, world.office)
    page = world.client(world.leader).get(detail(task)).content.decode()
    assert "第12次周调度会" in page and "王办公 录入" in page and 'data-overdue="1"' in page


def test_a_javascript_link_is_refused_and_never_rendered_as_a_link(world):
    data = {
        "kind": "supervision",
        "text": "抓紧推进",
        "lead_unit": world.department.pk,
        "deadline": FUTURE.isoformat(),
        "subject_label": "第12次周调度会",
        "subject_url": "javascript:alert(document.cookie)",
    }
    response = world.client(world.office).post(NEW, data)
    assert response.status_code == 200 and "链接须以" in response.content.decode()
    assert not Task.objects.exists()
    task = supervision(world, subject_label="第12次周调度会", subject_url="/meetings/12/")
    page = world.client(world.office).get(detail(task)).content.decode()
    assert 'href="/meetings/12/"' in page
    Task.objects.filter(pk=task.pk).update(subject_url="javascript:alert(1)")  # an old row
    page = world.client(world.office).get(detail(task)).content.decode()
    assert "第12次周调度会" in page and "javascript:" not in page


def test_actions_through_the_pages(world):
    task = supervision(world)
    dept = world.client(world.department_user)
    page = dept.get(detail(task)).content.decode()
    assert 'id="answer-form"' in page and 'id="accept-form"' not in page
    assert (
        world.client(world.member).post(f"/tasks/{task.pk}/answer/", {"note": "x"}).status_code
        == 403
    )
    response = dept.post(f"/tasks/{task.pk}/answer/", {"note": "已办理", "version": 1})
    assert response.status_code == 302
    assert Task.objects.get().status == TaskStatus.ANSWERED
    inspector = world.client(world.inspector)
    assert 'id="accept-form"' in inspector.get(detail(task)).content.decode()
    # a stale form is refused with a clear message
    stale = inspector.post(f"/tasks/{task.pk}/return/", {"note": "补充", "version": 1}, follow=True)
    assert "已被他人处理" in stale.content.decode()
    inspector.post(f"/tasks/{task.pk}/return/", {"note": "补充材料", "version": 2})
    assert Task.objects.get().status == TaskStatus.RETURNED
    dept.post(f"/tasks/{task.pk}/answer/", {"note": "已补充"})
    assert world.client(world.leader).post(f"/tasks/{task.pk}/accept/", {}).status_code == 403
    world.client(world.office).post(f"/tasks/{task.pk}/accept/", {"note": "同意"})
    task = Task.objects.get()
    assert task.status == TaskStatus.ACCEPTED
    page = dept.get(detail(task)).content.decode()
    assert page.count('data-kind="answer"') == 2 and 'data-kind="return"' in page


def test_list_filters_and_closed_items_stay_searchable(world, helper):
    open_one = supervision(world, text="督促用地预审")
    overdue = supervision(
        world,
        text="督促环评批复",
        issued_on=datetime.date(2025, 3, 1),
        deadline=datetime.date(2025, 3, 31),
    )
    inst = instruction(world, lead_unit=helper.unit, assisting_units=[world.department])
    closed = supervision(world, text="督促消防验收")
    services.answer(closed, by=world.department_user, text="已通过验收")
    services.accept(closed, by=world.inspector)
    client = world.client(world.office)
    assert rows(client.get(LIST)) == {open_one.pk, overdue.pk, inst.pk}
    assert rows(client.get(LIST, {"kind": "instruction"})) == {inst.pk}
    assert rows(client.get(LIST, {"overdue": "on"})) == {overdue.pk}
    assert rows(client.get(LIST, {"q": "环评"})) == {overdue.pk}
    assert rows(client.get(LIST, {"unit": helper.unit.pk})) == {inst.pk}
    assert rows(client.get(LIST, {"unit": world.department.pk})) == {
        open_one.pk,
        overdue.pk,
        inst.pk,
    }
    assert rows(client.get(LIST, {"status": "accepted"})) == {closed.pk}
    assert rows(client.get(LIST, {"state": "closed", "q": "消防"})) == {closed.pk}
    assert rows(client.get(LIST, {"state": "all"})) == {open_one.pk, overdue.pk, inst.pk, closed.pk}
    body = client.get(LIST, {"overdue": "on"}).content.decode()
    assert 'data-overdue="1"' in body


def test_list_as_of_shows_the_old_state(world):
    task = supervision(
        world, issued_on=datetime.date(2025, 4, 1), deadline=datetime.date(2025, 4, 10)
    )
    backdate(task, datetime.datetime(2025, 4, 1, 9, tzinfo=datetime.UTC))
    services.answer(task, by=world.department_user, text="已办理")
    services.accept(task, by=world.inspector)
    client = world.client(world.office)
    assert rows(client.get(LIST)) == set()
    response = client.get(LIST, {"as_of": "2025-04-15"})
    assert rows(response) == {task.pk}
    body = response.content.decode()
    assert 'data-status="issued"' in body and 'data-overdue="1"' in body
    assert "截至 2025-04-15" in body
    assert rows(client.get(LIST, {"as_of": "2025-03-31"})) == set()
    assert rows(client.get(LIST, {"as_of": "2025-04-15", "overdue": "on"})) == {task.pk}


def test_list_query_count_is_constant(world, helper):
    client = world.client(world.office)
    supervision(world)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(6):
        t = supervision(world, text=f"事项{n}", assisting_units=[helper.unit])
        services.answer(t, by=world.department_user, text=f"反馈{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(rows(client.get(LIST))) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_export_is_a_real_workbook(world):
    task = supervision(world, text='=HYPERLINK("http://x")')
    services.answer(task, by=world.department_user, text="已对接")
    supervision(
        world,
        text="另一事项",
        issued_on=datetime.date(2025, 3, 1),
        deadline=datetime.date(2025, 3, 31),
    )
    response = world.client(world.office).get(EXPORT, {"q": "HYPERLINK"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws.freeze_panes == "C4" and ws.print_title_rows == "$3:$3"
    assert "督办事项清单" in ws.cell(1, 1).value
    assert ws.cell(2, 1).value.startswith("导出日期：")
    header = [c.value for c in ws[3]]
    assert header[:4] == ["序号", "类型", "事项内容", "项目/事项"] and header[-1] == "状态"
    data = [c.value for c in ws[4]]
    assert data[0] == 1 and data[1] == "督导事项"
    assert data[2] == '=HYPERLINK("http://x")' and ws.cell(4, 3).data_type == "s"
    assert ws.cell(4, 3).quotePrefix
    assert data[3] == world.own.name and data[8] == "已对接" and data[9] == "已反馈待验收"
    assert data[6].date() == task.issued_on and data[7].date() == task.deadline
    assert ws.max_row == 4  # filtered
    overdue = openpyxl.load_workbook(
        io.BytesIO(world.client(world.office).get(EXPORT, {"overdue": "on"}).content)
    ).active
    assert overdue.max_row == 4 and overdue.cell(4, 10).value == "已交办（逾期）"
    assert overdue.cell(4, 8).value.date() == datetime.date(2025, 3, 31)


def test_member_export_has_only_visible_tasks(world, helper):
    supervision(world)
    supervision(world, project=None, lead_unit=helper.unit)
    ws = openpyxl.load_workbook(io.BytesIO(world.client(world.member).get(EXPORT).content)).active
    assert ws.max_row == 4


def test_my_instructions_page(world):
    later = instruction(world, text="后到期")
    overdue = instruction(
        world,
        text="已逾期",
        issued_on=datetime.date(2025, 3, 1),
        deadline=datetime.date(2025, 3, 31),
    )
    done = instruction(world, text="已办结")
    services.answer(done, by=world.department_user, text="办好了")
    services.accept(done, by=world.leader)
    services.answer(later, by=world.department_user, text="正在推进")
    supervision(world)  # not an instruction
    response = world.client(world.leader).get(MINE)
    assert response.status_code == 200
    body = response.content.decode()
    order = [int(part.split('"')[0]) for part in body.split('data-task="')[1:]]
    assert order == [overdue.pk, later.pk, done.pk]  # overdue first
    assert "正在推进" in body  # latest answer
    assert 'id="overdue-count">1<' in body
    assert world.client(world.office).get(MINE).status_code == 403
    assert world.client(world.inspector).get(MINE).status_code == 403


def test_pages_speak_chinese_by_default_and_english_on_request(world):
    task = supervision(world)
    office = world.client(world.office)
    page = office.get(LIST).content.decode()
    assert "督办事项清单" in page and "Supervision items" not in page
    english = office.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Supervision items" in english and "督办事项清单" not in english
    inspector = world.client(world.inspector)
    stale = inspector.post(
        f"/tasks/{task.pk}/return/",
        {"note": "补充", "version": 0},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This task was changed by someone else" in stale.content.decode()


def test_export_follows_the_language(world):
    supervision(world)
    response = world.client(world.office).get(EXPORT, HTTP_ACCEPT_LANGUAGE="en")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "supervision items (as of" in sheet["A1"].value
    assert sheet["A2"].value.startswith("Exported on ")
    assert [c.value for c in sheet[3]][:3] == ["No.", "Type", "Task"]
