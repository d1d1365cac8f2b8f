"""Every step on a task refuses a version the user did not see: 409 in the API, the
"changed by someone else" message on the page, nothing saved."""

import pytest

from keyworks.tasks import services
from keyworks.tasks.models import Task

from ..api.conftest import Api
from .conftest import supervision

STEPS = {"answer": "department_user", "accept": "inspector", "return": "inspector"}


def stale_task(world, step):
    """A task, the version a user saw, and the unit's (further) answer since."""
    task = supervision(world)
    if step != "answer":
        services.answer(task, by=world.department_user, text="已办")
    seen = Task.objects.get(pk=task.pk).version
    services.answer(task, by=world.department_user, text="补充说明")
    return Task.objects.get(pk=task.pk), seen


def unchanged(task) -> bool:
    now = Task.objects.get(pk=task.pk)
    return (now.status, now.answer, now.version, now.events.count()) == (
        task.status,
        task.answer,
        task.version,
        task.events.count(),
    )


@pytest.mark.parametrize("step", list(STEPS))
def test_the_page_says_someone_else_changed_it(world, step):
    task, seen = stale_task(world, step)
    client = world.client(getattr(world, STEPS[step]))
    response = client.post(
        f"/tasks/{task.pk}/{step}/", {"note": "意见", "version": seen}, follow=True
    )
    assert "该督办事项已被他人处理" in response.content.decode()
    assert unchanged(task)


@pytest.mark.parametrize("step", list(STEPS))
def test_the_api_answers_409(world, step):
    task, seen = stale_task(world, step)
    api = Api(getattr(world, STEPS[step]))
    response = api.post(f"/api/tasks/{task.pk}/{step}", {"note": "意见", "version": seen})
    assert response.status_code == 409, response.content
    assert unchanged(task)
    again = api.post(f"/api/tasks/{task.pk}/{step}", {"note": "意见", "version": task.version})
    assert again.status_code == 200, again.content


def test_a_step_someone_else_made_impossible_meanwhile_gets_the_message(world):
    task = supervision(world)
    services.answer(task, by=world.department_user, text="已办")
    seen = Task.objects.get(pk=task.pk).version  # the inspector opens the page: accept
    services.return_task(task, by=world.office, note="不全")  # the office returns it first
    client = world.client(world.inspector)
    response = client.post(f"/tasks/{task.pk}/accept/", {"version": seen}, follow=True)
    assert response.status_code == 200
    assert "该督办事项已被他人处理" in response.content.decode()
    api = Api(world.inspector)
    assert api.post(f"/api/tasks/{task.pk}/accept", {"version": seen}).status_code == 409
    assert Task.objects.get(pk=task.pk).status == "returned"
