"""Who may do what to a meeting and its decisions: role × action × own/other unit, through
the services, the pages and the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from keyworks.meetings import services
from keyworks.meetings.models import Decision, Meeting
from keyworks.meetings.permissions import (
    can_decision,
    can_meeting,
    decision_steps,
    get_decision,
    get_meeting,
    meeting_editable,
)
from keyworks.orgs.models import User

from ..api.conftest import Api
from .conftest import FUTURE, TODAY, decided, opened, other_unit_user

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
READERS = set(USERS) - {"outsider"}
MEETING = {"view": READERS, "export": READERS, "edit": {"office"}}
# Who may, on a decision for world.department (the department user's unit) and on one for
# another unit. A decision is a 督办 item: reporting it done is the task's answer (the
# responsible unit only), confirming and returning its accept and return (the office, which
# issued it); the meeting adds edit and progress notes.
OWN = {
    "view": READERS,
    "edit": {"office"},
    "note": {"office", "department_user"},
    "report": {"department_user"},
    "confirm": {"office"},
    "return": {"office"},
}
OTHER = {**OWN, "note": {"office"}, "report": set()}
PERMISSION = {"edit": "edit", "note": "note", "report": "answer", "confirm": "accept",
              "return": "return"}  # fmt: skip
STEPS = list(PERMISSION)


def decision_for(world, action, side):
    """A decision in a status that allows `action` (reported done, to confirm or return)."""
    unit_user = world.department_user if side == "own" else other_unit_user(world)
    decision = decided(world, unit=unit_user.unit)
    if action in {"confirm", "return"}:
        services.report_done(decision, "已完成", by=unit_user)
    return Decision.objects.select_related("meeting").get(pk=decision.pk)


def run(action, decision, user):
    if action == "edit":
        return services.edit_decision(decision, {"text": "修改后的事项"}, by=user)
    if action == "note":
        return services.add_note(decision, "进展情况", by=user)
    if action == "report":
        return services.report_done(decision, "已完成", by=user)
    if action == "confirm":
        return services.confirm(decision, by=user)
    if action == "return":
        return services.return_decision(decision, by=user, note="未完成")
    raise AssertionError(action)


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", STEPS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_decision_matrix(world, side, action, username):
    allowed = OWN if side == "own" else OTHER
    decision = decision_for(world, action, side)
    user = getattr(world, username)
    events = decision.events.count()
    may = username in allowed[action]
    assert can_decision(user, PERMISSION[action], decision) is may
    if may:
        run(action, decision, user)
        assert decision.events.count() == events + 1
    else:
        with pytest.raises(PermissionDenied):
            run(action, decision, user)
        after = Decision.objects.get(pk=decision.pk)
        assert (after.status, after.text, after.version) == (
            decision.status,
            decision.text,
            decision.version,
        )
        assert decision.events.count() == events


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("step", ["add_item", "update", "record", "close"])
def test_meeting_matrix(world, step, username):
    meeting = decided(world).meeting
    user = getattr(world, username)
    may = username in MEETING["edit"]
    assert can_meeting(user, "edit", meeting) is may
    for action in ("view", "export"):
        assert can_meeting(user, action, meeting) is (username in MEETING[action])
    item = meeting.items.get()
    calls = {
        "add_item": lambda: services.add_item(meeting, by=user, title="其他事项"),
        "update": lambda: services.update_meeting(meeting, {"place": "第二会议室"}, by=user),
        "record": lambda: services.record_decision(
            item, {"text": "加快", "unit": world.department, "deadline": FUTURE}, by=user
        ),
        "close": lambda: services.close_meeting(meeting, by=user),
    }
    if may:
        calls[step]()
    else:
        with pytest.raises(PermissionDenied):
            calls[step]()
        after = Meeting.objects.get(pk=meeting.pk)
        assert (after.status, after.place, after.version) == ("open", "", meeting.version)
        assert (after.items.count(), after.decisions.count()) == (1, 1)


@pytest.mark.parametrize("username", USERS)
def test_who_sees(world, username):
    decision = decided(world)
    user = getattr(world, username)
    if username in READERS:
        assert get_meeting(user, decision.meeting_id) == decision.meeting
        assert get_decision(user, decision.pk) == decision
    else:
        for fetch, pk in ((get_meeting, decision.meeting_id), (get_decision, decision.pk)):
            with pytest.raises(Http404):
                fetch(user, pk)


@pytest.mark.parametrize("username", USERS)
def test_a_closed_meeting_is_locked_for_everyone(world, username):
    decision = decided(world)
    services.close_meeting(decision.meeting, by=world.office)
    meeting = Meeting.objects.get(pk=decision.meeting_id)
    user = getattr(world, username)
    assert not meeting_editable(user, meeting)
    assert not decision_steps(user, Decision.objects.get(pk=decision.pk))["edit"]
    with pytest.raises(PermissionDenied):
        services.add_item(meeting, by=user, title="会后加的")


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("side", ["own", "other"])
def test_the_pages_and_the_api_offer_the_allowed_steps(world, side, username):
    allowed = OWN if side == "own" else OTHER
    user = getattr(world, username)
    client, api = world.client(user), Api(user)
    open_ = decision_for(world, "edit", side)
    done = decided(world, open_.meeting, unit=open_.lead_unit)
    reporter = User.objects.filter(unit=open_.lead_unit).order_by("pk").first()
    services.report_done(done, "已完成", by=reporter)
    meeting_page = client.get(f"/meetings/{open_.meeting_id}/")
    if username not in READERS:
        assert meeting_page.status_code == 404
        assert api.get(f"/api/meetings/decisions/{open_.pk}").status_code == 404
        return
    editable = 'id="add-item-form"' in meeting_page.content.decode()
    assert editable is (username in MEETING["edit"])
    assert api.get(f"/api/meetings/{open_.meeting_id}").json()["can_edit"] is editable
    # As every 督办 item, a unit may report again (a fuller answer) until it is confirmed.
    for decision, possible in ((open_, {"edit", "note", "report"}),
                               (done, {"note", "report", "confirm", "return"})):  # fmt: skip
        html = client.get(f"/meetings/decisions/{decision.pk}/").content.decode()
        expected = {s for s in possible if username in allowed[s]}
        assert {s for s in STEPS if f'id="{s}-form"' in html} == expected
        can = api.get(f"/api/meetings/decisions/{decision.pk}").json()["can"]
        assert {a for a, yes in can.items() if yes} == {PERMISSION[s] for s in expected}


@pytest.mark.parametrize("username", USERS)
def test_only_the_office_opens_a_meeting(world, username):
    user = getattr(world, username)
    if username == "office":
        assert opened(world).opened_by == user
    else:
        with pytest.raises(PermissionDenied):
            services.open_meeting(world.programme, {"date": TODAY}, by=user)
        assert not Meeting.objects.exists()
