"""Import an office's ledger workbook (台账 .xlsx) into a programme.

Two steps, shared by the upload page, the `import-ledger` command and the benchmark:

- :func:`parse_ledger` reads the workbook and compares every row with the database.
  It writes nothing and reports every problem by row and column, in Chinese first.
- :func:`apply_ledger_import` writes a parse with no errors in ONE transaction,
  through ``ledger.services`` (each change audited) plus one summary change record.

Rows are matched to existing projects by project code, else by name within the
programme, so importing the same file twice updates and never duplicates; a row
whose values equal the database is "unchanged" and writes nothing.

Cell rules: a column that is absent, or a blank cell (also "—", "/", "无"), leaves
the stored value as it is; an import never erases data (clear values in the form).
Ledgers arrive partly filled, and a blank cell there means "not reported", not "none".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.utils import get_column_letter

from keyworks.audit.services import record_change
from keyworks.core.imports import ImportIssue, ImportRefused
from keyworks.core.memory import gc_paused
from keyworks.core.money import format_wan
from keyworks.core.xlsx import (
    XlsxRejected,
    check_xlsx_upload,
    find_header,
    is_blank_row,
    is_total_row,
)
from keyworks.core.xlsx_reader import ImportSheet, read_sheets
from keyworks.orgs.models import Unit

from . import services
from .import_cells import (
    AMOUNT_FIELDS,
    FIELD_LABELS,
    HEADING_NUMBER_RE,
    INT_RE,
    UNIT_NOTE_RE,
    CellError,
    CellParser,
    Lookups,
    UnitRef,
    blank,
    empty,
    header_synonyms,
    in_language,
    may_be_total,
    norm_key,
    text_of,
)
from .models import Category, Grade, Programme, Project, Stage
from .permissions import require

__all__ = [
    "FIELD_LABELS", "ImportIssue", "ImportSummary", "LedgerImport", "LedgerImportError",
    "ParsedRow", "apply_ledger_import", "header_synonyms", "parse_ledger",
]  # fmt: skip


class LedgerImportError(ImportRefused):
    """The ledger import was refused; ``issues`` say why. Nothing was written."""


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class ColumnInfo:
    letter: str
    header: str
    field: str
    label: str
    unit: str = ""


@dataclass
class ParsedRow:
    row: int  # the Excel row number
    name: str = ""
    code: str = ""
    action: str = "create"  # create | update | unchanged | invalid
    project: Project | None = None
    data: dict[str, Any] = field(default_factory=dict)  # for create_project / update_project
    lead_official: str | None = None  # set when the task force's lead official changes
    changes: list[Change] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {
            "create": pgettext("import", "新增"),
            "update": pgettext("import", "更新"),
            "unchanged": pgettext("import", "未变"),
            "invalid": pgettext("import", "有错误"),
        }[self.action]


@dataclass
class LedgerImport:
    """The result of :func:`parse_ledger`."""

    programme: Programme
    sheet: str = ""
    header_row: int | None = None  # first header row (Excel numbering)
    header_rows: int = 0
    columns: list[ColumnInfo] = field(default_factory=list)
    unrecognised: list[tuple[str, str]] = field(default_factory=list)  # (letter, header)
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    new_units: dict[str, str] = field(default_factory=dict)  # name -> Unit.Kind
    skipped_rows: int = 0  # 合计/小计 and heading rows

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def column_map(self) -> dict[str, str]:
        return {c.field: c.letter for c in self.columns}

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def summary_text(self) -> str:
        return _("新增 %(created)s、更新 %(updated)s、未变 %(unchanged)s") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        counts = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "units": len(self.units_created),
        }
        if self.units_created:
            return (
                _("新增 %(created)s、更新 %(updated)s、未变 %(unchanged)s、新建单位 %(units)s")
                % counts
            )
        return _("新增 %(created)s、更新 %(updated)s、未变 %(unchanged)s") % counts


# --- parsing -------------------------------------------------------------------------


def _default_unit(rows: Sequence[Sequence[Any]], above: int) -> str | None:
    """A note such as "单位：亿元" above the header sets the unit of plain amount columns."""
    for values in rows[:above]:
        for value in values:
            if isinstance(value, str):
                match = UNIT_NOTE_RE.search(norm_key(value))
                if match:
                    return match[1]
    return None


def _header_text(rows, index: int, used: int, col: int) -> str:
    top = text_of(rows[index][col])
    below = text_of(rows[index + 1][col]) if used == 2 else ""
    text = below if below and below != top else top
    return re.sub(r"\s+", "", text)


def _locate(sheets: list[ImportSheet], synonyms) -> tuple[Any, list, tuple[int, int, dict]] | None:
    for ws in sheets:  # visible worksheets, the active one first
        grid = ws.grid()
        try:
            header = find_header(grid, synonyms)
        except ValueError:
            continue
        if "name" in header[2]:
            return ws, grid, header
    return None


def parse_ledger(fileobj: IO[bytes], programme: Programme) -> LedgerImport:
    """Read a ledger workbook and compare it with `programme`. Writes nothing."""
    with gc_paused():
        return _parse_ledger(fileobj, programme)


def _parse_ledger(fileobj: IO[bytes], programme: Programme) -> LedgerImport:
    result = LedgerImport(programme=programme)
    try:
        check_xlsx_upload(fileobj, max_bytes=settings.IMPORT_MAX_BYTES)
        located = _locate(read_sheets(fileobj), header_synonyms(programme.year))
    except XlsxRejected as exc:
        result.errors.append(ImportIssue(exc.message))
        return result
    if located is None:
        result.errors.append(
            ImportIssue(_("未找到表头：工作表中没有「项目名称」列，请检查表头文字"))
        )
        return result
    ws, grid, (index, used, found) = located
    result.sheet = ws.title
    result.header_row, result.header_rows = index + 1, used
    default_unit = _default_unit(grid, index)
    columns: dict[str, tuple[int, str, str | None]] = {}
    for name, (col, unit) in sorted(found.items(), key=lambda item: item[1][0]):
        if name in AMOUNT_FIELDS:
            unit = unit or default_unit or "万元"
        else:
            unit = None
        header = _header_text(grid, index, used, col) or str(FIELD_LABELS[name])
        columns[name] = (col, header, unit)
        result.columns.append(
            ColumnInfo(
                get_column_letter(col + 1), header, name, str(FIELD_LABELS[name]), unit or ""
            )
        )
    used_cols = {c for c, _header, _unit in columns.values()}
    width = len(grid[0]) if grid else 0
    for col in range(width):
        header = _header_text(grid, index, used, col)
        if header and col not in used_cols:
            result.unrecognised.append((get_column_letter(col + 1), header))
    parser = _RowParser(result, Lookups(programme), columns)
    parser.run(grid, index + used)
    result.new_units = {ref.name: ref.kind for ref in parser.cells.new_units.values()}
    return result


class _RowParser:
    """Sorts each row (blank, 合计/小计, group heading, project) and plans each project's
    create or update by comparing its cells with the stored project."""

    def __init__(self, result: LedgerImport, lookups: Lookups, columns) -> None:
        self.result = result
        self.lookups = lookups
        self.columns = columns  # field -> (col, header, unit)
        self.seen: dict[Any, int] = {}  # project pk / code / name -> first row
        self.cells = CellParser(lookups, columns)
        self.current_category: Category | None = None

    # -- rows --

    def run(self, grid, start: int) -> None:
        seq_col = self.columns.get("seq", (None,))[0]
        for index in range(start, len(grid)):
            values = grid[index]
            number = index + 1
            if is_blank_row(values) or self._only_seq(values):
                continue
            if may_be_total(values) and is_total_row(values):
                self.result.skipped_rows += 1
                continue
            numbered = seq_col is not None and INT_RE.fullmatch(text_of(values[seq_col]))
            heading = None if numbered else self._heading(values)
            if heading is not None:
                self.result.skipped_rows += 1
                category = self.lookups.heading_category(heading)
                if category is not None:
                    self.current_category = category
                else:
                    self.result.warnings.append(
                        ImportIssue(
                            _("第%(row)s行：已跳过分组行「%(heading)s」")
                            % {"row": number, "heading": heading[:30]},
                            row=number,
                        )
                    )
                continue
            row = self.parse_row(number, values)
            self.result.rows.append(row)
            self.result.errors.extend(row.errors)
            self.result.warnings.extend(row.warnings)

    def _cell(self, values, name: str):
        col = self.columns[name][0]
        return values[col] if col < len(values) else None

    def _only_seq(self, values) -> bool:
        """A numbered template row with nothing else in it."""
        if "seq" not in self.columns:
            return False
        seq_col = self.columns["seq"][0]
        if not INT_RE.fullmatch(text_of(values[seq_col])):
            return False
        return all(blank(v) for c, v in enumerate(values) if c != seq_col)

    def _heading(self, values) -> str | None:
        """The text of a group heading row ("一、十大工业项目", merged across), else None."""
        cells = [(c, text_of(v)) for c, v in enumerate(values) if not blank(v)]
        seq_col = self.columns.get("seq", (None,))[0]
        name_col = self.columns["name"][0]
        texts = {t for _cell, t in cells}
        seq_text = next((t for c, t in cells if c == seq_col), "")
        if seq_text and INT_RE.fullmatch(seq_text):
            return None
        if len(texts) == 1:
            (text,) = texts
            if len(cells) >= 2 or cells[0][0] != name_col:
                return text
            if HEADING_NUMBER_RE.match(text) or self.lookups.heading_category(text):
                return text
            return None
        others = {t for c, t in cells if c != seq_col}
        if seq_text and len(others) == 1:  # "一" | "十大工业项目"
            (text,) = others
            if self.lookups.heading_category(text) or re.fullmatch(
                r"[一二三四五六七八九十]+", seq_text
            ):
                return text
        return None

    def error(self, row: ParsedRow, name: str | None, message: str) -> None:
        row.errors.append(self._issue(row.row, name, message))

    def warn(self, row: ParsedRow, name: str | None, message: str) -> None:
        row.warnings.append(self._issue(row.row, name, message))

    def _issue(self, number: int, name: str | None, message: str) -> ImportIssue:
        if name is None:
            return ImportIssue(
                _("第%(row)s行：%(error)s") % {"row": number, "error": message}, row=number
            )
        if name in self.columns:
            col, header, _unit = self.columns[name]
            letter = get_column_letter(col + 1)
        else:
            header, letter = str(FIELD_LABELS[name]), ""
        return ImportIssue(
            _("第%(row)s行「%(column)s」：%(error)s")
            % {"row": number, "column": header, "error": message},
            row=number,
            column=header,
            letter=letter,
        )

    def parse_row(self, number: int, values) -> ParsedRow:
        row = ParsedRow(row=number)
        parsed: dict[str, Any] = {}
        failed: set[str] = set()
        for name in self.columns:
            raw = self._cell(values, name)
            try:
                parsed[name] = self.cells.parse(name, raw)
            except CellError as exc:
                failed.add(name)
                self.error(row, name, exc.message)
        for name, message in self.cells.notes:
            self.warn(row, name, message)
        self.cells.notes.clear()
        row.name = parsed.get("name") or ""
        row.code = parsed.get("code") or ""
        if "name" in parsed and not row.name:
            self.error(row, "name", _("请填写项目名称"))
        if parsed.get("category") is None and "category" not in failed:
            if self.current_category is not None:
                parsed["category"] = self.current_category  # from a heading row above
        project = self._match(row, parsed) if row.name else None
        if project is None:
            self._plan_create(row, parsed, failed)
        else:
            self._plan_update(row, parsed, project)
        self._check_dates(row, parsed, project)
        if row.errors:
            row.action = "invalid"
        return row

    # -- matching --

    def _match(self, row: ParsedRow, parsed: dict) -> Project | None:
        """The existing project: by code, else by name; flags rows naming it twice."""
        lookups = self.lookups
        name_key = re.sub(r"\s+", "", row.name)
        by_code = lookups.by_code.get(row.code) if row.code else None
        by_name = lookups.by_name.get(name_key)
        project = by_code or by_name
        if by_code and by_name and by_code.pk != by_name.pk:
            self.error(
                row,
                "name",
                _(
                    "名称与另一已有项目（项目代码 %(other_code)s）相同，而项目代码 %(code)s "
                    "属于项目「%(project)s」，请核对"
                )
                % {
                    "other_code": by_name.code or _("无"),
                    "code": row.code,
                    "project": by_code.name,
                },
            )
        keys = [("name", ("name", name_key))]
        if row.code:
            keys.insert(0, ("code", ("code", row.code)))
        if project is not None:
            keys.insert(0, (None, ("pk", project.pk)))
        for field_name, key in keys:
            if key in self.seen:
                first = self.seen[key]
                self.error(
                    row,
                    field_name,
                    _("与第%(row)s行重复（同一项目只能出现一次）") % {"row": first},
                )
                break
        for _field, key in keys:
            self.seen.setdefault(key, row.row)
        return project

    # -- plans --

    def _plan_create(self, row: ParsedRow, parsed: dict, failed: set[str]) -> None:
        row.action = "create"
        data = {k: v for k, v in parsed.items() if k != "lead_official" and v is not None}
        if parsed.get("category") is None and "category" not in failed:
            self.error(
                row,
                "category",
                _("请填写项目类别（本计划的类别：%(known)s）")
                % {"known": "、".join(c.name for c in self.lookups.category_list)},
            )
        if parsed.get("total_investment") is None and "total_investment" not in failed:
            self.error(row, "total_investment", _("请填写总投资"))
        for name, value in data.items():
            if name in {"name", "code"} or value in ("", []):
                continue
            row.changes.append(
                Change(name, str(FIELD_LABELS[name]), "", self._display(name, value))
            )
        row.data = data
        if parsed.get("lead_official"):
            row.lead_official = parsed["lead_official"]
            row.changes.append(
                Change("lead_official", str(FIELD_LABELS["lead_official"]), "", row.lead_official)
            )
        self._check_amounts(row, parsed.get("total_investment"), parsed.get("completed_investment"))

    def _plan_update(self, row: ParsedRow, parsed: dict, project: Project) -> None:
        current = self._current_values(project)
        data = {}
        for name, value in parsed.items():
            if name == "lead_official" or empty(value):
                continue  # blank never erases
            if self._comparable(name, value) != self._comparable(name, current[name]):
                data[name] = value
                row.changes.append(
                    Change(
                        name,
                        str(FIELD_LABELS[name]),
                        self._display(name, current[name]),
                        self._display(name, value),
                    )
                )
        if parsed.get("lead_official"):
            before = project.task_force.lead_official if project.task_force else ""
            after = parsed["lead_official"]
            if before != after:
                if project.task_force is None:
                    self.warn(
                        row,
                        "lead_official",
                        _("该项目没有专班，未导入牵头市领导"),
                    )
                else:
                    row.lead_official = after
                    row.changes.append(
                        Change("lead_official", str(FIELD_LABELS["lead_official"]), before, after)
                    )
        row.project = project
        row.data = data
        row.action = "update" if row.changes else "unchanged"
        if row.changes and project.is_archived:
            self.error(
                row,
                None,
                _("项目「%(project)s」已归档，请先恢复后再导入修改") % {"project": project.name},
            )
        total = data.get("total_investment", project.total_investment)
        completed = data.get("completed_investment", project.completed_investment)
        if row.changes:
            self._check_amounts(row, total, completed)
        carried = services.carried_by_reports(project)
        if "completed_investment" in data and completed < carried:
            self.error(
                row,
                "completed_investment",
                f"累计完成投资不能少于已采纳月报计入的 {format_wan(carried)} 万元",
                f"completed investment cannot be below the {carried} accepted reports put in",
            )

    def _current_values(self, project: Project) -> dict[str, Any]:
        values = {name: getattr(project, name, None) for name in FIELD_LABELS}
        values["districts"] = self.lookups.project_districts.get(project.pk, [])
        return values

    def _check_amounts(self, row: ParsedRow, total, completed) -> None:
        if total is not None and completed is not None and completed > total:
            self.warn(
                row,
                "completed_investment",
                _("累计完成投资超过总投资，请核实"),
            )

    def _check_dates(self, row: ParsedRow, parsed: dict, project: Project | None) -> None:
        """The row's dates as they will be stored, by the rules every write keeps
        (`services.date_errors`); each problem on its own column."""
        values = {
            name: parsed[name] if parsed.get(name) is not None else getattr(project, name, None)
            for name in services.DATE_FIELDS
        }
        for name, message in services.date_errors(values, self.result.programme.year).items():
            self.error(row, name, in_language(message))

    @staticmethod
    def _comparable(name: str, value: Any) -> Any:
        if isinstance(value, UnitRef):
            return ("new", value.name)
        if hasattr(value, "pk"):
            return value.pk
        if name == "districts":
            return sorted(value or [])
        return value

    def _display(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, UnitRef):
            return _("%(unit)s（新建单位）") % {"unit": value.name}
        if name in AMOUNT_FIELDS:
            return format_wan(value)
        if name == "districts":
            return "、".join(self.lookups.region_names.get(pk, str(pk)) for pk in value)
        if name == "grade":
            return str(Grade(value).label)
        if name == "stage":
            return str(Stage(value).label)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        text = str(value)
        return text if len(text) <= 60 else text[:60] + "…"


# --- applying ------------------------------------------------------------------------


def _resolve(data: dict, units: dict[str, Unit]) -> dict:
    return {k: units[v.name] if isinstance(v, UnitRef) else v for k, v in data.items()}


def _write_issue(exc: Exception, rows: list) -> ImportIssue:
    """The error a bulk write raised, naming the file row when the service says which."""
    text = "；".join(getattr(exc, "messages", None) or [str(exc)])
    index = getattr(exc, "item_index", None)
    if index is None:
        return ImportIssue(_("%(error)s（未导入任何数据）") % {"error": text})
    row = rows[index].row
    return ImportIssue(
        _("第%(row)s行：%(error)s（未导入任何数据）") % {"row": row, "error": text}, row=row
    )


def apply_ledger_import(parsed: LedgerImport, *, by, file_name: str) -> ImportSummary:
    """Write a parse without errors in one transaction (see `_apply_ledger_import`)."""
    with gc_paused():
        return _apply_ledger_import(parsed, by=by, file_name=file_name)


def _apply_ledger_import(parsed: LedgerImport, *, by, file_name: str) -> ImportSummary:
    """Write a parse without errors in one transaction; raise LedgerImportError otherwise.

    Units named in the file but unknown are created first (audited); each project goes
    through services.create_projects (bulk) / update_project (audited); one "import" change
    record sums it up. Any failure rolls everything back.
    """
    programme = parsed.programme
    require(by, "import", programme)
    if parsed.errors:
        raise LedgerImportError(parsed.errors)
    if not parsed.rows:
        raise LedgerImportError([ImportIssue(_("文件中没有项目数据"))])
    reason = f"导入台账：{file_name}"[:500]
    summary = ImportSummary(unchanged=parsed.unchanged)
    with transaction.atomic():
        units: dict[str, Unit] = {}
        for name, kind in parsed.new_units.items():
            units[name] = services.save_unit(programme, {"name": name, "kind": kind}, by=by)
            summary.units_created.append(name)
        creates = [row for row in parsed.rows if row.action == "create"]
        try:
            # New projects go in bulk (same validation and audit, far fewer queries).
            items = [
                _resolve(row.data, units) | {"lead_official": row.lead_official or ""}
                for row in creates
            ]
            services.create_projects(programme, items, by=by, reason=reason)
            summary.created = len(creates)
        except (ValidationError, PermissionDenied) as exc:
            raise LedgerImportError([_write_issue(exc, creates)]) from exc
        invalid = [
            row for row in parsed.rows if row.action not in ("unchanged", "create", "update")
        ]
        if invalid:
            raise LedgerImportError(
                [ImportIssue(_("第%(row)s行有错误") % {"row": r.row}) for r in invalid]
            )
        updates = [row for row in parsed.rows if row.action == "update"]
        try:
            # Changed projects go in bulk too (same checks, version guard and audit).
            services.update_projects(
                programme,
                [
                    (
                        row.project,
                        _resolve(row.data, units)
                        | (
                            {"lead_official": row.lead_official}
                            if row.lead_official is not None
                            else {}
                        ),
                    )
                    for row in updates
                ],
                by=by,
                reason=reason,
            )
            summary.updated = len(updates)
        except (ValidationError, PermissionDenied, services.ConcurrentEditError) as exc:
            raise LedgerImportError([_write_issue(exc, updates)]) from exc
        record_change(
            by=by, action="import", obj=programme, reason=reason, programme_id=programme.pk,
            after={
                "file": file_name, "sheet": parsed.sheet, "created": summary.created,
                "updated": summary.updated, "unchanged": summary.unchanged,
                "units_created": summary.units_created,
            },
        )  # fmt: skip
    return summary
