"""Who may see and do what in coordination: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.db.models import Q
from django.utils.translation import gettext as _

from keyworks.core.permissions import fetch, restriction
from keyworks.core.workflow import steps_open_to
from keyworks.ledger.models import Programme, Project
from keyworks.orgs.models import Role
from keyworks.orgs.roles import (
    PROGRAMME_WIDE_READ,
    has_role,
    is_active_user,
    is_district_of,
    is_office,
    is_own_task_force,
    is_superuser,
    own_region_ids,
    own_task_force_ids,
    own_unit_ids,
    programme_ids,
)

from .models import Problem

# --- coordination ------------------------------------------------------------------
# The task & problem list. Office acts on all problems of its programme; district
# coordinators on problems of projects in their districts; a task force on its own
# project's problems; a department on problems where its unit is lead or assisting.
# Leaders and inspectors read everything; only inspectors and the office see discipline
# clues (纪检绿色通道). Which steps a problem's status allows is the model's rule
# (Problem.STEPS); the rules here are about roles.

PROBLEM_ACTIONS = frozenset(
    {"view", "note", "assign", "resolve", "close", "return", "escalate", "void", "flag"}
)
PROBLEM_STEPS = ("note", "assign", "resolve", "close", "return", "escalate", "void", "flag")


@restriction(Problem)
def restrict_problems(problems, user, action: str = "view"):
    """view: the problems a user may open (the list, the export, the API)."""
    if action != "view":
        raise ValueError(f"unknown problem list action {action!r}")
    if is_superuser(user):
        return problems
    wide = programme_ids(user, *PROGRAMME_WIDE_READ)
    condition = Q(project__programme_id__in=wide) | Q(
        project__task_force_id__in=own_task_force_ids(user)
    )
    regions = own_region_ids(user)
    if regions:
        condition |= Q(
            project__programme_id__in=programme_ids(user, Role.DISTRICT),
            project__districts__in=regions,
        )
    units = own_unit_ids(user)
    if units:
        departments = programme_ids(user, Role.DEPARTMENT)
        condition |= Q(project__programme_id__in=departments) & (
            Q(lead_unit_id__in=units) | Q(assisting_units__in=units)
        )
    if not regions and not units:
        # No many-to-many join, so no repeated rows: filter directly. (`pk IN (subquery)`
        # made SQLite walk the id list once per project: seconds at 3,000 problems.)
        return problems.filter(condition)
    return problems.filter(pk__in=Problem.objects.filter(condition).values("pk"))


def can_see_discipline(user, programme_id: int) -> bool:
    return has_role(user, programme_id, Role.OFFICE, Role.INSPECTOR)


def can_raise_problem(user, project: Project) -> bool:
    """Task force (own project), office, district coordinator (its district), inspector."""
    if not is_active_user(user) or project.is_archived:
        return False
    return (
        has_role(user, project.programme_id, Role.OFFICE, Role.INSPECTOR)
        or is_own_task_force(user, project)
        or is_district_of(user, project)
    )


def problem_unit_roles(user, problem) -> tuple[bool, bool]:
    """(is a user of the lead unit, is a user of the lead or an assisting unit)."""
    units = own_unit_ids(user, problem.project.programme_id)
    if not units:
        return False, False
    lead = problem.lead_unit_id in units
    assisting = any(u.pk in units for u in problem.assisting_units.all())
    return lead, lead or assisting


def can_problem(user, action: str, problem) -> bool:
    """May `user`, by their roles, do `action` on `problem`? (Whether its status allows
    the step now: `problem.allows(action)`; both: `problem_steps`.)"""
    if action not in PROBLEM_ACTIONS:
        raise ValueError(f"unknown problem action {action!r}")
    if not is_active_user(user):
        return False
    if action == "view":
        return Problem.objects.restrict(user).filter(pk=problem.pk).exists()
    project = problem.project
    programme_id = project.programme_id
    office = is_office(user, programme_id)
    if action == "flag":
        return has_role(user, programme_id, Role.INSPECTOR)
    if action in {"close", "void", "return"}:
        return office
    if action in {"assign", "escalate"}:
        return office or is_district_of(user, project)
    lead, involved = problem_unit_roles(user, problem)
    if action == "resolve":
        return office or lead
    # note: the units once the problem is handed to them
    return (
        office
        or is_district_of(user, project)
        or is_own_task_force(user, project)
        or (involved and not problem.awaiting_assignment)
    )


def problem_steps(user, problem, steps=PROBLEM_STEPS) -> dict[str, bool]:
    """The steps `user` may take on `problem` now (its page's forms, the API's `can`)."""
    return steps_open_to(user, problem, can_problem, steps)


def get_problem(user, pk, action: str = "view"):
    """Fetch a problem for `action`: 404 if the user cannot see it, 403 if not allowed."""
    return fetch(
        Problem.objects.restrict(user).select_related(
            "project", "project__programme", "lead_unit", "raised_by"
        ),
        pk=pk,
        allowed=lambda problem: can_problem(user, action, problem),
        not_found=_("问题不存在"),
    )


def can_edit_escalation_rule(user, programme: Programme) -> bool:
    """The automatic escalation rules (自动升级规则): everyone in the programme reads
    them; the office sets them."""
    return is_office(user, programme.pk)
