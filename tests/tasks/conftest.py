import datetime

import pytest
from django.utils import translation

from keyworks.core import calendar
from keyworks.orgs.models import Role, RoleAssignment, Unit, User
from keyworks.tasks import services
from keyworks.tasks.models import TaskEvent

TODAY = calendar.local_today()
FUTURE = TODAY + datetime.timedelta(days=30)


def supervision(world, by=None, **extra):
    """A supervision item from the inspector to world.department about world.own."""
    values = {
        "programme": world.programme,
        "kind": "supervision",
        "text": "督促办理用地预审",
        "lead_unit": world.department,
        "deadline": FUTURE,
        "project": world.own,
    }
    values.update(extra)
    return services.create_task(by or world.inspector, **values)


def instruction(world, by=None, **extra):
    values = {
        "programme": world.programme,
        "kind": "instruction",
        "text": "要加快推进，确保年底完工",
        "lead_unit": world.department,
        "deadline": FUTURE,
        "project": world.other,
        "issued_by": world.leader,
    }
    values.update(extra)
    return services.create_task(by or world.leader, **values)


def other_department_user(world) -> User:
    unit = Unit.objects.create(name="焦作市发展和改革委员会", kind="department")
    user = User.objects.create_user("dept-fgw", password="x", full_name="郑发改", unit=unit)
    RoleAssignment.objects.create(
        user=user, programme=world.programme, role=Role.DEPARTMENT, unit=unit
    )
    return user


def backdate(task, when: datetime.datetime) -> None:
    """Move all of a task's history so far to `when`."""
    TaskEvent.objects.filter(task=task).update(at=when)
    type(task).objects.filter(pk=task.pk).update(issued_at=when)


@pytest.fixture
def helper(world):
    return other_department_user(world)


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread: back to the default."""
    yield
    translation.activate("zh-hans")
