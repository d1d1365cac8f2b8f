"""Who may see and do what in meetings: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from keyworks.core.permissions import DENIED, fetch, restriction
from keyworks.core.workflow import steps_open_to
from keyworks.ledger.models import Programme
from keyworks.orgs.models import Role
from keyworks.orgs.roles import (
    has_role,
    is_active_user,
    is_office,
    is_superuser,
    own_unit_ids,
    programme_ids,
)
from keyworks.tasks.permissions import TASK_STEPS, can_task

from .models import Decision, Meeting

# --- meetings ----------------------------------------------------------------
# The weekly dispatch meeting. The office opens meetings, edits the agenda and records
# decisions. Everyone in the programme reads its meetings and their decisions. A decision
# is a 督办 item (tasks.Task): reporting it done (answer), confirming (accept) and
# returning it follow the tasks rules (`tasks.permissions.can_task`); the meeting adds
# editing it (the office, while the meeting is open) and progress notes (the office or the
# users of its responsible unit, department role or User.unit). Whether the status allows
# a step is the models' rule (Meeting/Decision.STEPS).

MEETING_ACTIONS = frozenset({"view", "export", "edit"})
DECISION_ACTIONS = frozenset({"view", "edit", "note"})
DECISION_STEPS = ("edit", "note", *TASK_STEPS)


@restriction(Meeting)
def restrict_meetings(meetings, user, action: str = "view"):
    """view, export: the meetings of the user's programmes."""
    if action not in {"view", "export"}:
        raise ValueError(f"unknown meeting list action {action!r}")
    if is_superuser(user):
        return meetings
    return meetings.filter(programme_id__in=programme_ids(user))


@restriction(Decision)
def restrict_decisions(decisions, user, action: str = "view"):
    """view: the decisions of the user's programmes' meetings."""
    if action != "view":
        raise ValueError(f"unknown decision list action {action!r}")
    if is_superuser(user):
        return decisions
    return decisions.filter(meeting__programme_id__in=programme_ids(user))


def meeting_unit_ids(user, programme_id: int) -> set[int]:
    """The units a user acts for on decisions: department roles, and the user's own unit
    for task force, district and department users of the programme."""
    units = own_unit_ids(user, programme_id)
    scoped = (Role.TASKFORCE, Role.DISTRICT, Role.DEPARTMENT)
    if getattr(user, "unit_id", None) and has_role(user, programme_id, *scoped):
        units.add(user.unit_id)
    return units


def can_open_meeting(user, programme: Programme) -> bool:
    if not is_active_user(user):
        return False
    return is_office(user, programme.pk)


def can_meeting(user, action: str, meeting) -> bool:
    """view/export: the programme; edit (agenda, decisions): the office."""
    if action not in MEETING_ACTIONS:
        raise ValueError(f"unknown meeting action {action!r}")
    if not is_active_user(user):
        return False
    if action in {"view", "export"}:
        return is_superuser(user) or meeting.programme_id in programme_ids(user)
    return is_office(user, meeting.programme_id)


def meeting_editable(user, meeting) -> bool:
    """May `user` edit the meeting's agenda and decisions now (office, meeting open)?"""
    return steps_open_to(user, meeting, can_meeting, ["edit"])["edit"]


def require_meeting(user, action: str, meeting) -> None:
    """PermissionDenied unless `user` may `action` `meeting` now: the role first, then the
    meeting's status ("the meeting is closed")."""
    if not can_meeting(user, action, meeting):
        raise PermissionDenied(DENIED)
    if not meeting.allows(action):
        raise PermissionDenied(meeting.refusal(action))


def get_meeting(user, pk, action: str = "view"):
    """Fetch a meeting for `action`: 404 if the user cannot see it, 403 if not allowed."""
    meeting = fetch(
        Meeting.objects.restrict(user).select_related("programme"),
        pk=pk,
        not_found=_("会议不存在"),
    )
    require_meeting(user, action, meeting)
    return meeting


def can_decision(user, action: str, decision) -> bool:
    """view: the programme; edit: the office; note (进展情况): the office or the responsible
    unit. answer, accept, return: the tasks rules."""
    if action in TASK_STEPS:
        return can_task(user, action, decision)
    if action not in DECISION_ACTIONS:
        raise ValueError(f"unknown decision action {action!r}")
    if not is_active_user(user):
        return False
    programme_id = decision.meeting.programme_id
    if action == "view":
        return is_superuser(user) or programme_id in programme_ids(user)
    office = is_office(user, programme_id)
    if action == "edit":
        return office
    return office or decision.lead_unit_id in meeting_unit_ids(user, programme_id)


def decision_steps(user, decision, steps=DECISION_STEPS) -> dict[str, bool]:
    """The steps `user` may take on `decision` now (its page's forms, the API's `can`)."""
    return steps_open_to(user, decision, can_decision, steps)


def get_decision(user, pk, action: str = "view"):
    return fetch(
        Decision.objects.restrict(user).select_related(
            "meeting", "meeting__programme", "lead_unit", "item"
        ),
        pk=pk,
        allowed=lambda decision: can_decision(user, action, decision),
        not_found=_("议定事项不存在"),
    )
