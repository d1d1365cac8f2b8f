"""The permission rules, in one place.

Two questions are answered here and nowhere else:
- which rows may a user see (`visible_programmes`, `visible_projects`, …), and
- may a user do an action on an object (`can`, `require`).

Views and API endpoints fetch objects through `get_project` so that an outsider gets
404 (the object does not exist for them) and a read-only user gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from keyworks.ledger.models import Programme, Project

from .models import Role, RoleAssignment

# Fields a district coordinator may change on the projects located in its district.
DISTRICT_FIELDS = frozenset({"address", "longitude", "latitude", "geometry", "district_progress"})
# Structural fields only the office changes; a task force keeps the rest of its ledger.
OFFICE_ONLY_FIELDS = frozenset({"programme", "seq", "category", "grade", "task_force", "code"})

PROGRAMME_WIDE_READ = {Role.OFFICE, Role.LEADER, Role.INSPECTOR}


def assignments(user) -> list[RoleAssignment]:
    """The user's role assignments, loaded once per user object (i.e. per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_keyworks_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user))
        user._keyworks_roles = cached
    return cached


def forget_roles(user) -> None:
    if hasattr(user, "_keyworks_roles"):
        del user._keyworks_roles


def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def programme_ids(user, *roles: str) -> set[int]:
    return {a.programme_id for a in assignments(user) if not roles or a.role in roles}


def has_role(user, programme_id: int, *roles: str) -> bool:
    if is_superuser(user) and Role.OFFICE in roles:
        return True
    return any(a.programme_id == programme_id and a.role in roles for a in assignments(user))


def is_office(user, programme_id: int) -> bool:
    return has_role(user, programme_id, Role.OFFICE)


def is_office_anywhere(user) -> bool:
    return is_superuser(user) or bool(programme_ids(user, Role.OFFICE))


def own_task_force_ids(user) -> set[int]:
    return {a.task_force_id for a in assignments(user) if a.role == Role.TASKFORCE}


def own_region_ids(user) -> set[int]:
    return {a.region_id for a in assignments(user) if a.role == Role.DISTRICT}


# --- rows a user may see -------------------------------------------------------------


def visible_programmes(user) -> QuerySet[Programme]:
    if is_superuser(user):
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=programme_ids(user))


def visible_projects(user) -> QuerySet[Project]:
    """Everyone in a programme reads its whole ledger."""
    if is_superuser(user):
        return Project.objects.all()
    return Project.objects.filter(programme_id__in=programme_ids(user))


def changeable_projects(user) -> QuerySet[Project]:
    """Projects the user may change at least one field of."""
    if is_superuser(user):
        return Project.objects.all()
    office = programme_ids(user, Role.OFFICE)
    task_forces = own_task_force_ids(user)
    regions = own_region_ids(user)
    district_programmes = programme_ids(user, Role.DISTRICT)
    condition = Q(programme_id__in=office) | Q(task_force_id__in=task_forces)
    if regions:
        condition |= Q(programme_id__in=district_programmes, districts__in=regions)
    return Project.objects.filter(condition).distinct()


def managed_programmes(user) -> QuerySet[Programme]:
    """Programmes whose people, imports and audit log the user manages (office)."""
    if is_superuser(user):
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=programme_ids(user, Role.OFFICE))


# --- may the user do this? -----------------------------------------------------------


def is_own_task_force(user, project: Project) -> bool:
    return project.task_force_id is not None and project.task_force_id in own_task_force_ids(user)


def is_district_of(user, project: Project) -> bool:
    regions = {
        a.region_id
        for a in assignments(user)
        if a.role == Role.DISTRICT and a.programme_id == project.programme_id
    }
    if not regions:
        return False
    return any(r.pk in regions for r in project.districts.all())


def can_view_project(user, project: Project) -> bool:
    return is_superuser(user) or project.programme_id in programme_ids(user)


def editable_fields(user, project: Project) -> frozenset[str] | None:
    """The ledger fields the user may change on `project`; None means every field."""
    if project.is_archived:
        return frozenset()
    if is_office(user, project.programme_id):
        return None
    fields: set[str] = set()
    if is_own_task_force(user, project):
        fields |= LEDGER_FIELDS - OFFICE_ONLY_FIELDS
    if is_district_of(user, project):
        fields |= DISTRICT_FIELDS
    return frozenset(fields)


def can_view_contacts(user, project: Project) -> bool:
    """Phones: office, and the project's own task force only."""
    return is_office(user, project.programme_id) or is_own_task_force(user, project)


def can(user, action: str, obj) -> bool:
    """May `user` do `action` on `obj` (a Project or a Programme)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if isinstance(obj, Project):
        if not can_view_project(user, obj):
            return False
        if action in {"view", "export", "view_history"}:
            return True
        if action == "change":
            fields = editable_fields(user, obj)
            return fields is None or bool(fields)
        if action == "view_contacts":
            return can_view_contacts(user, obj)
        if action in {"change_task_force", "change_milestones", "add_photo"}:
            if obj.is_archived:
                return False
            return is_office(user, obj.programme_id) or is_own_task_force(user, obj)
        if action in {"archive", "restore"}:
            return is_office(user, obj.programme_id)
        raise ValueError(f"unknown project action {action!r}")
    if isinstance(obj, Programme):
        if action in {"view", "export"}:
            return is_superuser(user) or obj.pk in programme_ids(user)
        if action in {"create_project", "import", "manage_people", "view_audit"}:
            return is_office(user, obj.pk)
        raise ValueError(f"unknown programme action {action!r}")
    raise ValueError(f"no rules for {type(obj).__name__}")


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied (403) unless `can`."""
    if not can(user, action, obj):
        raise PermissionDenied("您没有权限执行此操作 / You do not have permission for this action")


def get_project(user, pk, action: str = "view") -> Project:
    """Fetch a project for `action`: 404 if the user cannot see it, 403 if read-only."""
    try:
        project = visible_projects(user).select_related("programme", "task_force").get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("项目不存在 / Project not found") from None
    require(user, action, project)
    return project


def choose_programme(user, code: str | None) -> Programme | None:
    """`code` among the user's programmes (404 if not visible), else their newest one."""
    programmes = visible_programmes(user)
    if code:
        programme = programmes.filter(code=code).first()
        if programme is None:
            raise Http404("项目计划不存在 / Programme not found")
        return programme
    return programmes.order_by("-year", "code").first()


def get_programme(user, code_or_pk, action: str = "view") -> Programme:
    qs = visible_programmes(user)
    lookup = {"pk": code_or_pk} if str(code_or_pk).isdigit() else {"code": code_or_pk}
    try:
        programme = qs.get(**lookup)
    except Programme.DoesNotExist:
        raise Http404("项目计划不存在 / Programme not found") from None
    require(user, action, programme)
    return programme


LEDGER_FIELDS = frozenset(
    {
        "programme",
        "seq",
        "name",
        "code",
        "category",
        "grade",
        "stage",
        "districts",
        "address",
        "longitude",
        "latitude",
        "geometry",
        "owner",
        "responsible_unit",
        "task_force",
        "total_investment",
        "completed_investment",
        "annual_investment",
        "planned_start",
        "planned_finish",
        "actual_start",
        "actual_finish",
        "content",
        "annual_target",
        "output_indicators",
        "district_progress",
    }
)


# --- reporting ---------------------------------------------------------------------
# Monthly reports. The project's task force drafts and submits; the district coordinator
# (where the project has one) reviews; the office accepts or returns. Accepted reports are
# locked; a correction request (task force or office) approved by the office reopens one.

REPORT_ACTIONS = frozenset(
    {
        "view",
        "edit",
        "submit",
        "review",
        "accept",
        "return",
        "request_correction",
        "decide_correction",
    }
)


def project_has_district_coordinator(project: Project) -> bool:
    """A district role exists for one of the project's districts in its programme."""
    return RoleAssignment.objects.filter(
        programme_id=project.programme_id,
        role=Role.DISTRICT,
        region__in=project.districts.all(),
    ).exists()


def reportable_projects(user) -> QuerySet[Project]:
    """Projects whose monthly reports the user sees: programme-wide readers all; task
    forces their own; district coordinators those in their districts."""
    if is_superuser(user):
        return Project.objects.all()
    wide = programme_ids(user, *PROGRAMME_WIDE_READ)
    condition = Q(programme_id__in=wide) | Q(task_force_id__in=own_task_force_ids(user))
    regions = own_region_ids(user)
    if regions:
        condition |= Q(programme_id__in=programme_ids(user, Role.DISTRICT), districts__in=regions)
    return Project.objects.filter(condition).distinct()


def visible_reports(user):
    from keyworks.reporting.models import MonthlyReport

    return MonthlyReport.objects.filter(project__in=reportable_projects(user))


def can_report(user, action: str, report) -> bool:
    """May `user` do `action` on `report` (a MonthlyReport, possibly not yet saved)?"""
    from keyworks.reporting.models import EDITABLE_STATUSES, ReportStatus

    if action not in REPORT_ACTIONS:
        raise ValueError(f"unknown report action {action!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    project = report.project
    office = is_office(user, project.programme_id)
    own = is_own_task_force(user, project)
    if action == "view":
        return reportable_projects(user).filter(pk=project.pk).exists()
    if project.is_archived:
        return False
    status = report.status
    if action in {"edit", "submit"}:
        return status in EDITABLE_STATUSES and own
    if action == "review":
        return status == ReportStatus.SUBMITTED and is_district_of(user, project)
    if action == "accept":
        if not office:
            return False
        if status == ReportStatus.REVIEWED:
            return True
        return status == ReportStatus.SUBMITTED and not project_has_district_coordinator(project)
    if action == "return":
        return office and status in {ReportStatus.SUBMITTED, ReportStatus.REVIEWED}
    if action == "request_correction":
        return status == ReportStatus.ACCEPTED and (own or office)
    if action == "decide_correction":
        return office
    return False


def require_report(user, action: str, report) -> None:
    if not can_report(user, action, report):
        raise PermissionDenied("您没有权限执行此操作 / You do not have permission for this action")


def get_report(user, pk, action: str = "view"):
    """Fetch a report for `action`: 404 if the user cannot see it, 403 if not allowed."""
    from keyworks.reporting.models import MonthlyReport

    try:
        report = visible_reports(user).select_related("project", "project__programme").get(pk=pk)
    except (MonthlyReport.DoesNotExist, ValueError, TypeError):
        raise Http404("月报不存在 / Report not found") from None
    require_report(user, action, report)
    return report


# --- measures ---
# Measures and warning lights (reporting/measures.py, lights.py). The ledger is readable
# by everyone in a programme, and so are its measures and lights; only the office pauses
# and resumes projects.


def can_view_measures(user, programme: Programme) -> bool:
    return can(user, "view", programme)


def can_pause_project(user, project: Project) -> bool:
    """Pause or resume a project (grey light): the programme's office, never archived."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return not project.is_archived and is_office(user, project.programme_id)


def require_pause_project(user, project: Project) -> None:
    if not can_pause_project(user, project):
        raise PermissionDenied("只有指挥部办公室可以暂停或恢复项目 / Only the office may do this")


# --- coordination ------------------------------------------------------------------
# The task & problem list. Office acts on all problems of its programme; district
# coordinators on problems of projects in their districts; a task force on its own
# project's problems; a department on problems where its unit is lead or assisting.
# Leaders and inspectors read everything; only inspectors and the office see discipline
# clues (纪检绿色通道).

PROBLEM_ACTIONS = frozenset(
    {"view", "note", "assign", "resolve", "close", "return", "escalate", "void", "flag"}
)


def own_unit_ids(user, programme_id: int | None = None) -> set[int]:
    return {
        a.unit_id
        for a in assignments(user)
        if a.role == Role.DEPARTMENT
        and a.unit_id
        and (programme_id is None or a.programme_id == programme_id)
    }


def visible_problems(user):
    from keyworks.coordination.models import Problem

    if is_superuser(user):
        return Problem.objects.all()
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
    ids = Problem.objects.filter(condition).values("pk")
    return Problem.objects.filter(pk__in=ids)


def can_see_discipline(user, programme_id: int) -> bool:
    return has_role(user, programme_id, Role.OFFICE, Role.INSPECTOR)


def can_raise_problem(user, project: Project) -> bool:
    """Task force (own project), office, district coordinator (its district), inspector."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or project.is_archived:
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
    """May `user` do `action` on `problem`?"""
    from keyworks.coordination.models import FINAL_STATUSES, ProblemStatus

    if action not in PROBLEM_ACTIONS:
        raise ValueError(f"unknown problem action {action!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action == "view":
        return visible_problems(user).filter(pk=problem.pk).exists()
    project = problem.project
    programme_id = project.programme_id
    office = is_office(user, programme_id)
    status = problem.status
    if status in FINAL_STATUSES:
        return False
    if action == "flag":
        return has_role(user, programme_id, Role.INSPECTOR) and not problem.discipline_flag
    if action in {"close", "void"}:
        return office
    if action == "return":
        return office and status == ProblemStatus.RESOLVED
    if action in {"assign", "escalate"}:
        return office or is_district_of(user, project)
    lead, involved = problem_unit_roles(user, problem)
    if action == "resolve":
        handling = (ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS, ProblemStatus.RETURNED)
        return status in handling and (office or lead)
    if action == "note":
        if status == ProblemStatus.RAISED:
            return office or is_district_of(user, project) or is_own_task_force(user, project)
        return (
            office or involved or is_district_of(user, project) or is_own_task_force(user, project)
        )
    return False


def require_problem(user, action: str, problem) -> None:
    if not can_problem(user, action, problem):
        raise PermissionDenied("您没有权限执行此操作 / You do not have permission for this action")


def get_problem(user, pk, action: str = "view"):
    """Fetch a problem for `action`: 404 if the user cannot see it, 403 if not allowed."""
    from keyworks.coordination.models import Problem

    try:
        problem = (
            visible_problems(user)
            .select_related("project", "project__programme", "lead_unit", "raised_by")
            .get(pk=pk)
        )
    except (Problem.DoesNotExist, ValueError, TypeError):
        raise Http404("问题不存在 / Problem not found") from None
    require_problem(user, action, problem)
    return problem


# --- targets -----------------------------------------------------------------


# --- fieldwork ---------------------------------------------------------------


# --- reminders ---------------------------------------------------------------


# --- tasks -------------------------------------------------------------------


# --- meetings ----------------------------------------------------------------


# --- rankings ----------------------------------------------------------------


# --- factors -----------------------------------------------------------------


# --- dashboards --------------------------------------------------------------
