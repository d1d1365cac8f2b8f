"""Export the task list (督办事项清单) as .xlsx in the office layout (`core.sheets`):
序号, 类型, 事项内容, 项目/事项, 交办人, 责任单位, 交办日期, 办理时限, 反馈情况, 状态, with a
title row naming the as-of date and a note row with the export date."""

import datetime as dt
from typing import IO

from openpyxl import Workbook

from keyworks.core.sheets import Column, TableSheet

from .models import Task, TaskKind, TaskStatus

COLUMNS = [
    Column("序号", 6, "int"),
    Column("类型", 12, "short"),
    Column("事项内容", 44, "text"),
    Column("项目/事项", 24, "text"),
    Column("交办人", 10, "short"),
    Column("责任单位", 24, "text"),
    Column("交办日期", 12, "date"),
    Column("办理时限", 12, "date"),
    Column("反馈情况", 40, "text"),
    Column("状态", 14, "short"),
]
KIND_LABELS = dict(TaskKind.choices)
STATUS_LABELS = dict(TaskStatus.choices)


def list_title(programme, day: dt.date) -> str:
    return f"{programme.name}督办事项清单（截至{day.year}年{day.month}月{day.day}日）"


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
    return f"{label}（逾期）" if Task.was_overdue(task.status_then, task.deadline, day) else label


def write_tasks_xlsx(programme, tasks, fileobj: IO[bytes], *, as_of=None, today=None) -> int:
    """Write `tasks` (annotated by filters.with_state) to `fileobj`; return the count."""
    today = today or dt.date.today()
    day = as_of or today
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, "督办事项清单", COLUMNS, demo=programme.is_demo)
    sheet.heading(list_title(programme, day), f"导出日期：{today:%Y-%m-%d}")
    count = 0
    for count, task in enumerate(tasks, start=1):
        sheet.row(
            [
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
        )
    wb.save(fileobj)
    return count
