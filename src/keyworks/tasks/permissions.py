"""Who may see and do what in tasks: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.db.models import Q
from django.utils.translation import gettext as _

from keyworks.core.permissions import fetch, restriction
from keyworks.core.workflow import steps_open_to
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

from .models import Task

# --- tasks -------------------------------------------------------------------
# Tracked tasks (supervision items, leaders' instructions, meeting decisions). Office and
# inspectors issue supervision items; leaders and the office record instructions; the
# office records meeting decisions. Users of the lead unit (their department role's unit,
# or User.unit when they hold any role in the programme) answer; the issuer or the office
# accepts or returns an answer. Office, leaders and inspectors read every task of the
# programme; a task force the tasks on its own project; unit users their units' tasks.
# Which steps a task's status allows is the model's rule (Task.STEPS).

TASK_ACTIONS = frozenset({"view", "answer", "accept", "return"})
TASK_STEPS = ("answer", "accept", "return")
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


@restriction(Task)
def restrict_tasks(tasks, user, action: str = "view"):
    """view: the tasks a user may open (the list, the export, the API)."""
    if action != "view":
        raise ValueError(f"unknown task list action {action!r}")
    if is_superuser(user):
        return tasks
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
    return tasks.filter(pk__in=Task.objects.filter(condition).values("pk"))


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
    """May `user`, by their roles, do `action` on `task`? (Whether its status allows the
    step now: `task.allows(action)`; both: `task_steps`.)"""
    if action not in TASK_ACTIONS:
        raise ValueError(f"unknown task action {action!r}")
    if not is_active_user(user):
        return False
    if action == "view":
        return Task.objects.restrict(user).filter(pk=task.pk).exists()
    if action == "answer":
        return task.lead_unit_id in task_unit_ids(user, task.programme_id)
    # accept / return: the issuer, or the office
    return task.issued_by_id == user.pk or is_office(user, task.programme_id)


def task_steps(user, task, steps=TASK_STEPS) -> dict[str, bool]:
    """The steps `user` may take on `task` now (its page's forms, the API's `can`)."""
    return steps_open_to(user, task, can_task, steps)


def get_task(user, pk, action: str = "view"):
    """Fetch a task for `action`: 404 if the user cannot see it, 403 if not allowed."""
    return fetch(
        Task.objects.restrict(user).select_related(
            "programme", "project", "lead_unit", "issued_by", "recorded_by"
        ),
        pk=pk,
        allowed=lambda task: can_task(user, action, task),
        not_found=_("督办事项不存在"),
    )
