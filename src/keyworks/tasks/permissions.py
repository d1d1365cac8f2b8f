"""Who may see and do what in tasks: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from keyworks.ledger.models import Programme
from keyworks.orgs.models import Role
from keyworks.orgs.roles import (
    PROGRAMME_WIDE_READ,
    has_role,
    is_active_user,
    is_office,
    is_superuser,
    own_task_force_ids,
    own_unit_ids,
    programme_ids,
)

from .models import Task, TaskStatus

# --- tasks -------------------------------------------------------------------
# Tracked tasks (supervision items, leaders' instructions, meeting decisions). Office and
# inspectors issue supervision items; leaders and the office record instructions; the
# office records meeting decisions. Users of the lead unit (their department role's unit,
# or User.unit when they hold any role in the programme) answer; the issuer or the office
# accepts or returns an answer. Office, leaders and inspectors read every task of the
# programme; a task force the tasks on its own project; unit users their units' tasks.

TASK_ACTIONS = frozenset({"view", "answer", "accept", "return"})
TASK_ISSUERS = {
    "supervision": (Role.OFFICE, Role.INSPECTOR),
    "instruction": (Role.LEADER, Role.OFFICE),
    "decision": (Role.OFFICE,),
}


def task_unit_ids(user, programme_id: int) -> set[int]:
    """The units a user acts for on tasks of `programme_id`."""
    units = own_unit_ids(user, programme_id)
    unit_id = getattr(user, "unit_id", None)
    if unit_id and programme_id in programme_ids(user):
        units.add(unit_id)
    return units


def visible_tasks(user):
    if is_superuser(user):
        return Task.objects.all()
    condition = Q(programme_id__in=programme_ids(user, *PROGRAMME_WIDE_READ))
    task_forces = own_task_force_ids(user)
    if task_forces:
        condition |= Q(project__task_force_id__in=task_forces)
    for programme_id in programme_ids(user):
        units = task_unit_ids(user, programme_id)
        if units:
            condition |= Q(programme_id=programme_id) & (
                Q(lead_unit_id__in=units) | Q(assisting_units__in=units)
            )
    ids = Task.objects.filter(condition).values("pk")
    return Task.objects.filter(pk__in=ids)


def can_issue_task(user, programme: Programme, kind: str) -> bool:
    """May `user` issue (record) a task of `kind` in `programme`?"""
    if not is_active_user(user):
        return False
    roles = TASK_ISSUERS.get(kind)
    if roles is None:
        raise ValueError(f"unknown task kind {kind!r}")
    return has_role(user, programme.pk, *roles)


def can_issue_any_task(user, programme: Programme) -> bool:
    return any(can_issue_task(user, programme, kind) for kind in TASK_ISSUERS)


def can_task(user, action: str, task) -> bool:
    """May `user` do `action` on `task`?"""
    if action not in TASK_ACTIONS:
        raise ValueError(f"unknown task action {action!r}")
    if not is_active_user(user):
        return False
    if action == "view":
        return visible_tasks(user).filter(pk=task.pk).exists()
    if task.status == TaskStatus.ACCEPTED:
        return False
    if action == "answer":
        return task.lead_unit_id in task_unit_ids(user, task.programme_id)
    # accept / return: the issuer, or the office
    if task.status != TaskStatus.ANSWERED:
        return False
    return task.issued_by_id == user.pk or is_office(user, task.programme_id)


def require_task(user, action: str, task) -> None:
    if not can_task(user, action, task):
        raise PermissionDenied("您没有权限执行此操作 / You do not have permission for this action")


def get_task(user, pk, action: str = "view"):
    """Fetch a task for `action`: 404 if the user cannot see it, 403 if not allowed."""
    try:
        task = (
            visible_tasks(user)
            .select_related("programme", "project", "lead_unit", "issued_by", "recorded_by")
            .get(pk=pk)
        )
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404("督办事项不存在 / Task not found") from None
    require_task(user, action, task)
    return task
