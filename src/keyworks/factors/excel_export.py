"""Export the factor guarantee list (要素保障清单) as .xlsx in the office layout
(`core.sheets`): a title row naming the as-of date, a note row with the export date, the
items, then one 合计 row per kind and unit (amounts in different units are never added)."""

import datetime as dt
from typing import IO

from openpyxl import Workbook

from keyworks.core.calendar import local_today
from keyworks.core.sheets import Column, TableSheet

from .services import totals_by_kind

COLUMNS = [
    Column("序号", 6, "int"),
    Column("项目名称", 28, "text"),
    Column("要素类别", 14, "short"),
    Column("计量单位", 10, "short"),
    Column("需求量", 12, "money"),
    Column("已保障", 12, "money"),
    Column("缺口", 12, "money"),
    Column("责任单位", 24, "text"),
    Column("保障时限", 12, "date"),
    Column("状态", 10, "short"),
    Column("备注", 30, "text"),
]


def list_title(programme, today: dt.date) -> str:
    return f"{programme.name}要素保障清单（截至{today.year}年{today.month}月{today.day}日）"


def status_text(item, today: dt.date) -> str:
    if item.is_overdue(today):
        return "逾期未保障"
    return "有缺口" if item.has_shortfall else "已保障"


def write_factors_xlsx(programme, items, fileobj: IO[bytes], *, today: dt.date) -> int:
    """Write `items` as they stood on `today` (the list's as-of day); return their number."""
    items = list(items)
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, "要素保障清单", COLUMNS, demo=programme.is_demo)
    sheet.heading(list_title(programme, today), f"导出日期：{local_today():%Y-%m-%d}")
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
                f"合计：{total.kind_label}（{total.count}项）",
                total.kind_label,
                total.unit_label,
                total.demand,
                total.secured,
                total.shortfall,
                None,
                None,
                f"缺口{total.short_count}项",
                None,
            ]
        )
    wb.save(fileobj)
    return len(items)
