"""Export the decision list (调度会议定事项清单) as .xlsx in the layout offices circulate:
序号, 项目名称, 议定事项, 责任单位, 完成时限, 进展情况, 状态, with a title row naming the
as-of date. Rows come from `filters.filter_decisions` + `label_rows`."""

import datetime as dt
from typing import IO

from openpyxl import Workbook

from keyworks.core.sheets import XLSX_CONTENT_TYPE, Column, TableSheet

__all__ = ["XLSX_CONTENT_TYPE", "export_filename", "list_title", "write_decisions_xlsx"]

COLUMNS = [
    Column("序号", 6, "int"),
    Column("项目名称", 26, "text"),
    Column("议定事项", 48, "text"),
    Column("责任单位", 22, "text"),
    Column("完成时限", 12, "date"),
    Column("进展情况", 44, "text"),
    Column("状态", 14, "short"),
]


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def list_title(programme, day: dt.date) -> str:
    return f"{programme.name}调度会议定事项清单（截至{cn_date(day)}）"


def export_filename(programme, day: dt.date) -> str:
    return f"议定事项清单-{programme.code}-{day:%Y%m%d}.xlsx"


def status_text(decision) -> str:
    return f"{decision.status_label}（逾期）" if decision.overdue else str(decision.status_label)


def write_decisions_xlsx(programme, rows, fileobj: IO[bytes], *, day: dt.date, today: dt.date):
    """Write the labelled rows to `fileobj`; return their number."""
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, "议定事项清单", COLUMNS)
    sheet.heading(list_title(programme, day), f"导出日期：{today:%Y-%m-%d}")
    count = 0
    for count, d in enumerate(rows, start=1):
        sheet.row(
            [
                count,
                d.project_name or "",
                d.text_then or d.text,
                d.lead_unit.name,
                d.deadline,
                d.progress_then or "",
                status_text(d),
            ]
        )
    wb.save(fileobj)
    return count
