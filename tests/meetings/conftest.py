import datetime

import pytest
from django.utils import translation

from keyworks.coordination import services as problems
from keyworks.coordination.models import Problem, ProblemEvent
from keyworks.core.calendar import local_today
from keyworks.meetings import services
from keyworks.orgs.models import Role, RoleAssignment, Unit, User

TODAY = local_today()
FUTURE = TODAY + datetime.timedelta(days=30)


def raised(world, project=None, days_ago=0, **data):
    """A problem on world.own assigned to world.department, raised `days_ago` days ago."""
    project = project or world.own
    by = world.member if project == world.own else world.other_member
    values = {
        "category": "land",
        "description": "用地指标未落实",
        "need": "协调自然资源局办理用地预审",
        "deadline": FUTURE,
        "lead_unit": world.department,
    }
    values.update(data)
    if values["deadline"] < TODAY:
        values.setdefault("deadline_reason", "补录")
    problem = problems.raise_problem(project, values, by=by)
    if days_ago:
        when = problem.raised_at - datetime.timedelta(days=days_ago)
        ProblemEvent.objects.filter(problem=problem).update(at=when)
        Problem.objects.filter(pk=problem.pk).update(raised_at=when)
        problem.refresh_from_db()
    return problem


def opened(world, day=None, **data):
    return services.open_meeting(world.programme, {"date": day or TODAY, **data}, by=world.office)


def decided(world, meeting=None, item=None, unit=None, **data):
    """A meeting (held a month ago unless given: a decision's deadline may not be before
    its meeting) with a free item and one decision on it."""
    meeting = meeting or opened(world, day=TODAY - datetime.timedelta(days=30))
    item = item or services.add_item(meeting, by=world.office, title="项目推进情况")
    values = {"text": "加快办理用地手续", "unit": unit or world.department, "deadline": FUTURE}
    values.update(data)
    return services.record_decision(item, values, by=world.office)


def other_unit_user(world) -> User:
    unit = Unit.objects.create(name="焦作市发展和改革委员会", kind="department")
    user = User.objects.create_user("dept-fgw", password="x", full_name="郑发改", unit=unit)
    RoleAssignment.objects.create(
        user=user, programme=world.programme, role=Role.DEPARTMENT, unit=unit
    )
    return user


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread: back to the default."""
    yield
    translation.activate("zh-hans")
