"""Export the problem list as .xlsx in the layout offices circulate:
序号, 项目名称, 问题描述, 责任单位, 办理时限, 进展情况, 状态 — a title row, a frozen header,
text always written as text (quote prefix on = + - @) so nothing runs as a formula."""

import datetime as dt
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .models import ProblemStatus

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    ("序号", 6),
    ("项目名称", 24),
    ("问题描述", 44),
    ("责任单位", 24),
    ("办理时限", 12),
    ("进展情况", 40),
    ("状态", 12),
]
HEADER_ROW = 2
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = dict(ProblemStatus.choices)


def list_title(programme, as_of: dt.date | None, today: dt.date) -> str:
    day = as_of or today
    return f"{programme.name}任务问题清单（截至{day.year}年{day.month}月{day.day}日）"


def units_text(problem) -> str:
    lead = problem.lead_unit.name if problem.lead_unit else "未交办"
    assisting = [u.name for u in problem.assisting_units.all()]
    if assisting:
        return f"牵头：{lead}；配合：{'、'.join(assisting)}"
    return f"牵头：{lead}"


def _set(cell, value, *, style) -> None:
    font, alignment, border = style
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
        cell.value = text
        cell.data_type = "s"  # never a formula or an error code
        if text.startswith(_FORMULA_PREFIXES):
            cell.quotePrefix = True
    else:
        cell.value = value
    cell.font, cell.alignment = font, alignment
    if border is not None:
        cell.border = border


def write_problems_xlsx(programme, problems, fileobj: IO[bytes], *, as_of=None, today=None) -> int:
    """Write `problems` (annotated by filters.with_state) to `fileobj`; return the count."""
    today = today or dt.date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = "任务问题清单"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = (Font(name="宋体", size=10), Alignment(vertical="center", wrap_text=True), border)
    centre = (
        Font(name="宋体", size=10),
        Alignment(horizontal="center", vertical="center", wrap_text=True),
        border,
    )
    header = (
        Font(name="宋体", size=10, bold=True),
        Alignment(horizontal="center", vertical="center", wrap_text=True),
        border,
    )
    title = (Font(name="黑体", size=16, bold=True), Alignment(horizontal="center"), None)
    for index, (_label, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    _set(ws.cell(1, 1), list_title(programme, as_of, today), style=title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.row_dimensions[1].height = 30
    grey = PatternFill("solid", fgColor="D9D9D9")
    for index, (label, _width) in enumerate(HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, index)
        _set(cell, label, style=header)
        cell.fill = grey
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    count = 0
    for count, problem in enumerate(problems, start=1):
        row = HEADER_ROW + count
        values = [
            count,
            problem.project.name,
            problem.description,
            units_text(problem),
            problem.deadline,
            problem.progress or problem.resolution_note or "",
            str(STATUS_LABELS.get(problem.status_then, problem.status_then or "")),
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col)
            _set(cell, value, style=centre if col in (1, 5, 7) else body)
            if col == 5:
                cell.number_format = "yyyy-mm-dd"
    wb.save(fileobj)
    return count
