"""Export the problem list (任务问题清单) as .xlsx in the office layout (`core.sheets`):
序号, 项目名称, 问题描述, 责任单位, 办理时限, 进展情况, 状态, with a title row naming the
as-of date and a note row with the export date."""

import datetime as dt
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from keyworks.core.sheets import Column, TableSheet

from .models import ProblemStatus

COLUMNS = [
    Column(gettext_lazy("序号"), 6, "int"),
    Column(gettext_lazy("项目名称"), 24, "text"),
    Column(gettext_lazy("问题描述"), 44, "text"),
    Column(gettext_lazy("责任单位"), 24, "text"),
    Column(gettext_lazy("办理时限"), 12, "date"),
    Column(gettext_lazy("进展情况"), 40, "text"),
    Column(gettext_lazy("状态"), 12, "short"),
]
STATUS_LABELS = dict(ProblemStatus.choices)


def list_title(programme, as_of: dt.date | None, today: dt.date) -> str:
    day = as_of or today
    return _("%(programme)s任务问题清单（截至%(date)s）") % {
        "programme": programme.name,
        "date": _("%(year)s年%(month)s月%(day)s日")
        % {"year": day.year, "month": day.month, "day": day.day},
    }


def units_text(problem) -> str:
    lead = problem.lead_unit.name if problem.lead_unit else _("未交办")
    assisting = [u.name for u in problem.assisting_units.all()]
    if assisting:
        return _("牵头：%(lead)s；配合：%(assisting)s") % {
            "lead": lead,
            "assisting": "、".join(assisting),
        }
    return _("牵头：%(lead)s") % {"lead": lead}


def write_problems_xlsx(programme, problems, fileobj: IO[bytes], *, as_of=None, today=None) -> int:
    """Write `problems` (annotated by filters.with_state) to `fileobj`; return the count."""
    today = today or dt.date.today()
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, _("任务问题清单"), COLUMNS, demo=programme.is_demo)
    sheet.heading(
        list_title(programme, as_of, today), _("导出日期：%(date)s") % {"date": f"{today:%Y-%m-%d}"}
    )
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
