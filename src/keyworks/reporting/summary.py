"""The month's summary (月报汇总表): every project's figures for one month, grouped by
category with subtotals and a grand total, as the office circulates it.

All figures come from `measures.project_measures` and `lights.project_lights` (the same
numbers as the measures page, the dashboard and the rankings); this module only adds the
month's own completion and image progress from the month's report, in one more query.
Like the measures, a report counts once the office has accepted it. Paused projects are
listed (grey light) but left out of the subtotals and the total, as in every rollup.
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


def month_summary(programme, month: datetime.date, *, now=None) -> MonthSummary:
    """The summary of `programme` for `month`, from the stored figures: a constant number
    of queries whatever the programme's size."""
    measures = project_measures(programme, month, now=now)
    lights = project_lights(programme, month, measures=measures, now=now)
    month = first_of_month(month)
    reports = {
        project_id: (status, completed, text)
        for project_id, status, completed, text in MonthlyReport.objects.filter(
            project__programme=programme, project__archived_at__isnull=True, month=month
        ).values_list("project_id", "status", "completed_this_month", "progress_text")
    }
    groups: dict[int | None, SummaryGroup] = {}
    order: dict[int | None, tuple] = {}
    for pk, m in measures.items():
        group = groups.get(m.category_id)
        if group is None:
            group = groups[m.category_id] = SummaryGroup(m.category_id, m.category)
            order[m.category_id] = (m.category_sort, m.category_id or 0)
        status, completed, text = reports.get(pk, (None, None, ""))
        accepted = status == ReportStatus.ACCEPTED
        row = SummaryRow(
            m=m,
            light=lights[pk],
            month_completed=completed if accepted else None,
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
