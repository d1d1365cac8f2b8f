"""Export the problem list (任务问题清单) as .xlsx in the office layout (`core.sheets`):
序号, 项目名称, 问题描述, 责任单位, 办理时限, 进展情况, 状态, with a title row naming the
as-of date and a note row with the export date."""

import datetime as dt
from typing import IO

from openpyxl import Workbook

from keyworks.core.sheets import Column, TableSheet

from .models import ProblemStatus

COLUMNS = [
    Column("序号", 6, "int"),
    Column("项目名称", 24, "text"),
    Column("问题描述", 44, "text"),
    Column("责任单位", 24, "text"),
    Column("办理时限", 12, "date"),
    Column("进展情况", 40, "text"),
    Column("状态", 12, "short"),
]
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


def write_problems_xlsx(programme, problems, fileobj: IO[bytes], *, as_of=None, today=None) -> int:
    """Write `problems` (annotated by filters.with_state) to `fileobj`; return the count."""
    today = today or dt.date.today()
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, "任务问题清单", COLUMNS, demo=programme.is_demo)
    sheet.heading(list_title(programme, as_of, today), f"导出日期：{today:%Y-%m-%d}")
    count = 0
    for count, problem in enumerate(problems, start=1):
        sheet.row(
            [
                count,
                problem.project.name,
                problem.description,
                units_text(problem),
                problem.deadline,
                problem.progress or problem.resolution_note or "",
                str(STATUS_LABELS.get(problem.status_then, problem.status_then or "")),
            ]
        )
    wb.save(fileobj)
    return count
