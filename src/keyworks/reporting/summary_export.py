"""The month's summary (月报汇总表) as .xlsx: projects by category, a 小计 row per category
and a 合计 row, amounts in 万元, rates and gaps in percentage points."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from keyworks.core.sheets import Column, TableSheet

from .summary import MonthSummary, SummaryRow

COLUMNS = [
    Column(gettext_lazy("序号"), 6, "int"),
    Column(gettext_lazy("项目名称"), 30, "text"),
    Column(gettext_lazy("所在县(市、区)"), 13, "short"),
    Column(gettext_lazy("专班"), 16, "text"),
    Column(gettext_lazy("年度目标（万元）"), 13, "money"),
    Column(gettext_lazy("当月完成（万元）"), 13, "money"),
    Column(gettext_lazy("年度累计完成（万元）"), 14, "money"),
    Column(gettext_lazy("开工累计完成（万元）"), 14, "money"),
    Column(gettext_lazy("年度完成率（%）"), 10, "percent"),
    Column(gettext_lazy("序时进度（%）"), 10, "percent"),
    Column(gettext_lazy("与序时进度差距（百分点）"), 12, "percent"),
    Column(gettext_lazy("预警"), 8, "short"),
    Column(gettext_lazy("月报"), 10, "short"),
    Column(gettext_lazy("形象进度"), 44, "text"),
]


def summary_title(summary: MonthSummary) -> str:
    month = summary.month
    return _("%(programme)s%(year)s年%(month)s月推进情况汇总表") % {
        "programme": summary.programme.name,
        "year": month.year,
        "month": month.month,
    }


def export_filename(summary: MonthSummary) -> str:
    return f"月报汇总-{summary.programme.code}-{summary.month:%Y%m}.xlsx"


def _project_values(row: SummaryRow) -> list:
    m = row.m
    return [
        m.seq,
        m.name,
        "、".join(name for _pk, name, _key in m.districts),
        m.task_force,
        m.annual_target,
        row.month_completed,
        m.ytd_completed,
        row.since_start,
        m.completion_rate,
        m.elapsed,
        m.gap,
        row.light.label,
        row.report_status,
        row.progress_text,
    ]


def _total_values(label: str, text: str, totals, month_completed) -> list:
    if totals is None:  # every project of the group is paused
        return [label, text] + [None] * (len(COLUMNS) - 2)
    return [
        label,
        text,
        None,
        None,
        totals.annual_target,
        month_completed,
        totals.ytd_completed,
        None,  # 开工累计 is each project's own figure: not summed
        totals.completion_rate,
        totals.elapsed,
        totals.gap,
        None,
        _("按时 %(on_time)s/%(projects)s")
        % {"on_time": totals.reports["on_time"], "projects": totals.projects},
        None,
    ]


def write_summary_xlsx(summary: MonthSummary, fileobj: IO[bytes], *, today: dt.date) -> int:
    """Write the summary to `fileobj`; return the number of project rows."""
    wb = Workbook(write_only=True)
    sheet = TableSheet(
        wb,
        _("%(year)s年%(month)s月汇总")
        % {"year": summary.month.year, "month": f"{summary.month:%m}"},
        COLUMNS,
        demo=summary.programme.is_demo,
    )
    note = _(
        "单位：万元；年度累计只计入已采纳的月报；开工累计为首份月报前台账累计完成投资加此后已采纳"
        "月报，取该月月报采纳时确定的数；暂停项目列出但不计入小计与合计　"
        "导出日期：%(today)s"
    ) % {"today": f"{today:%Y-%m-%d}"}
    sheet.heading(summary_title(summary), note)
    count = 0
    for group in summary.groups:
        for row in group.rows:
            sheet.row(_project_values(row))
            count += 1
        counted = group.totals.projects if group.totals else 0
        sheet.total_row(
            _total_values(
                _("小计"),
                _("%(group)s（%(n)s个项目，计入%(counted)s个）")
                % {"group": group.label, "n": len(group.rows), "counted": counted},
                group.totals,
                group.month_completed,
            )
        )
    sheet.total_row(
        _total_values(
            _("合计"),
            _("共%(n)s个项目") % {"n": count},
            summary.total,
            summary.month_completed,
        )
    )
    wb.save(fileobj)
    return count
