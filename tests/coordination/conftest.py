import datetime

import pytest
from django.utils import translation

from keyworks.coordination import services
from keyworks.coordination.models import ProblemEvent
from keyworks.orgs.models import Role, RoleAssignment, Unit, User

FUTURE = datetime.date.today() + datetime.timedelta(days=30)


def raised(world, project=None, by=None, lead=True, **data):
    """A problem on world.own (raised by its task force), assigned to world.department."""
    project = project or world.own
    by = by or (world.member if project == world.own else world.other_member)
    values = {
        "category": "land",
        "description": "用地指标未落实",
        "need": "协调自然资源局办理用地预审",
        "deadline": FUTURE,
        "lead_unit": world.department if lead else None,
    }
    values.update(data)
    return services.raise_problem(project, values, by=by)


def resolved(world, **data):
    problem = raised(world, **data)
    services.add_note(problem, "已对接，正在办理", by=world.department_user)
    return services.resolve(problem, by=world.department_user, note="用地预审已批复")


def other_department_user(world) -> User:
    unit = Unit.objects.create(name="焦作市发展和改革委员会", kind="department")
    user = User.objects.create_user("dept-fgw", password="x", full_name="郑发改", unit=unit)
    RoleAssignment.objects.create(
        user=user, programme=world.programme, role=Role.DEPARTMENT, unit=unit
    )
    return user


def backdate(problem, when: datetime.datetime) -> None:
    """Test helper: move all of a problem's history so far to `when`."""
    ProblemEvent.objects.filter(problem=problem).update(at=when)
    type(problem).objects.filter(pk=problem.pk).update(raised_at=when)


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread: back to the default."""
    yield
    translation.activate("zh-hans")
