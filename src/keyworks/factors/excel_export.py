"""Export the factor guarantee list (要素保障清单) as .xlsx in the office layout
(`core.sheets`): a title row naming the as-of date, a note row with the export date, the
items, then one 合计 row per kind and unit (amounts in different units are never added)."""

import datetime as dt
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from keyworks.core.calendar import local_today
from keyworks.core.sheets import Column, TableSheet

from .services import totals_by_kind

COLUMNS = [
    Column(gettext_lazy("序号"), 6, "int"),
    Column(gettext_lazy("项目名称"), 28, "text"),
    Column(gettext_lazy("要素类别"), 14, "short"),
    Column(gettext_lazy("计量单位"), 10, "short"),
    Column(gettext_lazy("需求量"), 12, "money"),
    Column(gettext_lazy("已保障"), 12, "money"),
    Column(gettext_lazy("缺口"), 12, "money"),
    Column(gettext_lazy("责任单位"), 24, "text"),
    Column(gettext_lazy("保障时限"), 12, "date"),
    Column(gettext_lazy("状态"), 10, "short"),
    Column(gettext_lazy("备注"), 30, "text"),
]


def list_title(programme, today: dt.date) -> str:
    parts = {"year": today.year, "month": today.month, "day": today.day}
    date = _("%(year)s年%(month)s月%(day)s日") % parts
    title = _("%(programme)s要素保障清单（截至%(date)s）")
    return title % {"programme": programme.name, "date": date}


def status_text(item, today: dt.date) -> str:
    if item.is_overdue(today):
        return _("逾期未保障")
    return _("有缺口") if item.has_shortfall else _("已保障")


def write_factors_xlsx(programme, items, fileobj: IO[bytes], *, today: dt.date) -> int:
    """Write `items` as they stood on `today` (the list's as-of day); return their number."""
    items = list(items)
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, _("要素保障清单"), COLUMNS, demo=programme.is_demo)
    exported = _("导出日期：%(date)s") % {"date": f"{local_today():%Y-%m-%d}"}
    sheet.heading(list_title(programme, today), exported)
    for count, item in enumerate(items, start=1):
        sheet.row(
            [
                count,
                item.project.name,
                item.kind_label,
                item.unit_label,
                item.demand,
                item.secured,
                item.shortfall,
                item.responsible_unit.name if item.responsible_unit else "",
                item.deadline,
                status_text(item, today),
                item.note,
            ]
        )
    for total in totals_by_kind(items):
        sheet.total_row(
            [
                None,
                _("合计：%(kind)s（%(count)s项）")
                % {"kind": total.kind_label, "count": total.count},
                total.kind_label,
                total.unit_label,
                total.demand,
                total.secured,
                total.shortfall,
                None,
                None,
                _("缺口%(count)s项") % {"count": total.short_count},
                None,
            ]
        )
    wb.save(fileobj)
    return len(items)
