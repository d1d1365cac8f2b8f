"""Every step on a problem refuses a version the user did not see: 409 in the API, the
"changed by someone else" message on the page, nothing saved. (Handling notes check none:
they are separate rows and never overwrite each other.)"""

import pytest

from keyworks.coordination import services
from keyworks.coordination.models import EscalationLevel, Problem

from ..api.conftest import Api
from .conftest import raised

# step: (who takes it, the form or body, whether it needs a resolved problem)
STEPS = {
    "assign": ("office", {"note": "改派"}, False),
    "resolve": ("department_user", {"note": "已解决"}, False),
    "close": ("office", {"note": "核实"}, True),
    "return": ("office", {"note": "未解决"}, True),
    "escalate": ("office", {"level": EscalationLevel.DISPATCH, "note": "逾期"}, False),
    "void": ("office", {"note": "重复"}, False),
}
API_BODY = {"void": lambda data: {"reason": data["note"]}}


def stale_problem(world, resolved: bool):
    """A problem, the version a user saw, and somebody's escalation since."""
    problem = raised(world)
    if resolved:
        services.resolve(problem, by=world.department_user, note="已解决")
    seen = Problem.objects.get(pk=problem.pk).version
    services.escalate(problem, by=world.district, level=EscalationLevel.TASK_FORCE, note="升级")
    return Problem.objects.get(pk=problem.pk), seen


def unchanged(problem) -> bool:
    now = Problem.objects.get(pk=problem.pk)
    same = (now.status, now.level, now.version, now.lead_unit_id)
    return same == (problem.status, problem.level, problem.version, problem.lead_unit_id) and (
        now.events.count() == problem.events.count()
    )


@pytest.mark.parametrize("step", list(STEPS))
def test_the_page_says_someone_else_changed_it(world, step):
    who, data, resolved = STEPS[step]
    problem, seen = stale_problem(world, resolved)
    form = {**data, "version": seen}
    if step == "assign":
        form["lead_unit"] = world.department.pk
    response = world.client(getattr(world, who)).post(
        f"/coordination/{problem.pk}/{step}/", form, follow=True
    )
    assert "该问题已被他人处理" in response.content.decode()
    assert unchanged(problem)


@pytest.mark.parametrize("step", [s for s in STEPS if s != "assign"])  # no assign in the API
def test_the_api_answers_409(world, step):
    who, data, resolved = STEPS[step]
    problem, seen = stale_problem(world, resolved)
    body = {**API_BODY.get(step, lambda d: d)(data), "version": seen}
    response = Api(getattr(world, who)).post(f"/api/problems/{problem.pk}/{step}", body)
    assert response.status_code == 409, response.content
    assert unchanged(problem)
    body["version"] = problem.version
    again = Api(getattr(world, who)).post(f"/api/problems/{problem.pk}/{step}", body)
    assert again.status_code == 200, again.content


def test_a_step_someone_else_made_impossible_meanwhile_gets_the_message(world):
    problem = raised(world)
    services.resolve(problem, by=world.department_user, note="已解决")
    seen = Problem.objects.get(pk=problem.pk).version  # the page offers: return
    services.return_problem(problem, by=world.office, note="未解决")  # someone returns it first
    response = world.client(world.office).post(
        f"/coordination/{problem.pk}/return/", {"note": "未解决", "version": seen}, follow=True
    )
    assert response.status_code == 200
    assert "该问题已被他人处理" in response.content.decode()
    body = {"note": "未解决", "version": seen}
    assert Api(world.office).post(f"/api/problems/{problem.pk}/return", body).status_code == 409
    assert Problem.objects.get(pk=problem.pk).events.filter(kind="return").count() == 1
