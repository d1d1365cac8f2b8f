"""The demo meetings (idempotent) and the decision reminders."""

import datetime

import pytest

from keyworks.meetings import demo, services
from keyworks.meetings.models import AgendaKind, Decision, Meeting
from keyworks.meetings.reminders import reminders_for
from keyworks.tasks.models import TaskStatus

from .conftest import TODAY, decided, other_unit_user


@pytest.fixture
def demo_programme(db):
    from keyworks.demo.loader import load_demo

    return load_demo(password="demo-password-1").programme


def test_demo_meetings(demo_programme):
    meetings = list(Meeting.objects.filter(programme=demo_programme).order_by("date"))
    assert [m.date for m in meetings] == [datetime.date(2025, 12, d) for d in (1, 8, 15, 22)]
    assert [m.title for m in meetings] == [f"第{n}次周调度会" for n in (1, 2, 3, 4)]
    assert all(not m.is_open for m in meetings)
    # Agendas compiled from the demo problems.
    assert meetings[0].items.filter(problem__isnull=False).exists()
    statuses = set(
        Decision.objects.filter(meeting__programme=demo_programme).values_list("status", flat=True)
    )
    assert statuses == {TaskStatus.ISSUED, TaskStatus.ANSWERED, TaskStatus.ACCEPTED}
    # Meeting 1's unfinished decision is carried over by every later meeting.
    unfinished = meetings[0].decisions.get(status=TaskStatus.ISSUED)
    for later in meetings[1:]:
        first = later.items.order_by("sort", "id").first()
        assert first.kind == AgendaKind.CARRY_OVER
        assert later.items.filter(carried=unfinished).exists()
    confirmed = Decision.objects.filter(status=TaskStatus.ACCEPTED).first()
    assert [e.kind for e in confirmed.events.order_by("at", "id")] == [
        "issue",
        "answer",
        "accept",
    ]
    assert all(e.at.year == 2025 for e in confirmed.events.all())
    # Idempotent.
    assert not demo.load_demo(demo_programme)
    assert Meeting.objects.filter(programme=demo_programme).count() == 4


def test_reminders(world):
    near = decided(world, text="即将到期", deadline=TODAY + datetime.timedelta(days=2))
    late = decided(world, near.meeting, text="已逾期", deadline=TODAY - datetime.timedelta(days=3))
    decided(world, near.meeting, text="还早", deadline=TODAY + datetime.timedelta(days=30))
    fgw_user = other_unit_user(world)
    decided(world, near.meeting, text="别的单位", unit=fgw_user.unit, deadline=TODAY)

    mine = reminders_for(world.department_user, TODAY)
    assert [(r.kind, r.url, r.overdue) for r in mine] == [
        ("decision_deadline", f"/meetings/decisions/{late.pk}/", True),
        ("decision_deadline", f"/meetings/decisions/{near.pk}/", False),
    ]
    assert reminders_for(world.office, TODAY) == []
    assert reminders_for(world.outsider, TODAY) == []
    services.report_done(near, "已完成", by=world.department_user)
    office = reminders_for(world.office, TODAY)
    assert [(r.kind, r.url) for r in office] == [
        ("decision_confirm", f"/meetings/decisions/{near.pk}/")
    ]
    assert len(reminders_for(world.department_user, TODAY)) == 1
