"""Export the task list (督办事项清单) as .xlsx in the office layout (`core.sheets`):
序号, 类型, 事项内容, 项目/事项, 交办人, 责任单位, 交办日期, 办理时限, 反馈情况, 状态, with a
title row naming the as-of date and a note row with the export date."""

import datetime as dt
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from keyworks.core.sheets import Column, TableSheet

from .models import Task, TaskKind, TaskStatus

COLUMNS = [
    Column(gettext_lazy("序号"), 6, "int"),
    Column(gettext_lazy("类型"), 12, "short"),
    Column(gettext_lazy("事项内容"), 44, "text"),
    Column(gettext_lazy("项目/事项"), 24, "text"),
    Column(gettext_lazy("交办人"), 10, "short"),
    Column(gettext_lazy("责任单位"), 24, "text"),
    Column(gettext_lazy("交办日期"), 12, "date"),
    Column(gettext_lazy("办理时限"), 12, "date"),
    Column(gettext_lazy("反馈情况"), 40, "text"),
    Column(gettext_lazy("状态"), 14, "short"),
]
KIND_LABELS = dict(TaskKind.choices)
STATUS_LABELS = dict(TaskStatus.choices)


def list_title(programme, day: dt.date) -> str:
    parts = {"year": day.year, "month": day.month, "day": day.day}
    date = _("%(year)s年%(month)s月%(day)s日") % parts
    return _("%(programme)s督办事项清单（截至%(date)s）") % {
        "programme": programme.name,
        "date": date,
    }


def units_text(task) -> str:
    assisting = [u.name for u in task.assisting_units.all()]
    if assisting:
        return _("牵头：%(lead)s；配合：%(assisting)s") % {
            "lead": task.lead_unit.name,
            "assisting": "、".join(assisting),
        }
    return _("牵头：%(lead)s") % {"lead": task.lead_unit.name}


def subject_text(task) -> str:
    parts = [task.project.name] if task.project_id else []
    if task.subject_label:
        parts.append(task.subject_label)
    return "；".join(parts)


def status_text(task, day: dt.date) -> str:
    label = str(STATUS_LABELS.get(task.status_then, task.status_then or ""))
    if Task.was_overdue(task.status_then, task.deadline, day):
        return _("%(status)s（逾期）") % {"status": label}
    return label


def write_tasks_xlsx(programme, tasks, fileobj: IO[bytes], *, as_of=None, today=None) -> int:
    """Write `tasks` (annotated by filters.with_state) to `fileobj`; return the count."""
    today = today or dt.date.today()
    day = as_of or today
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, _("督办事项清单"), COLUMNS, demo=programme.is_demo)
    exported = _("导出日期：%(date)s") % {"date": f"{today:%Y-%m-%d}"}
    sheet.heading(list_title(programme, day), exported)
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
