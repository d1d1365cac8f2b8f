"""The monthly template (月报填报模板): download it pre-filled, fill in many projects'
reports for one month at once, upload, preview, confirm.

This module writes nothing to the database: it builds the template and parses an upload
into a preview. Once a file without errors is confirmed, `services.apply_month_template`
writes all of it in one transaction, through the report services (the same checks and
audit as the form). Rows are matched to projects by 项目代码, else 项目名称. A row whose
value cells are all blank is left alone (a template may cover more projects than were
filled in); a blank cell never erases what a draft already holds. Reports already
submitted or accepted cannot be changed by an import (that is a correction request).
The task force imports its own projects; the office may import for any project of the
programme (e.g. sheets collected from task forces), still as drafts the task force submits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from keyworks.core import calendar
from keyworks.core.imports import ImportIssue
from keyworks.core.money import format_wan, parse_amount
from keyworks.core.sheets import Column, TableSheet
from keyworks.core.xlsx import (
    XlsxRejected,
    check_xlsx_upload,
    find_header,
    is_blank_row,
    is_total_row,
)
from keyworks.core.xlsx_reader import ErrorValue, read_sheets
from keyworks.ledger.models import Project

from . import services
from .models import EDITABLE_STATUSES, MonthlyReport
from .permissions import can_report

# field -> (template header, other headers offices use)
HEADERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "seq": ("序号", ()),
    "name": ("项目名称", ()),
    "code": ("项目代码", ("国家项目代码",)),
    "completed_this_month": ("当月完成投资（万元）", ("当月完成投资", "本月完成投资", "当月完成")),
    "milestones_reached": ("完成节点及日期", ("完成节点", "完成节点情况")),
    "output_figures": ("实物产出", ("实物工作量",)),
    "progress_text": ("形象进度", ("形象进度情况", "工程形象进度")),
    "next_plan_investment": ("本月计划投资（万元）", ("本月计划投资", "计划投资")),
    "next_plan_milestones": ("本月计划节点", ("计划节点",)),
    "next_plan_content": ("本月工作内容", ("本月计划工作内容", "工作内容")),
}
VALUE_FIELDS = services.DRAFT_FIELDS
MONEY = set(services.MONEY_FIELDS)
MONTH_NOTE_RE = re.compile(r"报告月份[:：]\s*(\d{4})\s*[-年./]\s*(\d{1,2})")
NAME_SPACE_RE = re.compile(r"\s+")


def template_title(programme, month) -> str:
    return f"{programme.name}{month.year}年{month.month}月月报填报模板"


def template_filename(programme, month) -> str:
    return f"月报模板-{programme.code}-{month:%Y%m}.xlsx"


def write_template(programme, month, projects, fileobj: IO[bytes]) -> int:
    """The template for `month`, one row per project, with what drafts already hold."""
    month = calendar.first_of_month(month)
    reports = {
        r.project_id: r for r in MonthlyReport.objects.filter(project__in=projects, month=month)
    }
    widths = {"seq": 6, "name": 30, "code": 25, "completed_this_month": 14}
    kinds = {"seq": "int", "code": "short", "completed_this_month": "money"}
    kinds["next_plan_investment"] = "money"
    columns = [
        Column(header, widths.get(name, 24), kinds.get(name, "text"))
        for name, (header, _others) in HEADERS.items()
    ]
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, f"{month:%Y年%m月}月报", columns, demo=programme.is_demo)
    sheet.heading(
        template_title(programme, month),
        f"报告月份：{month:%Y-%m}（上月完成情况与本月计划）；金额单位：万元；"
        "序号、项目名称、项目代码请勿修改",
    )
    count = 0
    for project in projects.order_by("seq", "pk"):
        report = reports.get(project.pk)
        values = [project.seq, project.name, project.code]
        for name in VALUE_FIELDS:
            value = getattr(report, name) if report is not None else None
            values.append(value if value not in ("", Decimal(0)) else None)
        sheet.row(values)
        count += 1
    wb.save(fileobj)
    return count


# --- parsing ---------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class TemplateRow:
    row: int
    name: str = ""
    project: Project | None = None
    report: MonthlyReport | None = None
    action: str = "skip"  # create | update | unchanged | skip (nothing filled) | invalid
    data: dict[str, Any] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {
            "create": _("新填"), "update": _("更新"), "unchanged": _("未变"),
            "skip": _("未填写"), "invalid": _("有错误"),
        }[self.action]  # fmt: skip


@dataclass
class MonthImport:
    programme: Any
    month: Any
    sheet: str = ""
    rows: list[TemplateRow] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and any(r.action in ("create", "update") for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    def summary_text(self) -> str:
        return _("新填 %(create)s、更新 %(update)s、未变 %(unchanged)s、未填写 %(skip)s") % {
            action: self.count(action) for action in ("create", "update", "unchanged", "skip")
        }


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def parse_month_template(fileobj: IO[bytes], programme, month, user) -> MonthImport:
    """Read a filled template and compare it with the month's reports. Writes nothing."""
    result = MonthImport(programme=programme, month=calendar.first_of_month(month))
    month = result.month
    try:
        services.check_month(month)
        check_xlsx_upload(fileobj, max_bytes=settings.IMPORT_MAX_BYTES)
        sheets = read_sheets(fileobj)
    except ValidationError as exc:
        result.errors.append(ImportIssue("；".join(str(m) for m in exc.messages)))
        return result
    except XlsxRejected as exc:
        result.errors.append(ImportIssue(exc.message))
        return result
    synonyms = {name: (header, *others) for name, (header, others) in HEADERS.items()}
    located, refused = None, None
    for ws in sheets:
        try:
            grid = ws.grid()
            index, used, found = find_header(grid, synonyms)
        except XlsxRejected as exc:  # damaged, or a data range too large: say so
            refused = refused or exc
            continue
        except ValueError:
            continue
        if "name" in found or "code" in found:
            located = ws, grid, index + used, found
            break
    if located is None:
        message = (
            refused.message
            if refused is not None
            else _("未找到表头：工作表中没有「项目名称」列，请使用本系统下载的月报模板")
        )
        result.errors.append(ImportIssue(message))
        return result
    ws, grid, start, found = located
    result.sheet = ws.title
    for values in grid[: start - 1]:
        note = MONTH_NOTE_RE.search(" ".join(_text(v) for v in values))
        if note and (int(note[1]), int(note[2])) != (month.year, month.month):
            result.errors.append(
                ImportIssue(
                    _("文件是 %(year)s年%(month)s月的模板，与所选月份 %(chosen)s 不符")
                    % {"year": note[1], "month": int(note[2]), "chosen": f"{month:%Y-%m}"}
                )
            )
            return result
    if "completed_this_month" not in found:
        result.errors.append(ImportIssue(_("缺少「当月完成投资」列")))
        return result
    _RowReader(result, user, found).read(grid, start)
    return result


class _RowReader:
    def __init__(self, result: MonthImport, user, found) -> None:
        self.result, self.user, self.found = result, user, found
        projects = list(
            Project.objects.filter(programme=result.programme).select_related("programme")
        )
        self.by_code = {p.code: p for p in projects if p.code}
        self.by_name = {NAME_SPACE_RE.sub("", p.name): p for p in projects}
        self.reports = {
            r.project_id: r
            for r in MonthlyReport.objects.filter(
                project__programme=result.programme, month=result.month
            )
        }
        self.seen: dict[int, int] = {}

    def read(self, grid, start: int) -> None:
        for index in range(start, len(grid)):
            values = grid[index]
            if is_blank_row(values) or is_total_row(values):
                continue
            row = self.parse(index + 1, values)
            self.result.rows.append(row)
            self.result.errors.extend(row.errors)

    def cell(self, values, name: str):
        if name not in self.found:
            return None
        col = self.found[name][0]
        return values[col] if col < len(values) else None

    def error(self, row: TemplateRow, name: str | None, message: str) -> None:
        letter = get_column_letter(self.found[name][0] + 1) if name in self.found else ""
        values = {"row": row.row, "column": letter, "message": message}
        if letter:
            text = _("第%(row)s行%(column)s列：%(message)s") % values
        else:
            text = _("第%(row)s行：%(message)s") % values
        row.errors.append(ImportIssue(text, row=row.row, letter=letter))
        row.action = "invalid"

    def parse(self, number: int, values) -> TemplateRow:
        row = TemplateRow(row=number, name=_text(self.cell(values, "name")))
        for name in self.found:
            raw = self.cell(values, name)
            if isinstance(raw, ErrorValue):
                self.error(row, name, raw.message())
        if row.errors:
            return row
        code = _text(self.cell(values, "code"))
        project = self.by_code.get(code) if code else None
        project = project or self.by_name.get(NAME_SPACE_RE.sub("", row.name))
        if project is None:
            self.error(row, "name", _("本计划中没有项目「%(name)s」") % {"name": row.name or code})
            return row
        row.project = project
        if project.pk in self.seen:
            first = self.seen[project.pk]
            self.error(row, "name", _("与第%(first)s行重复") % {"first": first})
            return row
        self.seen[project.pk] = number
        data = {}
        for name in VALUE_FIELDS:
            raw = self.cell(values, name)
            if name in MONEY:
                try:
                    amount = parse_amount(raw, self.found.get(name, (0, None))[1] or "万元")
                except ValueError:
                    self.error(row, name, _("无法识别的金额：%(value)s") % {"value": raw})
                    continue
                if amount is not None and amount < 0:
                    self.error(row, name, _("金额不能为负数"))
                    continue
                if amount is not None:
                    data[name] = amount
            elif _text(raw):
                data[name] = _text(raw)
        if row.action == "invalid":
            return row
        if not data:
            return row  # nothing filled in: left alone
        report = self.reports.get(project.pk)
        row.report = report
        probe = report or MonthlyReport(project=project, month=self.result.month)
        if report is not None and report.status not in EDITABLE_STATUSES:
            self.error(
                row,
                None,
                _("该项目本月月报已%(status)s，不能通过导入修改，如需更正请在月报页面提出更正申请")
                % {"status": report.get_status_display()},
            )
            return row
        if project.is_archived or not can_report(self.user, "import", probe):
            self.error(row, None, _("您不能填报该项目的月报（非本专班项目或项目已归档）"))
            return row
        for name, value in data.items():
            before = getattr(report, name) if report is not None else None
            if before != value:
                label = MonthlyReport._meta.get_field(name).verbose_name
                row.changes.append(Change(str(label), _show(before), _show(value)))
        row.data = data
        row.action = "create" if report is None else ("update" if row.changes else "unchanged")
        return row


def _show(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return format_wan(value)
    text = str(value)
    return text if len(text) <= 60 else text[:60] + "…"
