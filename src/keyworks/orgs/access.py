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


def is_leader_anywhere(user) -> bool:
    return bool(programme_ids(user, Role.LEADER))


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


# --- people --------------------------------------------------------------------------
# An office manages the people of its own programme only. An account belongs to one
# programme (User.home_programme): only that programme's office changes its name,
# password and active flag. An office gives roles in its programme to its own accounts
# and to people already holding a role there; it never reaches an account of another
# programme, even by guessing its id.


def programme_people(programme: Programme) -> QuerySet:
    """The accounts an office sees: those it owns and those holding a role in it."""
    from .models import User

    members = RoleAssignment.objects.filter(programme=programme).values("user_id")
    return User.objects.filter(Q(home_programme=programme) | Q(pk__in=members))


def can_manage_account(user, person, programme: Programme) -> bool:
    """May `user` change `person`'s account fields, working in `programme`?"""
    if not can(user, "manage_people", programme):
        return False
    return is_superuser(user) or person.home_programme_id == programme.pk


def require_manage_account(user, person, programme: Programme) -> None:
    if not can_manage_account(user, person, programme):
        raise PermissionDenied(
            "该账号由其他项目计划管理，本计划只能分配或撤销其在本计划中的角色"
            " / This account is managed by another programme"
        )


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
        "import",
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
    if action == "import":  # a monthly template: the task force, or the office on its behalf
        return status in EDITABLE_STATUSES and (own or office)
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


def report_importable_projects(user, programme: Programme) -> QuerySet[Project]:
    """Current projects whose reports `user` may fill in from a monthly template: the
    task force its own, the office every one (as drafts for the task force to submit)."""
    projects = Project.objects.filter(programme=programme, archived_at__isnull=True)
    if is_office(user, programme.pk):
        return projects
    return projects.filter(task_force_id__in=own_task_force_ids(user))


def require_import_reports(user, programme: Programme) -> None:
    if not report_importable_projects(user, programme).exists():
        raise PermissionDenied(
            "只有项目专班或指挥部办公室可以导入月报"
            " / Only task forces and the office import reports"
        )


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


def can_edit_warning_rules(user, programme: Programme) -> bool:
    """The programme's warning-light thresholds and report due day: its office only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_office(user, programme.pk)


def require_edit_warning_rules(user, programme: Programme) -> None:
    if not can_edit_warning_rules(user, programme):
        raise PermissionDenied(
            "只有指挥部办公室可以修改预警规则 / Only the office may change the warning rules"
        )


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
    if not regions and not units:
        # No many-to-many join, so no repeated rows: filter directly. (`pk IN (subquery)`
        # made SQLite walk the id list once per project: seconds at 3,000 problems.)
        return Problem.objects.filter(condition)
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


def can_edit_escalation_rule(user, programme: Programme) -> bool:
    """The automatic escalation rules (自动升级规则): everyone in the programme reads
    them; the office sets them."""
    return is_office(user, programme.pk)


# --- targets -----------------------------------------------------------------
# Annual targets (年度目标). The project's task force creates, edits, submits and revises;
# the office reviews item by item. Office, leaders, inspectors and departments read the
# whole programme's targets; district coordinators those of projects in their districts;
# a task force its own project's. Anyone else: 404.

TARGET_ACTIONS = frozenset({"view", "create", "edit", "submit", "review", "revise"})
TARGET_WIDE_READ = {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.DEPARTMENT}


def target_projects(user) -> QuerySet[Project]:
    """Projects whose annual targets the user may read."""
    if is_superuser(user):
        return Project.objects.all()
    wide = programme_ids(user, *TARGET_WIDE_READ)
    condition = Q(programme_id__in=wide) | Q(task_force_id__in=own_task_force_ids(user))
    regions = own_region_ids(user)
    if regions:
        condition |= Q(programme_id__in=programme_ids(user, Role.DISTRICT), districts__in=regions)
    return Project.objects.filter(pk__in=Project.objects.filter(condition).values("pk"))


def visible_targets(user):
    from keyworks.targets.models import AnnualTarget

    return AnnualTarget.objects.filter(project__in=target_projects(user))


def can_target(user, action: str, obj) -> bool:
    """May `user` do `action`? `obj` is a Project for "view"/"create", else an AnnualTarget.
    "revise" is asked of the accepted version being revised."""
    from keyworks.targets.models import EDITABLE_STATUSES, TargetStatus

    if action not in TARGET_ACTIONS:
        raise ValueError(f"unknown target action {action!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    project = obj if isinstance(obj, Project) else obj.project
    if action == "view":
        if is_superuser(user) or has_role(user, project.programme_id, *TARGET_WIDE_READ):
            return True
        return is_own_task_force(user, project) or is_district_of(user, project)
    if project.is_archived:
        return False
    if action == "review":
        return obj.status == TargetStatus.SUBMITTED and is_office(user, project.programme_id)
    if not is_own_task_force(user, project):
        return False
    if action == "create":
        return True
    if action in {"edit", "submit"}:
        return obj.status in EDITABLE_STATUSES
    return obj.status == TargetStatus.ACCEPTED  # revise


def require_target(user, action: str, obj) -> None:
    if not can_target(user, action, obj):
        raise PermissionDenied("您没有权限执行此操作 / You do not have permission for this action")


def get_target(user, pk, action: str = "view"):
    """Fetch a target version for `action`: 404 if the user cannot see it, 403 if not allowed."""
    from keyworks.targets.models import AnnualTarget

    try:
        target = (
            visible_targets(user)
            .select_related("project", "project__programme", "project__task_force")
            .get(pk=pk)
        )
    except (AnnualTarget.DoesNotExist, ValueError, TypeError):
        raise Http404("年度目标不存在 / Annual target not found") from None
    require_target(user, action, target)
    return target


def get_target_project(user, pk, action: str = "view") -> Project:
    """A project on the targets pages: 404 unless the user may read its targets."""
    try:
        project = target_projects(user).select_related("programme", "task_force").get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("项目不存在 / Project not found") from None
    require_target(user, action, project)
    return project


# --- fieldwork ---------------------------------------------------------------
# Progress updates: everyone in the programme reads them; a task force posts them for its
# own project. On-site visits: inspectors and the office record them; the findings are
# read by office, leaders, inspectors and the project's own task force; only the office
# resolves a dispute and edits the programme's field-work thresholds.

FIELDWORK_VISIT_READERS = {Role.OFFICE, Role.LEADER, Role.INSPECTOR}


def visible_updates(user):
    from keyworks.fieldwork.models import ProgressUpdate

    if is_superuser(user):
        return ProgressUpdate.objects.all()
    return ProgressUpdate.objects.filter(project__programme_id__in=programme_ids(user))


def can_post_update(user, project: Project) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active or project.is_archived:
        return False
    return is_own_task_force(user, project)


def visible_visits(user):
    from keyworks.fieldwork.models import Visit

    if is_superuser(user):
        return Visit.objects.all()
    wide = programme_ids(user, *FIELDWORK_VISIT_READERS)
    condition = Q(project__programme_id__in=wide) | Q(
        project__task_force_id__in=own_task_force_ids(user)
    )
    return Visit.objects.filter(condition)


def can_record_visit(user, project: Project) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active or project.is_archived:
        return False
    return has_role(user, project.programme_id, Role.OFFICE, Role.INSPECTOR)


def can_resolve_dispute(user, visit) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_office(user, visit.project.programme_id)


def get_update(user, pk):
    """Fetch a progress update: 404 outside the programme."""
    from keyworks.fieldwork.models import ProgressUpdate

    try:
        return (
            visible_updates(user)
            .select_related("project", "project__programme", "posted_by", "raised_problem")
            .get(pk=pk)
        )
    except (ProgressUpdate.DoesNotExist, ValueError, TypeError):
        raise Http404("进度更新不存在 / Progress update not found") from None


def get_visit(user, pk, action: str = "view"):
    """Fetch a visit: 404 for whoever may not read it, 403 for `resolve` by a non-office."""
    from keyworks.fieldwork.models import Visit

    try:
        visit = (
            visible_visits(user)
            .select_related("project", "project__programme", "recorded_by", "resolved_by")
            .get(pk=pk)
        )
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise Http404("核验记录不存在 / Verification visit not found") from None
    if action == "resolve" and not can_resolve_dispute(user, visit):
        raise PermissionDenied("只有指挥部办公室可以处理争议 / Only the office resolves disputes")
    return visit


# --- reminders ---------------------------------------------------------------
# Reminders are computed per user by each app's provider from that app's own rules;
# here only: who gets a reminder list (and a digest) at all.


def can_receive_reminders(user) -> bool:
    """Signed-in, active members of at least one programme."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(programme_ids(user))


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
    from keyworks.tasks.models import Task

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
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles = TASK_ISSUERS.get(kind)
    if roles is None:
        raise ValueError(f"unknown task kind {kind!r}")
    return has_role(user, programme.pk, *roles)


def can_issue_any_task(user, programme: Programme) -> bool:
    return any(can_issue_task(user, programme, kind) for kind in TASK_ISSUERS)


def is_leader(user, programme_id: int) -> bool:
    return any(a.programme_id == programme_id and a.role == Role.LEADER for a in assignments(user))


def can_task(user, action: str, task) -> bool:
    """May `user` do `action` on `task`?"""
    from keyworks.tasks.models import TaskStatus

    if action not in TASK_ACTIONS:
        raise ValueError(f"unknown task action {action!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
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
    from keyworks.tasks.models import Task

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


# --- meetings ----------------------------------------------------------------
# The weekly dispatch meeting. The office opens meetings, edits the agenda and records
# decisions until the meeting is closed, and confirms decisions reported done. Everyone in
# the programme reads its meetings; the users of a decision's responsible unit (department
# role or User.unit) report progress and completion on it.

MEETING_ACTIONS = frozenset({"view", "export", "manage", "edit"})
DECISION_ACTIONS = frozenset({"view", "edit", "progress", "confirm"})


def visible_meetings(user):
    from keyworks.meetings.models import Meeting

    if is_superuser(user):
        return Meeting.objects.all()
    return Meeting.objects.filter(programme_id__in=programme_ids(user))


def visible_decisions(user):
    from keyworks.meetings.models import Decision

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
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_office(user, programme.pk)


def can_meeting(user, action: str, meeting) -> bool:
    """view/export: the programme; manage: office; edit (agenda, decisions): office while
    the meeting is open."""
    if action not in MEETING_ACTIONS:
        raise ValueError(f"unknown meeting action {action!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
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
    from keyworks.meetings.models import Meeting

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
    from keyworks.meetings.models import DecisionStatus

    if action not in DECISION_ACTIONS:
        raise ValueError(f"unknown decision action {action!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
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
    from keyworks.meetings.models import Decision

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


# --- rankings ----------------------------------------------------------------
# Rankings (rankings/): everyone in the programme reads the bi-monthly rankings and their
# exports; only the office edits the scoring scheme and publishes (freezes) a period.


def can_view_rankings(user, programme: Programme) -> bool:
    return can(user, "view", programme)


def can_manage_rankings(user, programme: Programme) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_office(user, programme.pk)


def require_manage_rankings(user, programme: Programme) -> None:
    if not can_manage_rankings(user, programme):
        raise PermissionDenied(
            "只有指挥部办公室可以修改计分方案或发布排名 / Only the office may do this"
        )


def rankings_programme(user, code: str | None, action: str = "view") -> Programme:
    """The programme for a rankings page or endpoint: 404 outside it, 403 if the user may
    read but not `action` ("view" or "manage")."""
    programme = choose_programme(user, code)
    if programme is None or not can_view_rankings(user, programme):
        raise Http404("项目计划不存在 / Programme not found")
    if action == "manage":
        require_manage_rankings(user, programme)
    elif action != "view":
        raise ValueError(f"unknown rankings action {action!r}")
    return programme


# --- factors -----------------------------------------------------------------
# Factor guarantees (要素保障清单). Everyone in a programme reads every item; the office
# edits all items, a task force its own projects', a district coordinator those of projects
# in its district; users of an item's responsible unit update only what is secured (and
# the note).

FACTOR_SECURED_FIELDS = frozenset({"secured", "note"})


def visible_factor_items(user):
    from keyworks.factors.models import FactorItem

    return FactorItem.objects.filter(project__in=visible_projects(user))


def can_edit_factors(user, project: Project) -> bool:
    """Add items to `project` and change every field of its items."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or project.is_archived:
        return False
    return (
        is_office(user, project.programme_id)
        or is_own_task_force(user, project)
        or is_district_of(user, project)
    )


def factor_fields(user, item) -> frozenset[str] | None:
    """The fields of `item` the user may change: None means all, empty means none."""
    project = item.project
    if can_edit_factors(user, project):
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active or project.is_archived:
        return frozenset()
    if item.responsible_unit_id and item.responsible_unit_id in own_unit_ids(
        user, project.programme_id
    ):
        return FACTOR_SECURED_FIELDS
    return frozenset()


def can_change_factor(user, item) -> bool:
    fields = factor_fields(user, item)
    return fields is None or bool(fields)


def get_factor_item(user, pk, action: str = "view"):
    """Fetch a factor item: 404 if the user cannot see it, 403 if it may not `change` it."""
    from keyworks.factors.models import FactorItem

    try:
        item = (
            visible_factor_items(user)
            .select_related("project", "project__programme", "responsible_unit")
            .get(pk=pk)
        )
    except (FactorItem.DoesNotExist, ValueError, TypeError):
        raise Http404("要素保障事项不存在 / Factor item not found") from None
    if action == "change" and not can_change_factor(user, item):
        raise PermissionDenied("您没有权限修改该要素保障事项 / You may not change this item")
    return item


# --- dashboards --------------------------------------------------------------
# The battle map, command dashboard and schedule chart are read by everyone in the
# programme (`current_programme` / `visible_projects`). The big screen can also be opened
# through a screen link (no login): the link stands for a read-only viewer who reads
# the programme as a leader does and can change nothing. Office creates and revokes links.


def can_manage_screen_links(user, programme: Programme) -> bool:
    return getattr(user, "is_authenticated", False) and is_office(user, programme.pk)


def require_manage_screen_links(user, programme: Programme) -> None:
    if not can_manage_screen_links(user, programme):
        raise PermissionDenied(
            "只有指挥部办公室可以管理大屏链接 / Only the office manages screen links"
        )


class ScreenViewer:
    """The read-only viewer behind a screen link: not a stored user; reads one programme
    like a leader (no writes: every service checks a real role or saves the actor)."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    is_anonymous = False
    pk = id = None
    username = "screen"
    full_name = "大屏链接 / Screen link"

    def __init__(self, programme: Programme) -> None:
        self._keyworks_roles = [RoleAssignment(programme=programme, role=Role.LEADER)]

    def get_username(self) -> str:
        return self.username
