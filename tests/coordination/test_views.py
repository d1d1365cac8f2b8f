import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from keyworks.coordination import services
from keyworks.coordination.models import EscalationLevel, Problem, ProblemStatus
from keyworks.orgs.models import User
from tests.conftest import otp_verified

from .conftest import FUTURE, backdate, other_department_user, raised, resolved

LIST = "/coordination/"
EXPORT = "/coordination/export.xlsx"


def detail(problem):
    return f"/coordination/{problem.pk}/"


def rows(response):
    body = response.content.decode()
    return {int(part.split('"')[0]) for part in body.split('data-problem="')[1:]}


@pytest.mark.parametrize(
    ("who", "sees_own", "sees_other"),
    [
        ("office", True, True),
        ("leader", True, True),
        ("inspector", True, True),
        ("member", True, False),
        ("other_member", False, True),
        ("district", True, False),
        ("department_user", True, False),
    ],
)
def test_list_shows_each_role_its_problems(world, who, sees_own, sees_other):
    own = raised(world)
    other = raised(world, project=world.other, lead=False)
    response = world.client(getattr(world, who)).get(LIST)
    assert response.status_code == 200
    shown = rows(response)
    assert (own.pk in shown) is sees_own
    assert (other.pk in shown) is sees_other


def test_outsider_and_anonymous(world):
    problem = raised(world)
    assert world.client(world.outsider).get(LIST).status_code == 404
    assert world.client(None).get(LIST).status_code == 302
    assert world.client(world.outsider).get(detail(problem)).status_code == 404
    assert world.client(world.other_member).get(detail(problem)).status_code == 404
    assert world.client(other_department_user(world)).get(detail(problem)).status_code == 404


def test_list_filters(world):
    land = raised(world, description="用地指标未落实")
    power = raised(world, category="power", description="电力接入延迟", lead=False)
    overdue = raised(
        world,
        category="funding",
        description="资金未到位",
        deadline=datetime.date.today() - datetime.timedelta(days=2),
        deadline_reason="补录",
    )
    closed = services.close(resolved(world, description="已解决的征迁问题"), by=world.office)
    client = world.client(world.office)
    assert rows(client.get(LIST)) == {land.pk, power.pk, overdue.pk}
    assert rows(client.get(LIST, {"category": "power"})) == {power.pk}
    assert rows(client.get(LIST, {"q": "资金"})) == {overdue.pk}
    assert rows(client.get(LIST, {"q": "牧野路"})) == {land.pk, power.pk, overdue.pk}
    assert rows(client.get(LIST, {"overdue": "on"})) == {overdue.pk}
    services.resolve(overdue, by=world.department_user, note="资金已拨付")
    assert rows(client.get(LIST, {"overdue": "on"})) == set()  # waits for the office now
    services.return_problem(overdue, by=world.office, note="未到账")
    assert rows(client.get(LIST, {"status": "raised"})) == {power.pk}
    assert rows(client.get(LIST, {"status": "closed"})) == {closed.pk}
    assert rows(client.get(LIST, {"lead_unit": world.department.pk})) == {land.pk, overdue.pk}
    assert rows(client.get(LIST, {"project": world.other.pk})) == set()
    # closed items stay searchable
    assert rows(client.get(LIST, {"state": "closed", "q": "征迁"})) == {closed.pk}
    assert rows(client.get(LIST, {"state": "all"})) == {land.pk, power.pk, overdue.pk, closed.pk}


def test_list_as_of_shows_old_state_before_a_change(world):
    problem = raised(world)
    backdate(problem, datetime.datetime(2025, 4, 1, 9, tzinfo=datetime.UTC))
    services.escalate(problem, by=world.office, level=EscalationLevel.OFFICE, note="逾期")
    services.close(problem, by=world.office, note="调度会议定已解决")
    client = world.client(world.office)
    assert rows(client.get(LIST)) == set()
    response = client.get(LIST, {"as_of": "2025-04-15"})
    assert rows(response) == {problem.pk}
    body = response.content.decode()
    assert 'data-status="assigned"' in body
    assert "截至 2025-04-15" in body
    assert rows(client.get(LIST, {"as_of": "2025-03-31"})) == set()


def test_list_query_count_is_constant(world):
    client = world.client(world.office)
    raised(world)
    client.get(LIST)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    helper = other_department_user(world)
    for n in range(6):
        p = raised(world, description=f"问题{n}", assisting_units=[helper.unit])
        services.add_note(p, f"进展{n}", by=world.department_user)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(rows(client.get(LIST))) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_export_is_a_real_workbook_in_the_office_layout(world):
    raised(world, description='=HYPERLINK("http://x")', need="")
    services.add_note(Problem.objects.get(), "已对接自然资源局", by=world.department_user)
    raised(world, category="power", description="电力接入延迟", lead=False)
    response = world.client(world.office).get(EXPORT, {"category": "land"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert "任务问题清单" in ws["A1"].value
    assert ws["A2"].value.startswith("导出日期：")
    header = [c.value for c in ws[3]]
    assert header == ["序号", "项目名称", "问题描述", "责任单位", "办理时限", "进展情况", "状态"]
    assert ws.freeze_panes == "C4" and ws.print_title_rows == "$3:$3"
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert len(data) == 1  # filtered: land only
    row = data[0]
    assert row[0] == 1 and row[1] == world.own.name
    assert row[2] == '=HYPERLINK("http://x")'
    assert ws["C4"].data_type == "s" and ws["C4"].quotePrefix
    assert world.department.name in row[3]
    assert row[4].date() == FUTURE
    assert row[5] == "已对接自然资源局"
    assert row[6] == "办理中"


def test_export_respects_visibility(world):
    raised(world)
    raised(world, project=world.other, lead=False)
    response = world.client(world.member).get(EXPORT)
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [r[1].value for r in ws.iter_rows(min_row=4)] == [world.own.name]


def test_raise_form(world):
    url = f"/coordination/project/{world.own.pk}/raise/"
    client = world.client(world.member)
    assert client.get(url).status_code == 200
    past = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    data = {
        "category": "permits",
        "description": "施工许可未办理",
        "need": "住建局加快审批",
        "lead_unit": world.department.pk,
        "deadline": past,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "请说明理由" in response.content.decode()
    assert not Problem.objects.exists()
    response = client.post(url, {**data, "deadline_reason": "会议补录"})
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(problem)
    assert problem.raised_by == world.member and problem.status == ProblemStatus.ASSIGNED
    assert world.client(world.department_user).get(url).status_code == 403
    assert world.client(world.outsider).get(url).status_code == 404


def test_project_page_links_to_raise(world):
    body = world.client(world.member).get(f"/ledger/{world.own.pk}/").content.decode()
    assert f"/coordination/project/{world.own.pk}/raise/" in body


def test_detail_shows_timeline_and_only_allowed_actions(world):
    problem = raised(world)
    services.add_note(problem, "已现场踏勘", by=world.department_user)
    body = world.client(world.department_user).get(detail(problem)).content.decode()
    assert "已现场踏勘" in body and 'data-kind="raise"' in body
    assert 'id="resolve-form"' in body and 'id="note-form"' in body
    assert 'id="close-form"' not in body and 'id="escalate-form"' not in body
    body = world.client(world.office).get(detail(problem)).content.decode()
    assert 'id="close-form"' in body and 'id="void-form"' in body and 'id="flag-form"' not in body
    problem.refresh_from_db()
    assert f'name="version" value="{problem.version}"' in body


def test_discipline_clue_hidden_from_others(world):
    problem = raised(world)
    services.flag_discipline(problem, by=world.inspector, note="疑似违规收费")
    for who, sees in [("inspector", True), ("office", True), ("member", False), ("leader", False)]:
        client = world.client(getattr(world, who))
        body = client.get(detail(problem)).content.decode()
        assert ("疑似违规收费" in body) is sees, who
        assert ('data-discipline="1"' in client.get(LIST).content.decode()) is sees, who


def test_actions_through_the_page(world):
    problem = raised(world)
    url = detail(problem)
    dept = world.client(world.department_user)
    dept.post(url + "note/", {"note": "办理中"})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS
    dept.post(url + "resolve/", {"note": "", "version": problem.version})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.IN_PROGRESS  # refused: no resolution note
    dept.post(url + "resolve/", {"note": "已批复", "version": problem.version})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RESOLVED
    assert dept.post(url + "close/", {"note": "x"}).status_code == 403
    stale = problem.version - 1
    office = world.client(world.office)
    response = office.post(url + "close/", {"note": "", "version": stale}, follow=True)
    assert "已被他人处理" in response.content.decode()
    office.post(url + "close/", {"note": "", "version": problem.version})
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    response = office.post(url + "escalate/", {"level": 5, "note": "再议"}, follow=True)
    assert "已销号或作废" in response.content.decode()
    assert world.client(world.member).post(url + "bogus/").status_code == 404


def test_the_list_pages_and_filters_by_project_without_a_select(world, monkeypatch):
    from keyworks.coordination import views as coordination_views

    from .conftest import raised

    monkeypatch.setattr(coordination_views, "PAGE_SIZE", 2)
    for _ in range(3):
        raised(world)
    raised(world, project=world.other)
    client = world.client(world.office)
    first = client.get("/coordination/")
    html = first.content.decode()
    assert 'id="problem-count">4<' in html and 'id="next-page"' in html
    assert 'name="project"' in html and '<select name="project"' not in html
    assert len(first.context["problems"]) == 2
    assert len(client.get("/coordination/", {"page": 2}).context["problems"]) == 2
    own = client.get("/coordination/", {"project": world.own.pk})
    assert own.context["page"].paginator.count == 3
    assert "（牧野路改造工程）" in own.content.decode()


def test_the_admin_shows_problems_read_only(world):
    problem = raised(world)
    root = User.objects.create_superuser("root", password="x", full_name="管理员")
    client = otp_verified(Client(), root)
    event = problem.events.first()
    for path in (
        f"/admin/coordination/problem/{problem.pk}/change/",
        f"/admin/coordination/problemevent/{event.pk}/change/",
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/coordination/problem/{problem.pk}/delete/").status_code == 403


def test_pages_speak_chinese_by_default_and_english_on_request(world):
    problem = raised(world)
    office = world.client(world.office)
    body = office.get(LIST).content.decode()
    assert "任务问题清单" in body and "Task & problem list" not in body
    english = office.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Task & problem list" in english and "任务问题清单" not in english
    page = office.get(detail(problem), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Coordination level" in page and "协调层级" not in page
    stale = problem.version - 1
    response = office.post(
        detail(problem) + "void/",
        {"note": "重复", "version": stale},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "changed by someone else" in response.content.decode()


def test_export_follows_the_language(world):
    raised(world)
    response = world.client(world.office).get(EXPORT, HTTP_ACCEPT_LANGUAGE="en")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "task & problem list" in ws["A1"].value
    assert [c.value for c in ws[3]][:3] == ["No.", "Project", "Problem"]
