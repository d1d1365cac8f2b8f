"""Export the factor guarantee list as .xlsx: a title row, a frozen header, the items,
then totals per kind and unit. Text is written as text (no formulas)."""

import datetime as dt
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from keyworks.coordination.excel_export import _set as set_cell

from .services import totals_by_kind

HEADERS = [
    ("序号", 6),
    ("项目名称", 28),
    ("要素类别", 14),
    ("计量单位", 10),
    ("需求量", 12),
    ("已保障", 12),
    ("缺口", 12),
    ("责任单位", 24),
    ("保障时限", 12),
    ("状态", 10),
    ("备注", 30),
]
HEADER_ROW = 2
NUMBER = "#,##0.00"


def list_title(programme, today: dt.date) -> str:
    return f"{programme.name}要素保障清单（截至{today.year}年{today.month}月{today.day}日）"


def status_text(item, today: dt.date) -> str:
    if item.is_overdue(today):
        return "逾期未保障"
    return "有缺口" if item.has_shortfall else "已保障"


def write_factors_xlsx(programme, items, fileobj: IO[bytes], *, today: dt.date) -> int:
    items = list(items)
    wb = Workbook()
    ws = wb.active
    ws.title = "要素保障清单"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=10)
    body = (font, Alignment(vertical="center", wrap_text=True), border)
    centre = (font, Alignment(horizontal="center", vertical="center", wrap_text=True), border)
    right = (font, Alignment(horizontal="right", vertical="center"), border)
    bold = Font(name="宋体", size=10, bold=True)
    header = (bold, Alignment(horizontal="center", vertical="center", wrap_text=True), border)
    title = (Font(name="黑体", size=16, bold=True), Alignment(horizontal="center"), None)
    for index, (_label, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    set_cell(ws.cell(1, 1), list_title(programme, today), style=title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.row_dimensions[1].height = 30
    grey = PatternFill("solid", fgColor="D9D9D9")
    for index, (label, _width) in enumerate(HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, index)
        set_cell(cell, label, style=header)
        cell.fill = grey
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    row = HEADER_ROW
    for count, item in enumerate(items, start=1):
        row = HEADER_ROW + count
        values = [
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
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col)
            style = right if col in (5, 6, 7) else centre if col in (1, 3, 4, 9, 10) else body
            set_cell(cell, value, style=style)
            if col in (5, 6, 7):
                cell.number_format = NUMBER
            elif col == 9:
                cell.number_format = "yyyy-mm-dd"
    for total in totals_by_kind(items):
        row += 1
        values = [
            "",
            f"合计：{total.kind_label}（{total.count}项）",
            total.kind_label,
            total.unit_label,
            total.demand,
            total.secured,
            total.shortfall,
            "",
            "",
            f"缺口{total.short_count}项",
            "",
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col)
            set_cell(cell, value, style=right if col in (5, 6, 7) else centre)
            cell.font = bold
            if col in (5, 6, 7):
                cell.number_format = NUMBER
    wb.save(fileobj)
    return len(items)
