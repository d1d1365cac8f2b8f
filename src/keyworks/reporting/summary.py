"""The month's summary (月报汇总表): every project's figures for one month, grouped by
category with subtotals and a grand total, as the office circulates it.

All figures come from `measures.project_measures` and `lights.project_lights` (the same
numbers as the measures page, the dashboard and the rankings); this module only adds the
month's own completion, 开工累计 and image progress from the month's report, in one more
query. Like the measures, a report counts once the office has accepted it; its 开工累计 is
the figure fixed when it was accepted (reporting.since_start), so a past month's summary
reads as it did. Paused projects are listed (grey light) but left out of the subtotals and
the total, as in every rollup.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from keyworks.core.calendar import first_of_month

from .lights import Light, project_lights
from .measures import ZERO, ProjectMeasures, Rollup, project_measures, rollup
from .models import MonthlyReport, ReportStatus

STATUS_LABELS = dict(ReportStatus.choices)


@dataclass
class SummaryRow:
    m: ProjectMeasures
    light: Light
    month_completed: Decimal | None  # None: no accepted report for the month
    since_start: Decimal | None  # 开工累计 of the accepted report; None without one
    report_status: str  # the month's report status label, or 未填报
    progress_text: str


@dataclass
class SummaryGroup:
    category_id: int | None
    label: str
    rows: list[SummaryRow] = field(default_factory=list)
    totals: Rollup | None = None  # over the group's projects that are not paused
    month_completed: Decimal = ZERO


@dataclass
class MonthSummary:
    programme: object
    month: datetime.date
    groups: list[SummaryGroup]
    total: Rollup | None
    month_completed: Decimal

    @property
    def project_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def month_summary(programme, month: datetime.date, *, user, now=None) -> MonthSummary:
    """The summary of `programme` for `month` as `user` may read it, from the stored
    figures: a constant number of queries whatever the programme's size. Figures and report
    statuses are the programme's (as the measures); a report's own text only where `user`
    may open that report (`MonthlyReport.objects.restrict`)."""
    measures = project_measures(programme, month, now=now)
    lights = project_lights(programme, month, measures=measures, now=now)
    month = first_of_month(month)
    month_reports = MonthlyReport.objects.filter(
        project__programme=programme, project__archived_at__isnull=True, month=month
    )
    readable = set(month_reports.restrict(user).values_list("project_id", flat=True))
    reports = {
        project_id: (status, completed, since, text if project_id in readable else "")
        for project_id, status, completed, since, text in month_reports.values_list(
            "project_id", "status", "completed_this_month", "since_start_total", "progress_text"
        )
    }
    groups: dict[int | None, SummaryGroup] = {}
    order: dict[int | None, tuple] = {}
    for pk, m in measures.items():
        group = groups.get(m.category_id)
        if group is None:
            group = groups[m.category_id] = SummaryGroup(m.category_id, m.category)
            order[m.category_id] = (m.category_sort, m.category_id or 0)
        status, completed, since, text = reports.get(pk, (None, None, None, ""))
        accepted = status == ReportStatus.ACCEPTED
        row = SummaryRow(
            m=m,
            light=lights[pk],
            month_completed=completed if accepted else None,
            since_start=since if accepted else None,
            report_status=STATUS_LABELS.get(status, _("未填报")),
            progress_text=text or "",
        )
        group.rows.append(row)
        if accepted and not m.paused:
            group.month_completed += completed
    by_category = {r.key: r for r in rollup(measures, "category")}
    ordered = sorted(groups.values(), key=lambda g: order[g.category_id])
    for group in ordered:
        group.totals = by_category.get(group.category_id)
    total = rollup(measures, "programme")
    return MonthSummary(
        programme=programme,
        month=month,
        groups=ordered,
        total=total[0] if total else None,
        month_completed=sum((g.month_completed for g in ordered), ZERO),
    )
