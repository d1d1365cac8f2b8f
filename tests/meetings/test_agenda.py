"""The agenda is compiled from the data: each source, carry-over, each problem once."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from keyworks.coordination import services as problems
from keyworks.coordination.models import EscalationLevel, Problem, ProblemEvent
from keyworks.factors.models import FactorItem
from keyworks.meetings import services
from keyworks.meetings.agenda import compile_agenda
from keyworks.meetings.models import AgendaKind
from keyworks.reporting.models import MonthlyReport, ReportStatus
from keyworks.tasks.models import TaskStatus

from .conftest import TODAY, decided, opened, raised


def kinds(meeting) -> dict:
    """{problem id or project id or decision id: kind} of the meeting's agenda."""
    result = {}
    for item in meeting.items.order_by("sort", "id"):
        key = item.carried_id or item.problem_id or item.project_id
        result[(item.kind, key)] = item
    return result


def test_new_problems_of_the_week(world):
    new = raised(world, description="本周新发现的用地问题")
    old = raised(world, days_ago=10, description="两周前提出、未逾期")
    meeting = opened(world)
    items = kinds(meeting)
    assert (AgendaKind.NEW_PROBLEM, new.pk) in items
    assert not any(key == old.pk for _kind, key in items)
    item = items[(AgendaKind.NEW_PROBLEM, new.pk)]
    assert item.project_id == world.own.pk
    assert "本周新发现的用地问题" in item.summary
    assert world.department.name in item.summary


def test_overdue_problems(world):
    late = raised(world, days_ago=20, deadline=TODAY - datetime.timedelta(days=3))
    resolved = raised(world, days_ago=20, deadline=TODAY - datetime.timedelta(days=3))
    problems.resolve(resolved, by=world.department_user, note="已解决")  # waits for office
    closed = raised(world, days_ago=20, deadline=TODAY - datetime.timedelta(days=3))
    problems.close(
        problems.resolve(closed, by=world.department_user, note="已解决"), by=world.office
    )
    items = kinds(opened(world))
    assert (AgendaKind.OVERDUE, late.pk) in items
    assert not any(key in (resolved.pk, closed.pk) for _kind, key in items)


def test_problems_escalated_to_the_meeting(world):
    dispatch = raised(world, days_ago=20, description="提请调度会")
    office_level = raised(world, days_ago=20, description="办公室层级")
    problems.escalate(dispatch, by=world.office, level=EscalationLevel.DISPATCH, note="提请")
    problems.escalate(office_level, by=world.office, level=EscalationLevel.OFFICE, note="协调")
    items = kinds(opened(world))
    assert (AgendaKind.ESCALATED, dispatch.pk) in items
    assert not any(key == office_level.pk for _kind, key in items)


def test_a_problem_appears_once(world):
    both = raised(world, description="新提出并已升级")
    problems.escalate(both, by=world.office, level=EscalationLevel.LEADERS, note="提请")
    meeting = opened(world)
    assert meeting.items.filter(problem=both).count() == 1


def test_agenda_as_of_the_meeting_day(world):
    """A past meeting day sees the problems as they stood then."""
    problem = raised(world)  # raised today: not on a meeting held last month
    past = compile_agenda(world.programme, TODAY - datetime.timedelta(days=30))
    assert all(entry.problem != problem for entry in past)


def test_a_problem_closed_later_was_open_on_a_past_meeting_day(world):
    """Closing is final, so a problem closed before the day is left out unread; one closed
    after the day is on that day's agenda with its state then."""
    day = TODAY - datetime.timedelta(days=5)
    deadline = TODAY - datetime.timedelta(days=10)
    later = raised(world, days_ago=20, deadline=deadline, description="会后才销号")
    before = raised(world, days_ago=20, deadline=deadline, description="会前已销号")
    for problem in (later, before):
        problems.close(
            problems.resolve(problem, by=world.department_user, note="已解决"), by=world.office
        )
    closed_at = timezone.now() - datetime.timedelta(days=8)
    Problem.objects.filter(pk=before.pk).update(closed_at=closed_at)
    ProblemEvent.objects.filter(problem=before).exclude(kind="raise").update(at=closed_at)
    entries = {e.problem.pk: e for e in compile_agenda(world.programme, day) if e.problem}
    assert before.pk not in entries
    assert entries[later.pk].kind == AgendaKind.OVERDUE
    assert "状态：已交办" in entries[later.pk].summary
    assert later.pk not in {
        e.problem.pk for e in compile_agenda(world.programme, TODAY) if e.problem
    }


def accepted_report(project, month, amount, submitted):
    return MonthlyReport.objects.create(
        project=project,
        month=month,
        status=ReportStatus.ACCEPTED,
        completed_this_month=Decimal(amount),
        submitted_at=submitted,
    )


def test_red_lights_of_the_latest_month_with_data(world):
    # No report at all: no data, no red-light section.
    assert not opened(world, datetime.date(2025, 12, 1)).items.filter(kind=AgendaKind.RED_LIGHT)
    services.close_meeting(world.programme.meetings.get(), by=world.office)
    submitted = datetime.datetime(2025, 11, 5, 10, tzinfo=datetime.UTC)
    accepted_report(world.own, datetime.date(2025, 10, 1), "10", submitted)  # 0.3% vs 83.3%
    # Submitted after the meeting day: not data yet for that meeting.
    late = timezone.now()
    accepted_report(world.other, datetime.date(2025, 11, 1), "10", late)
    meeting = opened(world, datetime.date(2025, 12, 8))
    red = meeting.items.filter(kind=AgendaKind.RED_LIGHT)
    item = red.get(project=world.own)
    assert item.title == f"红灯预警：{world.own.name}"
    assert "2025年10月" in item.summary and "序时进度" in item.summary


def test_factor_shortfalls(world, monkeypatch):
    FactorItem.objects.create(
        project=world.other,
        kind="land",
        demand=Decimal("860"),
        secured=Decimal("620"),
        responsible_unit=world.department,
        deadline=TODAY + datetime.timedelta(days=10),
    )
    FactorItem.objects.create(project=world.own, kind="water", demand=10, secured=10)
    entries = [e for e in compile_agenda(world.programme, TODAY) if e.kind == AgendaKind.FACTOR]
    assert [e.project_id for e in entries] == [world.other.pk]
    assert "缺口240" in entries[0].summary and world.department.name in entries[0].summary
    # A bug in the factors section is not hidden behind an empty section.
    monkeypatch.setattr("keyworks.meetings.agenda.shortfalls", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        compile_agenda(world.programme, TODAY)


def test_next_agenda_starts_with_unfinished_decisions(world):
    raised(world, description="新问题")
    first = opened(world, TODAY - datetime.timedelta(days=7))
    open_one = decided(world, first, text="未办结事项")
    done_one = decided(world, first, text="已报完成待确认")
    confirmed = decided(world, first, text="已确认办结事项")
    services.report_done(done_one, "已完成", by=world.department_user)
    services.report_done(confirmed, "已完成", by=world.department_user)
    services.confirm(confirmed, by=world.office)
    services.close_meeting(first, by=world.office)

    second = opened(world)
    items = list(second.items.order_by("sort", "id"))
    carried = [i for i in items if i.kind == AgendaKind.CARRY_OVER]
    assert [i.carried_id for i in carried] == [open_one.pk, done_one.pk]
    assert items[: len(carried)] == carried  # first on the agenda
    assert "未办结事项" in carried[0].summary and "已交办" in carried[0].summary
    assert "已报完成" in carried[1].summary
    # Still unfinished a week later: carried over again.
    services.close_meeting(second, by=world.office)
    third = opened(world, TODAY + datetime.timedelta(days=7))
    assert set(
        third.items.filter(kind=AgendaKind.CARRY_OVER).values_list("carried", flat=True)
    ) == {
        open_one.pk,
        done_one.pk,
    }
    assert TaskStatus.ACCEPTED == type(confirmed).objects.get(pk=confirmed.pk).status


def test_compilation_queries_do_not_grow_with_the_data(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            entries = compile_agenda(world.programme, TODAY)
        return len(ctx.captured_queries), len(entries)

    raised(world)
    few = count()
    for _ in range(5):
        raised(world, project=world.other)
        raised(world, days_ago=20, deadline=TODAY - datetime.timedelta(days=1))
    many = count()
    assert many[1] == few[1] + 10
    assert many[0] == few[0]
