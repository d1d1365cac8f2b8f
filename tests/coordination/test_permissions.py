"""Who may do what to a problem: role × action × own/other project, through the services,
the page and the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from keyworks.coordination import services
from keyworks.coordination.models import EscalationLevel, Problem
from keyworks.coordination.permissions import can_problem, can_raise_problem, get_problem

from ..api.conftest import Api
from .conftest import raised

USERS = [
    "office",
    "leader",
    "inspector",
    "member",
    "other_member",
    "district",
    "department_user",
    "outsider",
]
# Who may, on a problem of world.own (the member's task force, in the district
# coordinator's district) and of world.other; both are assigned to world.department.
OWN = {
    "raise": {"office", "inspector", "member", "district"},
    "view": {"office", "leader", "inspector", "member", "district", "department_user"},
    "note": {"office", "member", "district", "department_user"},
    "assign": {"office", "district"},
    "resolve": {"office", "department_user"},
    "close": {"office"},
    "return": {"office"},
    "escalate": {"office", "district"},
    "void": {"office"},
    "flag": {"inspector"},
}
OTHER = {
    "raise": {"office", "inspector", "other_member"},
    "view": {"office", "leader", "inspector", "other_member", "department_user"},
    "note": {"office", "other_member", "department_user"},
    "assign": {"office"},
    "resolve": {"office", "department_user"},
    "close": {"office"},
    "return": {"office"},
    "escalate": {"office"},
    "void": {"office"},
    "flag": {"inspector"},
}
STEPS = ["note", "assign", "resolve", "close", "return", "escalate", "void", "flag"]
assert set(OWN) == set(OTHER) == {"raise", "view", *STEPS}


def problem_for(world, action, project):
    """A problem in a status that allows `action` (a resolved one to close or return)."""
    problem = raised(world, project=project)
    if action in {"close", "return"}:
        services.resolve(problem, by=world.office, note="已解决")
    return Problem.objects.select_related("project").get(pk=problem.pk)


def run(world, action, problem, user):
    if action == "note":
        return services.add_note(problem, "办理情况", by=user)
    if action == "assign":
        return services.assign(problem, by=user, lead_unit=world.department, note="交办")
    if action == "resolve":
        return services.resolve(problem, by=user, note="已解决")
    if action == "close":
        return services.close(problem, by=user, note="核实已解决")
    if action == "return":
        return services.return_problem(problem, by=user, note="未解决")
    if action == "escalate":
        return services.escalate(problem, by=user, level=EscalationLevel.OFFICE, note="逾期")
    if action == "void":
        return services.void(problem, by=user, reason="重复")
    if action == "flag":
        return services.flag_discipline(problem, by=user, note="线索")
    raise AssertionError(action)


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", STEPS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_permission_matrix(world, side, action, username):
    project, allowed = (world.own, OWN) if side == "own" else (world.other, OTHER)
    problem = problem_for(world, action, project)
    user = getattr(world, username)
    events = problem.events.count()
    may = username in allowed[action]
    assert can_problem(user, action, problem) is may
    if may:
        run(world, action, problem, user)
        assert problem.events.count() == events + 1
    else:
        with pytest.raises(PermissionDenied):
            run(world, action, problem, user)
        after = Problem.objects.get(pk=problem.pk)
        assert (after.status, after.level, after.version) == (
            problem.status,
            problem.level,
            problem.version,
        )
        assert problem.events.count() == events


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_who_sees_and_raises(world, side, username):
    project, allowed = (world.own, OWN) if side == "own" else (world.other, OTHER)
    problem = raised(world, project=project)
    user = getattr(world, username)
    sees = username in allowed["view"]
    assert can_problem(user, "view", problem) is sees
    if sees:
        assert get_problem(user, problem.pk) == problem
    else:
        with pytest.raises(Http404):
            get_problem(user, problem.pk)
    assert can_raise_problem(user, project) is (username in allowed["raise"])


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_the_page_and_the_api_offer_the_allowed_steps(world, side, username):
    project, allowed = (world.own, OWN) if side == "own" else (world.other, OTHER)
    problem = raised(world, project=project)
    user = getattr(world, username)
    page = world.client(user).get(f"/coordination/{problem.pk}/")
    body = Api(user).get(f"/api/problems/{problem.pk}")
    if username not in allowed["view"]:
        assert page.status_code == body.status_code == 404
        return
    html = page.content.decode()
    offered = {step for step in STEPS if f'id="{step}-form"' in html}
    # An assigned problem: return needs a resolved one.
    expected = {step for step in STEPS if username in allowed[step]} - {"return"}
    assert offered == expected
    assert {step for step, yes in body.json()["can"].items() if yes} == expected
