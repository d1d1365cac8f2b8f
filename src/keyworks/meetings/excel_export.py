"""Export the decision list (调度会议定事项清单) as .xlsx in the layout offices circulate:
序号, 项目名称, 议定事项, 责任单位, 完成时限, 进展情况, 状态, with a title row naming the
as-of date. Rows come from `filters.filter_decisions` + `label_rows`."""

import datetime as dt
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from keyworks.core.sheets import XLSX_CONTENT_TYPE, Column, TableSheet

__all__ = ["XLSX_CONTENT_TYPE", "export_filename", "list_title", "write_decisions_xlsx"]

COLUMNS = [
    Column(gettext_lazy("序号"), 6, "int"),
    Column(gettext_lazy("项目名称"), 26, "text"),
    Column(gettext_lazy("议定事项"), 48, "text"),
    Column(gettext_lazy("责任单位"), 22, "text"),
    Column(gettext_lazy("完成时限"), 12, "date"),
    Column(gettext_lazy("进展情况"), 44, "text"),
    Column(gettext_lazy("状态"), 14, "short"),
]


def cn_date(day: dt.date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def list_title(programme, day: dt.date) -> str:
    return _("%(programme)s调度会议定事项清单（截至%(date)s）") % {
        "programme": programme.name,
        "date": cn_date(day),
    }


def export_filename(programme, day: dt.date) -> str:
    return _("议定事项清单-%(code)s-%(date)s.xlsx") % {
        "code": programme.code,
        "date": f"{day:%Y%m%d}",
    }


def status_text(decision) -> str:
    if decision.overdue:
        return _("%(status)s（逾期）") % {"status": decision.status_label}
    return str(decision.status_label)


def write_decisions_xlsx(programme, rows, fileobj: IO[bytes], *, day: dt.date, today: dt.date):
    """Write the labelled rows to `fileobj`; return their number."""
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, _("议定事项清单"), COLUMNS, demo=programme.is_demo)
    sheet.heading(
        list_title(programme, day), _("导出日期：%(date)s") % {"date": f"{today:%Y-%m-%d}"}
    )
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
