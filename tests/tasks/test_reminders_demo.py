import datetime

from keyworks.core import calendar
from keyworks.tasks import demo, services
from keyworks.tasks.models import Task, TaskEvent, TaskStatus
from keyworks.tasks.reminders import reminders_for

from .conftest import TODAY, supervision


def test_reminders_for_units_and_issuers(world):
    near = supervision(world, deadline=TODAY + datetime.timedelta(days=3))
    supervision(world, deadline=TODAY + datetime.timedelta(days=4))  # not yet
    late = supervision(
        world, issued_on=datetime.date(2025, 3, 1), deadline=datetime.date(2025, 3, 31)
    )
    answered = supervision(world, deadline=TODAY + datetime.timedelta(days=1))
    services.answer(answered, by=world.department_user, text="已办")
    mine = reminders_for(world.department_user, TODAY)
    assert [(r.url, r.overdue) for r in mine] == [
        (f"/tasks/{late.pk}/", True),
        (f"/tasks/{near.pk}/", False),
    ]
    assert {r.kind for r in mine} == {"task_deadline"}
    issuer = reminders_for(world.inspector, TODAY)
    assert [(r.kind, r.url) for r in issuer] == [("task_acceptance", f"/tasks/{answered.pk}/")]
    assert reminders_for(world.office, TODAY) == []
    assert reminders_for(world.member, TODAY) == []
    assert reminders_for(world.outsider, TODAY) == []


def demo_programme():
    from keyworks.demo.loader import load_demo

    return load_demo(password="demo-password-1").programme


def test_demo_is_varied_and_idempotent(db):
    programme = demo_programme()
    tasks = Task.objects.filter(programme=programme)
    assert tasks.filter(kind="supervision").count() == 8
    assert tasks.filter(kind="instruction").count() == 5
    statuses = set(tasks.values_list("status", flat=True))
    assert statuses == {"issued", "answered", "returned", "accepted"}
    today = calendar.local_today()
    assert tasks.filter(status=TaskStatus.RETURNED, deadline__lt=today).exists()  # overdue
    assert tasks.filter(kind="instruction", status="issued", deadline__lt=today).exists()
    years = {e.at.year for e in TaskEvent.objects.filter(task__programme=programme)}
    assert years == {2025}
    before = (Task.objects.count(), TaskEvent.objects.count())
    assert not demo.load_demo(programme)
    assert (Task.objects.count(), TaskEvent.objects.count()) == before
    # every event replays to the task's current status
    for task in tasks:
        assert task.events.order_by("at", "id").last().status == task.status
