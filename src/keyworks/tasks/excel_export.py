"""Export the task list (督办事项清单) as .xlsx: a title row, a frozen header row
(序号, 类型, 事项内容, 项目/事项, 交办人, 责任单位, 交办日期, 办理时限, 反馈情况, 状态), text
always written as text (quote prefix on = + - @) so nothing runs as a formula."""

import datetime as dt
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .models import TaskKind, TaskStatus
from .services import is_overdue

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    ("序号", 6),
    ("类型", 12),
    ("事项内容", 44),
    ("项目/事项", 24),
    ("交办人", 10),
    ("责任单位", 24),
    ("交办日期", 12),
    ("办理时限", 12),
    ("反馈情况", 40),
    ("状态", 14),
]
HEADER_ROW = 2
DATE_COLUMNS = (7, 8)
CENTRED = (1, 2, 5, 7, 8, 10)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
KIND_LABELS = dict(TaskKind.choices)
STATUS_LABELS = dict(TaskStatus.choices)


def units_text(task) -> str:
    assisting = [u.name for u in task.assisting_units.all()]
    if assisting:
        return f"牵头：{task.lead_unit.name}；配合：{'、'.join(assisting)}"
    return f"牵头：{task.lead_unit.name}"


def subject_text(task) -> str:
    parts = [task.project.name] if task.project_id else []
    if task.subject_label:
        parts.append(task.subject_label)
    return "；".join(parts)


def status_text(task, day: dt.date) -> str:
    label = str(STATUS_LABELS.get(task.status_then, task.status_then or ""))
    return f"{label}（逾期）" if is_overdue(task.status_then, task.deadline, day) else label


def _set(cell, value, *, font, alignment, border) -> None:
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


def write_tasks_xlsx(programme, tasks, fileobj: IO[bytes], *, as_of=None, today=None) -> int:
    """Write `tasks` (annotated by filters.with_state) to `fileobj`; return the count."""
    today = today or dt.date.today()
    day = as_of or today
    wb = Workbook()
    ws = wb.active
    ws.title = "督办事项清单"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=10)
    left = Alignment(vertical="center", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, (_label, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    title = f"{programme.name}督办事项清单（截至{day.year}年{day.month}月{day.day}日）"
    _set(
        ws.cell(1, 1),
        title,
        font=Font(name="黑体", size=16, bold=True),
        alignment=Alignment(horizontal="center"),
        border=None,
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.row_dimensions[1].height = 30
    grey = PatternFill("solid", fgColor="D9D9D9")
    bold = Font(name="宋体", size=10, bold=True)
    for index, (label, _width) in enumerate(HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, index)
        _set(cell, label, font=bold, alignment=centre, border=border)
        cell.fill = grey
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    count = 0
    for count, task in enumerate(tasks, start=1):
        values = [
            count,
            str(KIND_LABELS.get(task.kind, task.kind)),
            task.text,
            subject_text(task),
            task.issued_by.full_name or task.issued_by.username,
            units_text(task),
            task.issued_on,
            task.deadline,
            task.answer_then or "",
            status_text(task, day),
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(HEADER_ROW + count, col)
            align = centre if col in CENTRED else left
            _set(cell, value, font=font, alignment=align, border=border)
            if col in DATE_COLUMNS:
                cell.number_format = "yyyy-mm-dd"
    wb.save(fileobj)
    return count
