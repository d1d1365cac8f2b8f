"""Monthly-report reminders (工作提醒), computed from the reports on every call.

- task force: the report for a month is due soon (within `DUE_SOON_DAYS` days before the
  programme's due day) or missing after it; returned reports to fix.
- district coordinator: submitted reports of its districts awaiting review.
- office: reports awaiting acceptance (one line per month when there are several) and
  correction requests awaiting approval.
Paused (停工/缓建) and archived projects owe no report.
"""

import datetime
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext

from keyworks.core.calendar import SHANGHAI, first_of_month, previous_month
from keyworks.core.reminders import Reminder
from keyworks.ledger.models import Project
from keyworks.orgs.models import Role, RoleAssignment
from keyworks.orgs.roles import assignments, own_task_force_ids, programme_ids

from .models import CorrectionRequest, CorrectionStatus, MonthlyReport, ProjectPause, ReportStatus
from .services import due_at

DUE_SOON_DAYS = 5


def month_label(month: datetime.date) -> str:
    return gettext("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


def due_day(programme, month: datetime.date) -> datetime.date:
    return due_at(programme, month).date()


def list_url(programme, month: datetime.date) -> str:
    return f"{reverse('reporting:report_list')}?programme={programme.code}&month={month:%Y-%m}"


def detail_url(report_pk: int) -> str:
    return reverse("reporting:report_detail", args=[report_pk])


def owing_months(programme, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """(month, due day) of the reports a project may owe as of `today`: last month's (due
    this month, maybe already passed) and this month's once its due day is near. Only
    months of the programme's year: a 2025 programme's December report is due in January
    2026, and nothing after it (the next year has its own programme)."""
    result = []
    for month in (previous_month(today), first_of_month(today)):
        if month.year != programme.year:
            continue
        due = due_day(programme, month)
        if today > due or due - datetime.timedelta(days=DUE_SOON_DAYS) <= today:
            result.append((month, due))
    return result


def _task_force_reminders(user, today) -> list[Reminder]:
    task_forces = own_task_force_ids(user)
    if not task_forces:
        return []
    programmes = programme_ids(user, Role.TASKFORCE)
    projects = list(
        Project.objects.filter(
            task_force_id__in=task_forces, programme_id__in=programmes, archived_at__isnull=True
        )
        .annotate(paused=Exists(ProjectPause.objects.filter(project=OuterRef("pk"), ended_at=None)))
        .select_related("programme")
        .order_by("programme_id", "seq", "pk")
    )
    if not projects:
        return []
    months = {p.programme_id: owing_months(p.programme, today) for p in projects}
    wanted = {m for pairs in months.values() for m, _ in pairs}
    reports = {
        (r.project_id, r.month): r
        for r in MonthlyReport.objects.filter(project__in=projects, month__in=wanted)
    }
    result = []
    for project in projects:
        if project.paused:
            continue
        for month, due in months[project.programme_id]:
            report = reports.get((project.pk, month))
            if report is not None and report.submitted_at is not None:
                continue  # submitted (a returned one is reminded below)
            overdue = today > due
            if overdue:
                title = gettext("%(project)s：%(month)s月报逾期未报")
            else:
                title = gettext("%(project)s：%(month)s月报将于 %(m)s月%(d)s日 截止")
            values = {"project": project.name, "month": month_label(month)}
            values.update(m=f"{due:%m}", d=f"{due:%d}")
            result.append(
                Reminder(
                    kind="report_due",
                    title=title % values,
                    url=(
                        reverse("reporting:report_edit", args=[report.pk])
                        if report is not None
                        else list_url(project.programme, month)
                    ),
                    programme_id=project.programme_id,
                    due=due,
                    overdue=overdue,
                    detail=(
                        gettext("截止日 %(due)s（已有草稿）")
                        if report
                        else gettext("截止日 %(due)s")
                    )
                    % {"due": f"{due:%Y-%m-%d}"},
                )
            )
    returned = MonthlyReport.objects.filter(
        project__in=[p.pk for p in projects], status=ReportStatus.RETURNED
    ).select_related("project")
    for report in returned.order_by("month", "project__seq"):
        result.append(
            Reminder(
                kind="report_returned",
                title=gettext("%(project)s：%(month)s月报被退回，请修改后重新提交")
                % {"project": report.project.name, "month": month_label(report.month)},
                url=reverse("reporting:report_edit", args=[report.pk]),
                programme_id=report.project.programme_id,
                detail=(gettext("退回意见：%(comment)s") % {"comment": report.decision_comment})[
                    :200
                ],
            )
        )
    return result


def _district_reminders(user, today) -> list[Reminder]:
    pairs = [
        (a.programme_id, a.region_id)
        for a in assignments(user)
        if a.role == Role.DISTRICT and a.region_id
    ]
    if not pairs:
        return []
    where = Q()
    for programme_id, region_id in pairs:
        where |= Q(project__programme_id=programme_id, project__districts=region_id)
    ids = MonthlyReport.objects.filter(where).values("pk")
    reports = (
        MonthlyReport.objects.filter(
            pk__in=ids, status=ReportStatus.SUBMITTED, project__archived_at__isnull=True
        )
        .select_related("project")
        .order_by("month", "project__seq")
    )
    return [
        Reminder(
            kind="report_review",
            title=gettext("%(project)s：%(month)s月报已提交，待县区审核")
            % {"project": r.project.name, "month": month_label(r.month)},
            url=detail_url(r.pk),
            programme_id=r.project.programme_id,
            detail=gettext("提交于 %(day)s")
            % {"day": f"{r.submitted_at.astimezone(SHANGHAI):%Y-%m-%d}"}
            if r.submitted_at
            else "",
        )
        for r in reports
    ]


def _office_reminders(user, today) -> list[Reminder]:
    programmes = programme_ids(user, Role.OFFICE)
    if not programmes:
        return []
    coordinated = set(
        RoleAssignment.objects.filter(role=Role.DISTRICT, programme_id__in=programmes).values_list(
            "programme_id", "region_id"
        )
    )
    waiting = (
        MonthlyReport.objects.filter(
            project__programme_id__in=programmes,
            project__archived_at__isnull=True,
            status__in=(ReportStatus.SUBMITTED, ReportStatus.REVIEWED),
        )
        .select_related("project", "project__programme")
        .prefetch_related("project__districts")
        .order_by("month", "project__seq")
    )
    by_month = defaultdict(list)
    for report in waiting:
        project = report.project
        if report.status == ReportStatus.SUBMITTED and any(
            (project.programme_id, d.pk) in coordinated for d in project.districts.all()
        ):
            continue  # the district coordinator reviews it first
        by_month[(project.programme, report.month)].append(report)
    result = []
    for (programme, month), reports in by_month.items():
        if len(reports) == 1:
            title = gettext("%(project)s：%(month)s月报待采纳") % {
                "project": reports[0].project.name,
                "month": month_label(month),
            }
            url = detail_url(reports[0].pk)
        else:
            title = gettext("%(month)s有 %(n)s 份月报待采纳") % {
                "month": month_label(month),
                "n": len(reports),
            }
            url = list_url(programme, month)
        result.append(
            Reminder(
                kind="report_accept",
                title=title,
                url=url,
                programme_id=programme.pk,
                detail=programme.name,
            )
        )
    corrections = (
        CorrectionRequest.objects.filter(
            report__project__programme_id__in=programmes, status=CorrectionStatus.PENDING
        )
        .select_related("report", "report__project")
        .order_by("requested_at", "pk")
    )
    for correction in corrections:
        report = correction.report
        result.append(
            Reminder(
                kind="correction_pending",
                title=gettext("%(project)s：%(month)s月报更正申请待审批")
                % {"project": report.project.name, "month": month_label(report.month)},
                url=detail_url(report.pk),
                programme_id=report.project.programme_id,
                detail=(gettext("理由：%(reason)s") % {"reason": correction.reason})[:200],
            )
        )
    return result


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    return (
        _task_force_reminders(user, today)
        + _district_reminders(user, today)
        + _office_reminders(user, today)
    )
