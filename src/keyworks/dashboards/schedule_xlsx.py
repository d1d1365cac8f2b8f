"""The schedule chart as an .xlsx Gantt sheet (作战图导出).

One row per milestone (a project without milestones gets one row of its own): project,
category, milestone, planned and actual dates, state, warning light, then one column per
month with filled cells — blue in the planned month, green (on time) or orange (late) in
the actual month, red from the planned month to this month while overdue. Frozen panes
at the first month column, header repeated on every printed page, A3 landscape fitted to
the page width. Written in openpyxl's write-only mode (10,000 projects stay cheap), text
never as a formula (`core.xlsx.escape_formula`).
"""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from keyworks.core.marks import mark_sheet
from keyworks.core.xlsx import escape_formula
from keyworks.reporting import lights as warning_lights

from .schedule import DONE, LATE, OVERDUE, STATE_LABELS, Schedule

FIXED = [
    (gettext_lazy("序号"), 6),
    (gettext_lazy("项目名称"), 30),
    (gettext_lazy("项目类别"), 12),
    (gettext_lazy("节点"), 22),
    (gettext_lazy("计划完成"), 11),
    (gettext_lazy("实际完成"), 11),
    (gettext_lazy("状态"), 12),
    (gettext_lazy("预警灯"), 7),
]
HEADER_ROW = 3
MAX_MONTHS = 60
FILLS = {"plan": "9EC5FE", DONE: "8CE99A", LATE: "FFC078", OVERDUE: "FF8787"}


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    first, last = month_index(start), min(month_index(end), month_index(start) + MAX_MONTHS - 1)
    return [dt.date(i // 12, i % 12 + 1, 1) for i in range(first, last + 1)]


def export_filename(programme, today: dt.date) -> str:
    return _("%(programme)s作战图_%(date)s.xlsx") % {
        "programme": programme.name,
        "date": f"{today:%Y%m%d}",
    }


class _Cells:
    def __init__(self, ws) -> None:
        thin = Side(style="thin", color="A0A0A0")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        font = Font(name="宋体", size=10)
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.ws = ws
        self.styles = {}

        def make(key, *, font=font, fill=None, alignment=centre, number_format=None, edge=border):
            cell = WriteOnlyCell(ws)
            cell.font = font
            cell.alignment = alignment
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if edge is not None:
                cell.border = edge
            if number_format:
                cell.number_format = number_format
            self.styles[key] = cell._style

        make("title", font=Font(name="黑体", size=16, bold=True), edge=None)
        make("note", alignment=Alignment(horizontal="right"), edge=None)
        make("header", font=Font(name="宋体", size=10, bold=True), fill="D9D9D9")
        make("today", font=Font(name="宋体", size=10, bold=True), fill="FFE066")
        make("text", alignment=Alignment(vertical="center", wrap_text=True))
        make("centre")
        make("date", number_format="yyyy-mm-dd")
        for key, colour in FILLS.items():
            make(key, fill=colour)

    def __call__(self, value, style: str = "centre") -> WriteOnlyCell:
        """A styled cell; values bound directly (openpyxl's setter costs a type check)."""
        cell = WriteOnlyCell(self.ws)
        cell._style = self.styles[style]
        if isinstance(value, str):
            cell._value = escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
        elif isinstance(value, dt.date):
            cell._value, cell.data_type = value, "d"
        elif isinstance(value, int | float):
            cell._value, cell.data_type = value, "n"
        elif value is not None:
            cell._value, cell.data_type = str(value), "s"
        return cell


def _cells_to_row(values, row_idx):
    """Like the ledger export's `_append_cells`: place the cells, skip empty positions
    (None), without openpyxl's try-the-value-first detour."""
    for col_idx, cell in enumerate(values, 1):
        if cell is None:
            continue
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def _month_cells(cells, months, planned, actual, state, today) -> list:
    """One position per month: a filled cell where something happens, else None (an
    empty cell costs nothing; 10,000 projects × 5 milestones × 24 months add up)."""
    first = month_index(months[0])
    marks: dict[int, str] = {}
    if planned:
        marks[month_index(planned) - first] = "plan"
    if state == OVERDUE and planned:
        for i in range(month_index(planned) - first, month_index(today) - first + 1):
            marks[i] = OVERDUE
    if actual:
        marks[month_index(actual) - first] = state
    row: list = [None] * len(months)
    for i, style in marks.items():
        if 0 <= i < len(months):
            row[i] = cells("", style)
    return row


def write_schedule_xlsx(programme, schedule: Schedule, fileobj: IO[bytes]) -> int:
    """Write the schedule as a Gantt-like sheet; return the number of milestone rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("作战图"))
    if hasattr(ws, "_values_to_row"):
        ws._values_to_row = _cells_to_row
    cells = _Cells(ws)
    start, end = schedule.date_range()
    months = months_between(start, end)
    width = len(FIXED) + len(months)
    for index, (_label, column_width) in enumerate(FIXED, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column_width
    for index in range(len(FIXED) + 1, width + 1):
        ws.column_dimensions[get_column_letter(index)].width = 5
    first_month = get_column_letter(len(FIXED) + 1)
    ws.freeze_panes = f"{first_month}{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = True  # empty month cells have no border of their own
    ws.oddFooter.center.text = _("第 &P 页，共 &N 页")
    mark_sheet(ws, programme.is_demo)
    last = get_column_letter(width)
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")

    today = schedule.today
    ws.row_dimensions[1].height = 28
    title = _("%(programme)s作战图（倒排工期）") % {"programme": programme.name}
    ws.append([cells(title, "title")])
    legend = _("图例：蓝=计划完成月 绿=按期完成 橙=逾期完成 红=逾期未完成　截至 %(date)s")
    ws.append([cells(legend % {"date": f"{today:%Y-%m-%d}"}, "note")])
    this_month = month_index(today)
    ws.append(
        [cells(str(label), "header") for label, _w in FIXED]
        + [
            cells(f"{m:%Y-%m}", "today" if month_index(m) == this_month else "header")
            for m in months
        ]
    )
    count = 0
    for row in schedule.rows:
        light = warning_lights.LABELS.get(row.light, "") if row.light else ""
        items = row.milestones or [None]
        for m in items:
            planned = (m.derived or m.planned) if m else None
            actual = m.actual if m else None
            state = m.state if m else None
            ws.append(
                [
                    cells(row.seq),
                    cells(row.name, "text"),
                    cells(row.category),
                    cells(m.name if m else _("（无节点）"), "text"),
                    cells(planned, "date"),
                    cells(actual, "date"),
                    cells(str(STATE_LABELS[state]) if state else ""),
                    cells(light),
                    *_month_cells(cells, months, planned, actual, state, today),
                ]
            )
            count += 1
    wb.save(fileobj)
    return count
