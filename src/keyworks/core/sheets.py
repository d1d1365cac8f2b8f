"""Writing the tables offices exchange as .xlsx: a title row, a note row (unit, date), one
header row, body rows with 小计/合计 rows between them; amounts as numbers; the header
frozen and repeated on every printed page; landscape, fitted to the page width.

Streams in openpyxl's write-only mode, so 10,000 rows take seconds and little memory.
Text is always written as text (never a formula or an error code), with Excel's quote
prefix on text starting with = + - @, so a cell such as "=HYPERLINK(…)" cannot run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .marks import mark_sheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_TEXT = 32767
HEADER_ROW = 3  # 1: title, 2: note, 3: header
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
KINDS = ("text", "short", "money", "percent", "date", "int")


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str  # text (wrapped), short (centred), money, percent (a number of points), date, int
    value: Callable[[Any], Any] = lambda row: None


class TableSheet:
    """One worksheet of a workbook in the office layout. Style arrays are built once and
    shared by every cell (assigning Font/Border objects cell by cell costs a hash lookup
    per attribute, which dominated a 10,000-row export)."""

    def __init__(
        self, wb: Workbook, title: str, columns: Sequence[Column], *, freeze="C", demo=False
    ):
        """`demo`: the sheet shows a demo programme (演示数据 in the page header)."""
        self.columns = list(columns)
        self.ws = ws = wb.create_sheet(str(title)[:31])
        if hasattr(ws, "_values_to_row"):
            ws._values_to_row = _append_cells
        thin = Side(style="thin", color="808080")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        base, bold = Font(name="宋体", size=10), Font(name="宋体", size=10, bold=True)
        grey = PatternFill("solid", fgColor="D9D9D9")
        light = PatternFill("solid", fgColor="F2F2F2")
        wrap = Alignment(vertical="center", wrap_text=True)
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        right = Alignment(horizontal="right", vertical="center")

        def make(font=base, fill=None, alignment=wrap, number_format=None, edge=border):
            cell = WriteOnlyCell(ws)
            cell.font = font
            if fill is not None:
                cell.fill = fill
            if edge is not None:
                cell.border = edge
            cell.alignment = alignment
            if number_format:
                cell.number_format = number_format
            return cell._style

        def styles(font, fill) -> dict[str, Any]:
            return {
                "text": make(font, fill),
                "short": make(font, fill, centre),
                "money": make(font, fill, right, "#,##0.00"),
                "percent": make(font, fill, right, "0.0"),
                "date": make(font, fill, centre, "yyyy-mm-dd"),
                "int": make(font, fill, centre, "0"),
            }

        self.title_style = make(Font(name="黑体", size=16, bold=True), alignment=centre, edge=None)
        self.note_style = make(alignment=right, edge=None)
        self.header_style = make(bold, grey, centre)
        body, total = styles(base, None), styles(bold, light)
        self.body = [body[c.kind] for c in self.columns]
        self.total = [total[c.kind] for c in self.columns]
        self._set_up(freeze)
        mark_sheet(ws, demo)

    def _set_up(self, freeze: str) -> None:
        ws = self.ws
        for index, column in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = f"{freeze}{HEADER_ROW + 1}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A3
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        last = get_column_letter(len(self.columns))
        ws.merged_cells.add(f"A1:{last}1")
        ws.merged_cells.add(f"A2:{last}2")

    def heading(self, title: str, note: str) -> None:
        """The title row, the note row (e.g. 单位：万元) and the header row."""
        self.ws.row_dimensions[1].height = 30
        self.ws.append([self.cell(title, self.title_style)])
        self.ws.append([self.cell(note, self.note_style)])
        self.ws.row_dimensions[HEADER_ROW].height = 32
        self.ws.append([self.cell(c.header, self.header_style) for c in self.columns])

    def row(self, values: Sequence[Any]) -> None:
        self.ws.append([self.cell(v, s) for v, s in zip(values, self.body, strict=True)])

    def total_row(self, values: Sequence[Any]) -> None:
        """A 小计 / 合计 row: bold on a light fill."""
        self.ws.append([self.cell(v, s) for v, s in zip(values, self.total, strict=True)])

    def cell(self, value, style) -> WriteOnlyCell:
        """A styled cell. `style` is shared, never mutated: values are bound directly so
        openpyxl does not adjust the number format, and a quote prefix gets a copy."""
        cell = WriteOnlyCell(self.ws)
        cell._style = style
        if isinstance(value, Promise):  # a lazy message: in the language active now
            value = str(value)
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_TEXT]
            cell._value, cell.data_type = text, "s"
            if text.startswith(_FORMULA_PREFIXES):
                cell._style = copy(style)
                cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
        elif isinstance(value, bool):
            cell._value, cell.data_type = value, "b"
        elif isinstance(value, Decimal | int | float):
            cell._value, cell.data_type = value, "n"
        elif isinstance(value, dt.date):
            cell._value, cell.data_type = value, "d"
        elif value is not None:
            cell._value, cell.data_type = str(value), "s"
        return cell


def _append_cells(cells, row_idx):
    """Replacement for WriteOnlyWorksheet._values_to_row when every item is a cell.

    The stock version first tries to assign each cell as a value, which raises and
    formats the cell's repr before falling back: a third of the export time."""
    for col_idx, cell in enumerate(cells, 1):
        cell.column = col_idx
        cell.row = row_idx
        yield cell
