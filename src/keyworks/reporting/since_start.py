"""开工累计 — a project's completed investment since its start: one definition, used by the
report form and page, the month summary and its export, the API and the demo.

    开工累计 at the end of month M
        = the ledger's 累计完成投资 before the project's first stored report
          (`Project.completed_before_reports`)
        + the 当月完成投资 of the project's reports the office has accepted, months ≤ M.

A report's own figure is the same sum with the report's own 当月完成投资 for its month
(`for_report`): the accepted reports of earlier months plus this one — what it reads once
accepted. There is one report per project and month, so no other report can stand for it.

The part before the reports is *stored*, not derived from the ledger's running total:
- accepting a report adds its month to the ledger's 累计完成投资 and reopening it takes
  the month back out (`services._carry_to_ledger`); neither touches the part before, so
  the ledger's 累计完成投资 = that part + the accepted reports, always: the ledger shows
  today's 开工累计;
- a change of 累计完成投资 by hand (the ledger form, the API, an import) moves the part
  before by the same amount, in the same audited update (ledger.services), and is
  refused below what the accepted reports put in: the reports' amounts change only
  through their reports;
- so every change of it is one change record naming it, with before and after; nothing
  has to be reconstructed from the reports' history (pre-existing reports that were
  accepted before acceptance carried into the ledger, or a ledger figure typed in over
  them, would make "ledger total minus the reports" a guess).

A report stores its figure (`MonthlyReport.since_start_total`): computed when it is
submitted and fixed when the office accepts it. Afterwards nothing changes it — not a
later month's acceptance, not a later change of the ledger — so a month's 开工累计 reads
as it was accepted, in its report, the summary and the API; only a correction reopens
it, and it is computed again when the report is submitted and accepted again. Drafts and
returned reports show the figure as it would read now (`shown`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet, Sum

from keyworks.core.bulk import bulk_set
from keyworks.ledger.models import Project

from .models import COUNTED_STATUSES, MonthlyReport, ReportStatus

ZERO = Decimal("0")


def _before_reports(project_id: int) -> Decimal:
    return Project.objects.values_list("completed_before_reports", flat=True).get(pk=project_id)


def _accepted(project_id: int, **months) -> Decimal:
    rows = MonthlyReport.objects.filter(
        project_id=project_id, status=ReportStatus.ACCEPTED, **months
    )
    return rows.aggregate(s=Sum("completed_this_month"))["s"] or ZERO


def since_start(project_id: int, month: datetime.date) -> Decimal:
    """开工累计 of the project at the end of `month`: the part before the reports plus the
    accepted reports of months up to `month`."""
    return _before_reports(project_id) + _accepted(project_id, month__lte=month)


def parts(report: MonthlyReport) -> tuple[Decimal, Decimal, Decimal]:
    """The three parts of the report's own 开工累计: (the part before the reports, the
    accepted reports of earlier months, this report's 当月完成投资)."""
    earlier = _accepted(report.project_id, month__lt=report.month)
    return _before_reports(report.project_id), earlier, report.completed_this_month


def for_report(report: MonthlyReport) -> Decimal:
    """The report's own 开工累计: the part before the reports, the accepted reports of
    earlier months and this report's 当月完成投资."""
    return sum(parts(report), ZERO)


def shown(report: MonthlyReport) -> Decimal:
    """What a page or the API shows as the report's 开工累计: the stored figure once it
    is submitted (fixed at acceptance), else what it would read now."""
    if report.status in COUNTED_STATUSES and report.since_start_total is not None:
        return report.since_start_total
    return for_report(report)


def shown_many(reports: Iterable[MonthlyReport]) -> dict[int, Decimal]:
    """`shown` for many reports (a page of the API's list) in at most two queries."""
    reports = list(reports)
    result = {
        r.pk: r.since_start_total
        for r in reports
        if r.status in COUNTED_STATUSES and r.since_start_total is not None
    }
    live = [r for r in reports if r.pk not in result]
    if not live:
        return result
    project_ids = {r.project_id for r in live}
    before = dict(
        Project.objects.filter(pk__in=project_ids).values_list("pk", "completed_before_reports")
    )
    accepted: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    rows = MonthlyReport.objects.filter(
        project_id__in=project_ids,
        status=ReportStatus.ACCEPTED,
        month__lt=max(r.month for r in live),
    ).values_list("project_id", "month", "completed_this_month")
    for project_id, month, amount in rows:
        accepted[project_id].append((month, amount))
    for r in live:
        earlier = sum((a for m, a in accepted[r.project_id] if m < r.month), ZERO)
        result[r.pk] = before[r.project_id] + earlier + r.completed_this_month
    return result


def settle(projects: QuerySet[Project]) -> int:
    """For reports written in bulk (the demo, synthetic programmes), which skip
    `services.accept`: nothing carried them into the ledger and their 开工累计 is unset.
    The ledger's 累计完成投资 is taken as the figure to date with the accepted reports in
    (what the ledger's pages show), so the part before them is what remains — never below
    zero: a ledger figure below its accepted reports alone is raised to them. Then every
    submitted, reviewed or accepted report gets its 开工累计 by the definition. Returns
    the number of projects whose 累计完成投资 was raised."""
    counted: dict[int, list[MonthlyReport]] = defaultdict(list)
    rows = (
        MonthlyReport.objects.filter(project__in=projects, status__in=COUNTED_STATUSES)
        .only("pk", "project_id", "month", "status", "completed_this_month")
        .order_by("project_id", "month")
    )
    for report in rows:
        counted[report.project_id].append(report)
    fields = ("pk", "programme", "completed_investment", "completed_before_reports")
    projects = list(projects.only(*fields))
    raised, reports = 0, []
    for project in projects:
        mine = counted.get(project.pk, [])
        carried = sum(
            (r.completed_this_month for r in mine if r.status == ReportStatus.ACCEPTED), ZERO
        )
        before = max(project.completed_investment - carried, ZERO)
        if before + carried != project.completed_investment:
            raised += 1
        project.completed_before_reports = before
        project.completed_investment = before + carried
        earlier = ZERO  # accepted reports of the months before, in month order
        for report in mine:
            report.since_start_total = before + earlier + report.completed_this_month
            if report.status == ReportStatus.ACCEPTED:
                earlier += report.completed_this_month
            reports.append(report)
    bulk_set(Project, projects, ["completed_investment", "completed_before_reports"])
    bulk_set(MonthlyReport, reports, ["since_start_total"])
    return raised


def disagreements(project_ids: Iterable[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """{project id: (ledger 累计完成投资, 开工累计 today)} where the two differ — none, as
    long as every change goes through the services."""
    project_ids = list(project_ids)
    accepted = dict(
        MonthlyReport.objects.filter(project_id__in=project_ids, status=ReportStatus.ACCEPTED)
        .order_by()
        .values_list("project_id")
        .annotate(s=Sum("completed_this_month"))
        .values_list("project_id", "s")
    )
    found = {}
    rows = Project.objects.filter(pk__in=project_ids).values_list(
        "pk", "completed_investment", "completed_before_reports"
    )
    for pk, completed, before in rows:
        today = before + (accepted.get(pk) or ZERO)
        if today != completed:
            found[pk] = (completed, today)
    return found
