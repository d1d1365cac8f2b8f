"""Who may do what to a task: role × action × own/other project, through the services,
the page and the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from keyworks.tasks import services
from keyworks.tasks.models import Task
from keyworks.tasks.permissions import can_issue_task, can_task, get_task

from ..api.conftest import Api
from .conftest import supervision

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
# Who may, on a supervision item the inspector issued to world.department about world.own
# (the member's task force) and about world.other.
OWN = {
    "view": {"office", "leader", "inspector", "member", "department_user"},
    "answer": {"department_user"},
    "accept": {"office", "inspector"},
    "return": {"office", "inspector"},
}
OTHER = {**OWN, "view": {"office", "leader", "inspector", "other_member", "department_user"}}
ISSUERS = {
    "supervision": {"office", "inspector"},
    "instruction": {"office", "leader"},
    "decision": {"office"},
}
STEPS = ["answer", "accept", "return"]


def task_for(world, action, project):
    """A task in a status that allows `action` (answered, to accept or return)."""
    task = supervision(world, project=project)
    if action in {"accept", "return"}:
        services.answer(task, by=world.department_user, text="已办理")
    return Task.objects.get(pk=task.pk)


def run(action, task, user):
    if action == "answer":
        return services.answer(task, by=user, text="已办理")
    if action == "accept":
        return services.accept(task, by=user, note="办结")
    if action == "return":
        return services.return_task(task, by=user, note="请补充")
    raise AssertionError(action)


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", STEPS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_permission_matrix(world, side, action, username):
    project, allowed = (world.own, OWN) if side == "own" else (world.other, OTHER)
    task = task_for(world, action, project)
    user = getattr(world, username)
    events = task.events.count()
    may = username in allowed[action]
    assert can_task(user, action, task) is may
    if may:
        run(action, task, user)
        assert task.events.count() == events + 1
    else:
        with pytest.raises(PermissionDenied):
            run(action, task, user)
        after = Task.objects.get(pk=task.pk)
        assert (after.status, after.version) == (task.status, task.version)
        assert task.events.count() == events


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_who_sees(world, side, username):
    project, allowed = (world.own, OWN) if side == "own" else (world.other, OTHER)
    task = supervision(world, project=project)
    user = getattr(world, username)
    sees = username in allowed["view"]
    assert can_task(user, "view", task) is sees
    if sees:
        assert get_task(user, task.pk) == task
    else:
        with pytest.raises(Http404):
            get_task(user, task.pk)


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("kind", list(ISSUERS))
def test_who_issues(world, kind, username):
    user = getattr(world, username)
    assert can_issue_task(user, world.programme, kind) is (username in ISSUERS[kind])


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_the_page_and_the_api_offer_the_allowed_steps(world, side, username):
    project, allowed = (world.own, OWN) if side == "own" else (world.other, OTHER)
    task = task_for(world, "accept", project)  # answered: every step is possible
    user = getattr(world, username)
    page = world.client(user).get(f"/tasks/{task.pk}/")
    body = Api(user).get(f"/api/tasks/{task.pk}")
    if username not in allowed["view"]:
        assert page.status_code == body.status_code == 404
        return
    html = page.content.decode()
    expected = {step for step in STEPS if username in allowed[step]}
    assert {step for step in STEPS if f'id="{step}-form"' in html} == expected
    assert {step for step, yes in body.json()["can"].items() if yes} == expected
