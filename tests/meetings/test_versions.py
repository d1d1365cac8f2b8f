"""Every step on a decision refuses a version the user did not see: 409 in the API, the
"changed by someone else" message on the page, nothing saved. (Progress notes check none:
they are separate events and never overwrite each other.)"""

import pytest

from keyworks.meetings import services
from keyworks.meetings.models import Decision

from ..api.conftest import Api
from .conftest import FUTURE, decided

# step: (who takes it, the page's form, whether it needs a decision reported done)
STEPS = {
    "edit": ("office", {"text": "改后的事项", "deadline": FUTURE.isoformat()}, False),
    "report": ("department_user", {"note": "已完成"}, False),
    "confirm": ("office", {"note": "确认"}, True),
    "return": ("office", {"note": "未完成"}, True),
}


def stale_decision(world, done: bool):
    """A decision, the version a user saw, and a progress note since (notes bump it)."""
    decision = decided(world)
    if done:
        services.report_done(decision, "已完成", by=world.department_user)
    seen = Decision.objects.get(pk=decision.pk).version
    services.add_note(decision, "进展", by=world.office)
    return Decision.objects.get(pk=decision.pk), seen


def unchanged(decision) -> bool:
    now = Decision.objects.get(pk=decision.pk)
    return (now.status, now.text, now.version, now.events.count()) == (
        decision.status,
        decision.text,
        decision.version,
        decision.events.count(),
    )


@pytest.mark.parametrize("step", list(STEPS))
def test_the_page_says_someone_else_changed_it(world, step):
    who, form, done = STEPS[step]
    decision, seen = stale_decision(world, done)
    if step == "edit":
        form = {**form, "unit": decision.lead_unit_id}
    response = world.client(getattr(world, who)).post(
        f"/meetings/decisions/{decision.pk}/{step}/", {**form, "version": seen}, follow=True
    )
    assert "已被他人处理" in response.content.decode()  # the 督办 item's message
    assert unchanged(decision)


@pytest.mark.parametrize("step", list(STEPS))
def test_the_api_answers_409(world, step):
    who, form, done = STEPS[step]
    decision, seen = stale_decision(world, done)
    api = Api(getattr(world, who))
    if step == "edit":
        url, body = f"/api/meetings/decisions/{decision.pk}", {"text": form["text"]}
        send = api.patch
    else:
        url = f"/api/meetings/decisions/{decision.pk}/progress"
        body, send = {"action": step, "note": form["note"]}, api.post
    response = send(url, {**body, "version": seen})
    assert response.status_code == 409, response.content
    assert unchanged(decision)
    again = send(url, {**body, "version": decision.version})
    assert again.status_code == 200, again.content
