"""Who may see and do what in reporting: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from keyworks.core.permissions import fetch, restriction
from keyworks.ledger.models import Programme, Project
from keyworks.ledger.permissions import can
from keyworks.orgs.models import Role, RoleAssignment
from keyworks.orgs.roles import (
    PROGRAMME_WIDE_READ,
    is_active_user,
    is_district_of,
    is_office,
    is_own_task_force,
    is_superuser,
    own_region_ids,
    own_task_force_ids,
    programme_ids,
)

from .models import EDITABLE_STATUSES, CorrectionRequest, MonthlyReport, ReportStatus

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


@restriction(MonthlyReport)
def restrict_reports(reports, user, action: str = "view"):
    """view: the reports a user may open (the list, the API, a task's linked report)."""
    if action != "view":
        raise ValueError(f"unknown report list action {action!r}")
    return reports.filter(project__in=reportable_projects(user))


@restriction(CorrectionRequest)
def restrict_corrections(corrections, user, action: str = "view"):
    """view: the correction requests of the reports a user may open."""
    if action != "view":
        raise ValueError(f"unknown correction list action {action!r}")
    return corrections.filter(report__project__in=reportable_projects(user))


def can_report(user, action: str, report) -> bool:
    """May `user` do `action` on `report` (a MonthlyReport, possibly not yet saved)?"""
    if action not in REPORT_ACTIONS:
        raise ValueError(f"unknown report action {action!r}")
    if not is_active_user(user):
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
        raise PermissionDenied(_("只有项目专班或指挥部办公室可以导入月报"))


def require_report(user, action: str, report) -> None:
    if not can_report(user, action, report):
        raise PermissionDenied(_("您没有权限执行此操作"))


def get_report(user, pk, action: str = "view"):
    """Fetch a report for `action`: 404 if the user cannot see it, 403 if not allowed."""
    return fetch(
        MonthlyReport.objects.restrict(user).select_related("project", "project__programme"),
        pk=pk,
        allowed=lambda report: can_report(user, action, report),
        not_found=_("月报不存在"),
    )


def get_correction(user, pk):
    """Fetch a correction request of a report the user may open: 404 otherwise (deciding it
    is checked by the service)."""
    return fetch(
        CorrectionRequest.objects.restrict(user).select_related("report"),
        pk=pk,
        not_found=_("更正申请不存在"),
    )


def get_reportable_project(user, pk) -> Project:
    """The project whose reports the user means to start: 404 as for a report they cannot
    see (`get_report`) when they may not see its reports, whether one exists or not, so
    that starting one tells nobody more than reading it."""
    return fetch(
        reportable_projects(user).select_related("programme", "task_force"),
        pk=pk,
        not_found=_("项目不存在或您无权查看其月报"),
    )


# --- measures ---
# Measures and warning lights (reporting/measures.py, lights.py). The ledger is readable
# by everyone in a programme, and so are its measures and lights; only the office pauses
# and resumes projects.


def can_view_measures(user, programme: Programme) -> bool:
    return can(user, "view", programme)


def can_pause_project(user, project: Project) -> bool:
    """Pause or resume a project (grey light): the programme's office, never archived."""
    if not is_active_user(user):
        return False
    return not project.is_archived and is_office(user, project.programme_id)


def require_pause_project(user, project: Project) -> None:
    if not can_pause_project(user, project):
        raise PermissionDenied(_("只有指挥部办公室可以暂停或恢复项目"))


def can_edit_warning_rules(user, programme: Programme) -> bool:
    """The programme's warning-light thresholds and report due day: its office only."""
    if not is_active_user(user):
        return False
    return is_office(user, programme.pk)


def require_edit_warning_rules(user, programme: Programme) -> None:
    if not can_edit_warning_rules(user, programme):
        raise PermissionDenied(_("只有指挥部办公室可以修改预警规则"))
