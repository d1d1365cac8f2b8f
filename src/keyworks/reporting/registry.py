"""The figure registry: every headline figure of a programme month, named and defined
once. The command dashboard, the big screen and the API's figures endpoint take their
numbers from `headline`; the month summary and the measures pages show the same rollup
(`measures.rollup`) these come from, so a figure reads the same wherever it appears
(tests/reporting/test_registry.py checks it surface by surface).

Two populations, said on the page wherever they differ:
- *current projects*: the ledger's projects not archived, paused ones included
  (项目总数, the lights, where grey is "paused");
- *measured projects*: current projects not paused in the month (every rollup: the
  annual plan, year-to-date completion, new starts, report timeliness).
Open and overdue problems are counted as of the month's end (today while it runs); the
coordination app provides them (`core.extensions` point "headline_figures").

A project's own figures are named here too (`PROJECT_FIGURES`): 开工累计 (`SINCE_START`),
defined and computed in `since_start`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyworks.core.extensions import collect

from . import lights as warning_lights
from . import since_start  # noqa: F401  (the definition of SINCE_START, below)
from .measures import (
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    default_month,
    pauses_in,
    project_measures,
    rollup,
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    unit: str


COUNT = pgettext_lazy("unit", "个")
FIGURES = [
    Figure("projects", _("项目总数"), _("台账中未归档的项目，含暂停项目"), COUNT),
    Figure(
        "paused",
        _("暂停项目"),
        _("所选月份处于暂停的项目：列出，但不计入各项汇总"),
        COUNT,
    ),
    Figure("measured", _("纳入汇总的项目"), _("项目总数减去暂停项目"), COUNT),
    Figure(
        "annual_target",
        _("年度计划投资"),
        _("纳入汇总项目的年度计划投资之和（不含暂停项目）"),
        _("万元"),
    ),
    Figure(
        "ytd_completed",
        _("年度累计完成投资"),
        _("纳入汇总项目本年1月至所选月份、办公室已采纳月报的当月完成投资之和"),
        _("万元"),
    ),
    Figure("completion_rate", _("年度投资完成率"), _("年度累计完成投资 ÷ 年度计划投资"), "%"),
    Figure("elapsed", _("序时进度"), _("所选月份末已过月数 ÷ 12"), "%"),
    Figure(
        "new_projects",
        _("新建项目"),
        _("计划开工日期在本年的纳入汇总项目"),
        COUNT,
    ),
    Figure(
        "started",
        _("新建项目已开工"),
        _("新建项目中，实际开工不晚于所选月份月末的"),
        COUNT,
    ),
    Figure(
        "reports_on_time",
        _("月报按时报送"),
        _("纳入汇总项目所选月份月报按时提交的"),
        COUNT,
    ),
    Figure("reports_late", _("月报逾期提交"), _("截止日后才提交的"), COUNT),
    Figure("reports_missing", _("月报逾期未报"), _("截止日已过仍未提交的"), COUNT),
    Figure(
        "reports_pending",
        _("月报未到截止日"),
        _("截止日未到、尚未提交的"),
        COUNT,
    ),
    Figure("report_rate", _("月报及时率"), _("按时报送 ÷ 纳入汇总的项目"), "%"),
    Figure("lights_red", _("红灯"), _("当前项目中亮红灯的（按预警规则）"), COUNT),
    Figure("lights_yellow", _("黄灯"), _("当前项目中亮黄灯的"), COUNT),
    Figure("lights_green", _("绿灯"), _("当前项目中亮绿灯的"), COUNT),
    Figure("lights_grey", _("暂停（灰灯）"), _("当前项目中处于暂停的"), COUNT),
    Figure(
        "problems_open",
        _("未销号问题"),
        _("截至所选月份月末（当月为今天）未销号、未作废的问题"),
        COUNT,
    ),
    Figure(
        "problems_overdue",
        _("逾期问题"),
        _("未销号问题中已过办结时限的"),
        COUNT,
    ),
]
BY_KEY = {figure.key: figure for figure in FIGURES}

# A project's figure (not a programme month's): the report form and page, the month
# summary and its export, the API's `since_start_total` and the ledger's 累计完成投资 all
# read it through `since_start` (its module says how it is kept and why).
SINCE_START = Figure(
    "since_start",
    _("开工累计完成投资"),
    _(
        "项目首份月报之前台账上的累计完成投资，加上此后至所选月份办公室已采纳月报的当月完成投资；"
        "月报的开工累计在提交时计算、采纳时确定，之后不再变化；台账上的累计完成投资即今天的开工累计"
    ),
    _("万元"),
)
PROJECT_FIGURES = [SINCE_START]


def headline(programme, month: datetime.date, *, user=None, measures=None) -> dict:
    """{figure key: value} for `programme` in `month` (Decimal or int; None where there
    is nothing to divide by). `user` limits the problems to those they may see."""
    measures = measures if measures is not None else project_measures(programme, month)
    lights = warning_lights.project_lights(programme, month, measures=measures)
    (total,) = rollup(measures, "programme") or [None]
    counts = warning_lights.count_lights(lights)
    paused = sum(1 for m in measures.values() if m.paused)
    reports = total.reports if total else dict.fromkeys((ON_TIME, LATE, MISSING, PENDING), 0)
    values = {
        "projects": len(measures),
        "paused": paused,
        "measured": len(measures) - paused,
        "annual_target": total.annual_target if total else None,
        "ytd_completed": total.ytd_completed if total else None,
        "completion_rate": total.completion_rate if total else None,
        "elapsed": total.elapsed if total else None,
        "new_projects": total.new_projects if total else 0,
        "started": total.started if total else 0,
        "reports_on_time": reports[ON_TIME],
        "reports_late": reports[LATE],
        "reports_missing": reports[MISSING],
        "reports_pending": reports[PENDING],
        "report_rate": total.report_rate if total else None,
        **{f"lights_{color}": counts[color] for color in warning_lights.COLORS},
        "problems_open": None,
        "problems_overdue": None,
    }
    for provided in collect("headline_figures", user, programme, month):
        values.update(provided)
    return values


def paused_projects(programme, month: datetime.date | None = None) -> tuple[datetime.date, set]:
    """The month (default: the one the dashboard opens on) and the ids of the projects
    paused in it: the projects every rollup leaves out (`ProjectMeasures.paused`, one
    query). Pages that list the current ledger (the ledger list, the battle map) take
    them from here to state their figures the registry's way."""
    month = month or default_month(programme)
    pauses = pauses_in(month, timezone.now()).filter(
        project__programme=programme, project__archived_at__isnull=True
    )
    return month, set(pauses.values_list("project_id", flat=True))
