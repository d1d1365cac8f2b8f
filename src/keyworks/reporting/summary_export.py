"""The month's summary (月报汇总表) as .xlsx: projects by category, a 小计 row per category
and a 合计 row, amounts in 万元, rates and gaps in percentage points."""

from __future__ import annotations

import datetime as dt
from typing import IO

from openpyxl import Workbook

from keyworks.core.sheets import Column, TableSheet

from .summary import MonthSummary, SummaryRow

COLUMNS = [
    Column("序号", 6, "int"),
    Column("项目名称", 30, "text"),
    Column("所在县(市、区)", 13, "short"),
    Column("专班", 16, "text"),
    Column("年度目标（万元）", 13, "money"),
    Column("当月完成（万元）", 13, "money"),
    Column("年度累计完成（万元）", 14, "money"),
    Column("开工累计完成（万元）", 14, "money"),
    Column("年度完成率（%）", 10, "percent"),
    Column("序时进度（%）", 10, "percent"),
    Column("与序时进度差距（百分点）", 12, "percent"),
    Column("预警", 8, "short"),
    Column("月报", 10, "short"),
    Column("形象进度", 44, "text"),
]


def summary_title(summary: MonthSummary) -> str:
    month = summary.month
    return f"{summary.programme.name}{month.year}年{month.month}月推进情况汇总表"


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
        f"按时 {totals.reports['on_time']}/{totals.projects}",
        None,
    ]


def write_summary_xlsx(summary: MonthSummary, fileobj: IO[bytes], *, today: dt.date) -> int:
    """Write the summary to `fileobj`; return the number of project rows."""
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, f"{summary.month:%Y年%m月}汇总", COLUMNS, demo=summary.programme.is_demo)
    note = (
        "单位：万元；年度累计只计入已采纳的月报；开工累计为首份月报前台账累计完成投资加此后已采纳"
        "月报，取该月月报采纳时确定的数；暂停项目列出但不计入小计与合计　"
        f"导出日期：{today:%Y-%m-%d}"
    )
    sheet.heading(summary_title(summary), note)
    count = 0
    for group in summary.groups:
        for row in group.rows:
            sheet.row(_project_values(row))
            count += 1
        counted = group.totals.projects if group.totals else 0
        sheet.total_row(
            _total_values(
                "小计",
                f"{group.label}（{len(group.rows)}个项目，计入{counted}个）",
                group.totals,
                group.month_completed,
            )
        )
    sheet.total_row(
        _total_values("合计", f"共{count}个项目", summary.total, summary.month_completed)
    )
    wb.save(fileobj)
    return count
