"""Who may see and do what in meetings: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

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

from .models import Decision, DecisionStatus, Meeting

# --- meetings ----------------------------------------------------------------
# The weekly dispatch meeting. The office opens meetings, edits the agenda and records
# decisions until the meeting is closed, and confirms decisions reported done. Everyone in
# the programme reads its meetings; the users of a decision's responsible unit (department
# role or User.unit) report progress and completion on it.

MEETING_ACTIONS = frozenset({"view", "export", "manage", "edit"})
DECISION_ACTIONS = frozenset({"view", "edit", "progress", "confirm"})


def visible_meetings(user):
    if is_superuser(user):
        return Meeting.objects.all()
    return Meeting.objects.filter(programme_id__in=programme_ids(user))


def visible_decisions(user):
    if is_superuser(user):
        return Decision.objects.all()
    return Decision.objects.filter(meeting__programme_id__in=programme_ids(user))


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
    """view/export: the programme; manage: office; edit (agenda, decisions): office while
    the meeting is open."""
    if action not in MEETING_ACTIONS:
        raise ValueError(f"unknown meeting action {action!r}")
    if not is_active_user(user):
        return False
    member = is_superuser(user) or meeting.programme_id in programme_ids(user)
    if action in {"view", "export"}:
        return member
    office = is_office(user, meeting.programme_id)
    if action == "manage":
        return office
    return office and meeting.is_open


def require_meeting(user, action: str, meeting) -> None:
    if not can_meeting(user, action, meeting):
        if action == "edit" and not meeting.is_open and is_office(user, meeting.programme_id):
            raise PermissionDenied("会议已结束，议程和议定事项已锁定 / The meeting is closed")
        raise PermissionDenied("您没有权限执行此操作 / You do not have permission for this action")


def get_meeting(user, pk, action: str = "view"):
    """Fetch a meeting for `action`: 404 if the user cannot see it, 403 if not allowed."""
    try:
        meeting = visible_meetings(user).select_related("programme").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404("会议不存在 / Meeting not found") from None
    require_meeting(user, action, meeting)
    return meeting


def can_decision(user, action: str, decision) -> bool:
    """view: the programme; edit: office while the meeting is open; progress (notes,
    report done): office or the responsible unit while not confirmed; confirm (or
    return): office once reported done."""
    if action not in DECISION_ACTIONS:
        raise ValueError(f"unknown decision action {action!r}")
    if not is_active_user(user):
        return False
    meeting = decision.meeting
    if action == "view":
        return is_superuser(user) or meeting.programme_id in programme_ids(user)
    office = is_office(user, meeting.programme_id)
    if action == "edit":
        return office and meeting.is_open and decision.status == DecisionStatus.OPEN
    if action == "confirm":
        return office and decision.status == DecisionStatus.DONE
    if decision.status == DecisionStatus.CONFIRMED:
        return False
    return office or decision.unit_id in meeting_unit_ids(user, meeting.programme_id)


def require_decision(user, action: str, decision) -> None:
    if not can_decision(user, action, decision):
        raise PermissionDenied("您没有权限执行此操作 / You do not have permission for this action")


def get_decision(user, pk, action: str = "view"):
    try:
        decision = (
            visible_decisions(user)
            .select_related("meeting", "meeting__programme", "unit", "item")
            .get(pk=pk)
        )
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise Http404("议定事项不存在 / Decision not found") from None
    require_decision(user, action, decision)
    return decision
