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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from openpyxl.utils import get_column_letter

from keyworks.audit.services import record_change
from keyworks.core.money import format_wan, parse_amount
from keyworks.core.validators import normalize_code, validate_project_code
from keyworks.core.xlsx import (
    XlsxRejected,
    check_xlsx_upload,
    expand_merged,
    find_header,
    is_blank_row,
    is_total_row,
    load_workbook_for_import,
    normalize_header,
    parse_date,
)
from keyworks.orgs import access
from keyworks.orgs.models import Region, Unit
from keyworks.orgs.services import save_unit

from . import services
from .models import Category, Grade, Programme, Project, Stage

__all__ = [
    "FIELD_LABELS", "ImportIssue", "ImportSummary", "LedgerImport", "LedgerImportError",
    "ParsedRow", "apply_ledger_import", "header_synonyms", "parse_ledger",
]  # fmt: skip

# Canonical Chinese names, used in the preview and in messages about missing values.
FIELD_LABELS: dict[str, str] = {
    "seq": "序号",
    "name": "项目名称",
    "code": "项目代码",
    "category": "项目类别",
    "grade": "项目级别",
    "stage": "建设阶段",
    "districts": "所在县(市、区)",
    "address": "建设地点",
    "content": "建设内容",
    "owner": "业主单位",
    "responsible_unit": "责任单位",
    "lead_official": "牵头市领导",
    "total_investment": "总投资（万元）",
    "annual_investment": "年度计划投资（万元）",
    "completed_investment": "累计完成投资（万元）",
    "planned_start": "计划开工",
    "planned_finish": "计划竣工",
    "actual_start": "实际开工",
    "actual_finish": "实际竣工",
    "annual_target": "年度目标",
}
AMOUNT_FIELDS = ("total_investment", "annual_investment", "completed_investment")
DATE_FIELDS = ("planned_start", "planned_finish", "actual_start", "actual_finish")
TEXT_LIMITS = {"address": 200, "content": None, "annual_target": None}
# Fields that cannot be empty: a blank cell leaves them as they are.
MAX_AMOUNT = Decimal("1000000000000")  # DecimalField(max_digits=14, decimal_places=2)
MAX_LISTED_ERRORS = 1000


def header_synonyms(year: int | None = None) -> dict[str, list[str]]:
    """The header texts recognised for each field (compared without spaces, line
    breaks or bracket width; a unit such as （亿元） is read off the header)."""
    y = f"{year}年" if year else "本年"
    return {
        "seq": ["序号", "编号"],
        "name": ["项目名称", "名称", "项目"],
        "code": [
            "项目代码", "项目编码", "统一项目代码", "项目统一代码", "在线平台项目代码",
            "全国投资项目在线审批监管平台项目代码", "投资项目在线审批监管平台项目代码",
        ],
        "category": ["项目类别", "类别", "项目类型", "项目分类", "所属类别"],
        "grade": ["项目级别", "级别", "项目层级", "重点项目级别"],
        "stage": ["建设阶段", "项目阶段", "阶段", "项目状态", "建设状态"],
        "districts": [
            "所在县(市、区)", "所在县(市)区", "所在县区", "所在县市区", "县(市、区)", "县(市)区",
            "县区", "县市区", "所属县区", "所属县(市、区)", "所在地区", "所属地区", "属地",
        ],
        "address": ["建设地点", "建设地址", "项目地址", "项目地点", "项目建设地点"],
        "content": [
            "建设内容", "建设规模及内容", "建设内容及规模", "主要建设内容", "建设规模和内容",
            "主要建设内容及规模", "项目建设内容", "建设规模",
        ],
        "owner": ["业主单位", "项目业主", "建设单位", "项目单位", "项目建设单位", "业主"],
        "responsible_unit": ["责任单位", "市直责任单位", "主要责任单位", "责任部门", "牵头单位"],
        "lead_official": [
            "牵头市领导", "牵头领导", "联系市领导", "分包市领导", "包联市领导", "责任市领导",
        ],
        "total_investment": ["总投资", "项目总投资", "计划总投资", "估算总投资"],
        "annual_investment": [
            "年度计划投资", "年度计划", "年度投资计划", "本年计划投资", "年计划投资",
            "年度计划完成投资", f"{y}计划投资", f"{y}度计划投资", f"{y}投资计划",
            f"{y}计划完成投资",
        ],
        "completed_investment": [
            "累计完成投资", "累计完成", "累计完成投资额", "开工以来累计完成投资",
            "自开工累计完成投资", "截至目前累计完成投资",
        ],
        "planned_start": ["计划开工", "计划开工时间", "计划开工日期", "开工时间", "开工日期"],
        "planned_finish": [
            "计划竣工", "计划竣工时间", "计划竣工日期", "计划完工时间", "竣工时间", "竣工日期",
            "完工时间",
        ],
        "actual_start": ["实际开工", "实际开工时间", "实际开工日期"],
        "actual_finish": ["实际竣工", "实际竣工时间", "实际竣工日期", "实际完工时间"],
        "annual_target": [
            "年度目标", "年度建设目标", "年度目标任务", "年度形象进度目标", "年度形象进度",
            f"{y}目标", f"{y}建设目标", f"{y}度目标", f"{y}目标任务",
        ],
    }  # fmt: skip


STAGE_WORDS = {
    Stage.PLANNED: ["谋划", "谋划阶段", "储备", "谋划储备"],
    Stage.PREPARATION: ["前期", "前期阶段", "前期手续", "前期工作", "待开工", "拟开工"],
    Stage.CONSTRUCTION: ["在建", "在建阶段", "建设中", "施工", "施工中", "续建"],
    Stage.COMPLETED: ["竣工投产", "竣工", "已竣工", "投产", "已投产", "建成", "建成投产", "完工"],
}
GRADE_WORDS = {
    Grade.NATIONAL: ["国家级", "国家", "国家重点", "国家重大"],
    Grade.PROVINCIAL: ["省级", "省", "省重点", "省重大"],
    Grade.CITY: ["市级", "市", "市重点"],
    Grade.DISTRICT: ["县级", "区级", "县区级", "县(市、区)级", "县(市区)级", "县"],
}
_SEPARATORS_RE = re.compile(r"[、，,；;/／\s]+")
_DASH_ONLY_RE = re.compile(r"[-—–－/／\\无暂无]+")
_UNIT_NOTE_RE = re.compile(r"单位[:：]?(亿元|万元|元)")
_HEADING_NUMBER_RE = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十百]+[)）、.．]|[（(]\d+[)）]|\d+[、.．])"
)
_COUNT_SUFFIX_RE = re.compile(r"[（(][^)）]*[)）]$")
_INT_RE = re.compile(r"\d+(?:\.0+)?")


class LedgerImportError(Exception):
    """The import was refused; ``issues`` say why. Nothing was written."""

    def __init__(self, issues: Sequence[ImportIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass
class ImportIssue:
    """One problem (or warning): ``message`` is what users see."""

    message: str
    row: int | None = None
    column: str = ""  # the header text as in the file
    letter: str = ""  # column letter, e.g. "D"

    def __str__(self) -> str:
        return self.message


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


@dataclass(frozen=True)
class UnitRef:
    """A unit named in the file that does not exist yet; created when the import is applied."""

    name: str
    kind: str


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
        return {"create": "新增", "update": "更新", "unchanged": "未变", "invalid": "有错误"}[
            self.action
        ]


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
        return f"新增 {self.created}、更新 {self.updated}、未变 {self.unchanged}"


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"新增 {self.created}、更新 {self.updated}、未变 {self.unchanged}"
        if self.units_created:
            text += f"、新建单位 {len(self.units_created)}"
        return text


# --- parsing -------------------------------------------------------------------------


class _CellError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


def _split_message(message: str) -> tuple[str, str]:
    zh, _, en = message.partition(" / ")
    return zh.strip(), (en or zh).strip()


def _empty(value: Any) -> bool:
    """A parsed value that says nothing: None, "" or no districts."""
    return value is None or value == "" or value == []


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """Cell text: numbers without a spurious .0, outer whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    return str(value).strip()


def _one_line(value: Any) -> str:
    """Names and short texts: line breaks inside a cell are layout, not content."""
    return re.sub(r"\s*[\r\n]+\s*", "", _text(value))


def _key(text: str) -> str:
    return normalize_header(unicodedata.normalize("NFKC", text))


def _may_be_total(values) -> bool:
    """Cheap pre-check for is_total_row: 合计/小计/总计 in one of the first two texts."""
    seen = 0
    for value in values:
        if _blank(value):
            continue
        if isinstance(value, str) and "计" in value:
            return True
        seen += 1
        if seen == 2:
            return False
    return False


def _dash_only(value: Any) -> bool:
    return isinstance(value, str) and bool(_DASH_ONLY_RE.fullmatch(value.strip()))


class _Lookups:
    """Everything rows are matched against, loaded once (no query per row)."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.categories: dict[str, Category] = {}
        self.category_list = list(programme.categories.all())
        for category in self.category_list:
            self.categories[_key(category.code)] = category
        for category in self.category_list:
            self.categories[_key(category.name)] = category
        self.regions: dict[str, Region] = {}
        region = programme.region
        regions = list(
            Region.objects.filter(
                Q(pk=region.pk) | Q(parent_id=region.pk) | Q(parent__parent_id=region.pk)
            ).order_by("sort", "code", "id")
        )
        # On a name clash the programme's own districts win, then theirs, then itself.
        rank = {region.pk: 0}
        rank.update({r.pk: 2 for r in regions if r.parent_id == region.pk})
        for r in sorted(regions, key=lambda r: rank.get(r.pk, 1)):
            names = [r.name]
            short = re.sub(r"(?:自治县|县|区|市|新区|示范区)$", "", r.name)
            if len(short) >= 2:
                names.append(short)
            for name in names:
                self.regions[_key(name)] = r
            if r.code:
                self.regions[r.code] = r
        self.regions.setdefault("全市", region)
        self.units: dict[str, Unit] = {}
        short_names: dict[str, list[Unit]] = {}
        for unit in Unit.objects.only("id", "name", "short_name", "kind"):
            self.units[_key(unit.name)] = unit
            if unit.short_name:
                short_names.setdefault(_key(unit.short_name), []).append(unit)
        for key, units in short_names.items():
            if len(units) == 1:
                self.units.setdefault(key, units[0])
        projects = list(
            programme.projects.select_related("category", "owner", "responsible_unit", "task_force")
        )
        districts: dict[int, list[int]] = {}
        through = Project.districts.through.objects.filter(project__programme=programme)
        for project_id, region_id in through.values_list("project_id", "region_id"):
            districts.setdefault(project_id, []).append(region_id)
        self.project_districts = {p.pk: sorted(districts.get(p.pk, [])) for p in projects}
        self.by_code = {p.code: p for p in projects if p.code}
        self.by_name = {re.sub(r"\s+", "", p.name): p for p in projects}
        self.region_names = {r.pk: r.name for r in regions}
        self.grades = _choice_lookup(Grade, GRADE_WORDS)
        self.stages = _choice_lookup(Stage, STAGE_WORDS)

    def category(self, text: str) -> Category | None:
        key = _key(text)
        for candidate in (key, re.sub(r"(?:类项目|项目|类)$", "", key)):
            if candidate in self.categories:
                return self.categories[candidate]
        return None

    def heading_category(self, text: str) -> Category | None:
        """The category a heading row such as "一、十大工业项目（10个）" starts."""
        key = _COUNT_SUFFIX_RE.sub("", _HEADING_NUMBER_RE.sub("", _key(text)))
        found = self.category(key)
        if found:
            return found
        matches = [c for c in self.category_list if _key(c.name) in key]
        return max(matches, key=lambda c: len(c.name)) if matches else None


def _choice_lookup(choices, words: dict) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[_key(value)] = value
        lookup[_key(str(label))] = value
    for value, names in words.items():
        for name in names:
            lookup.setdefault(_key(name), value)
    return lookup


def _default_unit(rows: Sequence[Sequence[Any]], above: int) -> str | None:
    """A note such as "单位：亿元" above the header sets the unit of plain amount columns."""
    for values in rows[:above]:
        for value in values:
            if isinstance(value, str):
                match = _UNIT_NOTE_RE.search(_key(value))
                if match:
                    return match[1]
    return None


def _header_text(rows, index: int, used: int, col: int) -> str:
    top = _text(rows[index][col])
    below = _text(rows[index + 1][col]) if used == 2 else ""
    text = below if below and below != top else top
    return re.sub(r"\s+", "", text)


def _locate(wb, synonyms) -> tuple[Any, list, tuple[int, int, dict]] | None:
    sheets = [wb.active, *[ws for ws in wb.worksheets if ws is not wb.active]]
    for ws in sheets:
        if ws is None or getattr(ws, "sheet_state", "visible") != "visible":
            continue
        if not hasattr(ws, "merged_cells"):  # a chart sheet
            continue
        grid = expand_merged(ws)
        try:
            header = find_header(grid, synonyms)
        except ValueError:
            continue
        if "name" in header[2]:
            return ws, grid, header
    return None


def parse_ledger(fileobj: IO[bytes], programme: Programme) -> LedgerImport:
    """Read a ledger workbook and compare it with `programme`. Writes nothing."""
    result = LedgerImport(programme=programme)
    try:
        check_xlsx_upload(fileobj, max_bytes=settings.IMPORT_MAX_BYTES)
        wb = load_workbook_for_import(fileobj)
        located = _locate(wb, header_synonyms(programme.year))
    except XlsxRejected as exc:
        result.errors.append(ImportIssue(exc.message))
        return result
    if located is None:
        result.errors.append(
            ImportIssue(
                "未找到表头：工作表中没有「项目名称」列，请检查表头文字 / "
                "No header row with a 项目名称 (project name) column was found"
            )
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
        header = _header_text(grid, index, used, col) or FIELD_LABELS[name]
        columns[name] = (col, header, unit)
        result.columns.append(
            ColumnInfo(get_column_letter(col + 1), header, name, FIELD_LABELS[name], unit or "")
        )
    used_cols = {c for c, _, _ in columns.values()}
    width = len(grid[0]) if grid else 0
    for col in range(width):
        header = _header_text(grid, index, used, col)
        if header and col not in used_cols:
            result.unrecognised.append((get_column_letter(col + 1), header))
    _RowParser(result, _Lookups(programme), columns).run(grid, index + used)
    return result


class _RowParser:
    def __init__(self, result: LedgerImport, lookups: _Lookups, columns) -> None:
        self.result = result
        self.lookups = lookups
        self.columns = columns  # field -> (col, header, unit)
        self.seen: dict[Any, int] = {}  # project pk / code / name -> first row
        self.new_units: dict[str, UnitRef] = {}
        self.current_category: Category | None = None

    # -- rows --

    def run(self, grid, start: int) -> None:
        seq_col = self.columns.get("seq", (None,))[0]
        for index in range(start, len(grid)):
            values = grid[index]
            number = index + 1
            if is_blank_row(values) or self._only_seq(values):
                continue
            if _may_be_total(values) and is_total_row(values):
                self.result.skipped_rows += 1
                continue
            numbered = seq_col is not None and _INT_RE.fullmatch(_text(values[seq_col]))
            heading = None if numbered else self._heading(values)
            if heading is not None:
                self.result.skipped_rows += 1
                category = self.lookups.heading_category(heading)
                if category is not None:
                    self.current_category = category
                else:
                    self.result.warnings.append(
                        ImportIssue(
                            f"第{number}行：已跳过分组行「{heading[:30]}」 / "
                            f"Row {number}: skipped heading row",
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
        if not _INT_RE.fullmatch(_text(values[seq_col])):
            return False
        return all(_blank(v) for c, v in enumerate(values) if c != seq_col)

    def _heading(self, values) -> str | None:
        """The text of a group heading row ("一、十大工业项目", merged across), else None."""
        cells = [(c, _text(v)) for c, v in enumerate(values) if not _blank(v)]
        seq_col = self.columns.get("seq", (None,))[0]
        name_col = self.columns["name"][0]
        texts = {t for _, t in cells}
        seq_text = next((t for c, t in cells if c == seq_col), "")
        if seq_text and _INT_RE.fullmatch(seq_text):
            return None
        if len(texts) == 1:
            (text,) = texts
            if len(cells) >= 2 or cells[0][0] != name_col:
                return text
            if _HEADING_NUMBER_RE.match(text) or self.lookups.heading_category(text):
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

    def error(self, row: ParsedRow, name: str | None, zh: str, en: str) -> None:
        row.errors.append(self._issue(row.row, name, zh, en))

    def warn(self, row: ParsedRow, name: str | None, zh: str, en: str) -> None:
        row.warnings.append(self._issue(row.row, name, zh, en))

    def _issue(self, number: int, name: str | None, zh: str, en: str) -> ImportIssue:
        if name is None:
            return ImportIssue(f"第{number}行：{zh} / Row {number}: {en}", row=number)
        if name in self.columns:
            col, header, _ = self.columns[name]
            letter = get_column_letter(col + 1)
        else:
            header, letter = FIELD_LABELS[name], ""
        return ImportIssue(
            f"第{number}行「{header}」：{zh} / Row {number}, {header}: {en}",
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
                parsed[name] = getattr(self, f"_parse_{name}", self._parse_text)(raw, name, row)
            except _CellError as exc:
                failed.add(name)
                self.error(row, name, exc.zh, exc.en)
        row.name = parsed.get("name") or ""
        row.code = parsed.get("code") or ""
        if "name" in parsed and not row.name:
            self.error(row, "name", "请填写项目名称", "the project name is missing")
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
                f"名称与另一已有项目（项目代码 {by_name.code or '无'}）相同，而项目代码 {row.code} "
                f"属于项目「{by_code.name}」，请核对",
                f"the name belongs to another project than code {row.code}; check both",
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
                    f"与第{first}行重复（同一项目只能出现一次）",
                    f"duplicates row {first} (a project may appear only once)",
                )
                break
        for _, key in keys:
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
                "请填写项目类别（本计划的类别："
                + "、".join(c.name for c in self.lookups.category_list)
                + "）",
                "the category is missing",
            )
        if parsed.get("total_investment") is None and "total_investment" not in failed:
            self.error(row, "total_investment", "请填写总投资", "the total investment is missing")
        for name, value in data.items():
            if name in {"name", "code"} or value in ("", []):
                continue
            row.changes.append(Change(name, FIELD_LABELS[name], "", self._display(name, value)))
        row.data = data
        if parsed.get("lead_official"):
            row.lead_official = parsed["lead_official"]
            row.changes.append(
                Change("lead_official", FIELD_LABELS["lead_official"], "", row.lead_official)
            )
        self._check_amounts(row, parsed.get("total_investment"), parsed.get("completed_investment"))

    def _plan_update(self, row: ParsedRow, parsed: dict, project: Project) -> None:
        current = self._current_values(project)
        data = {}
        for name, value in parsed.items():
            if name == "lead_official" or _empty(value):
                continue  # blank never erases
            if self._comparable(name, value) != self._comparable(name, current[name]):
                data[name] = value
                row.changes.append(
                    Change(
                        name,
                        FIELD_LABELS[name],
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
                        "该项目没有专班，未导入牵头市领导",
                        "the project has no task force; lead official ignored",
                    )
                else:
                    row.lead_official = after
                    row.changes.append(
                        Change("lead_official", FIELD_LABELS["lead_official"], before, after)
                    )
        row.project = project
        row.data = data
        row.action = "update" if row.changes else "unchanged"
        if row.changes and project.is_archived:
            self.error(
                row,
                None,
                f"项目「{project.name}」已归档，请先恢复后再导入修改",
                "the project is archived; restore it before importing changes",
            )
        total = data.get("total_investment", project.total_investment)
        completed = data.get("completed_investment", project.completed_investment)
        if row.changes:
            self._check_amounts(row, total, completed)

    def _current_values(self, project: Project) -> dict[str, Any]:
        values = {name: getattr(project, name, None) for name in FIELD_LABELS}
        values["districts"] = self.lookups.project_districts.get(project.pk, [])
        return values

    def _check_amounts(self, row: ParsedRow, total, completed) -> None:
        if total is not None and completed is not None and completed > total:
            self.warn(
                row,
                "completed_investment",
                "累计完成投资超过总投资，请核实",
                "investment completed exceeds total investment",
            )

    def _check_dates(self, row: ParsedRow, parsed: dict, project: Project | None) -> None:
        def final(name):
            if parsed.get(name) is not None:
                return parsed[name]
            return getattr(project, name) if project else None

        for start, finish, zh, en in (
            ("planned_start", "planned_finish", "计划竣工日期早于计划开工日期",
             "planned finish is before planned start"),
            ("actual_start", "actual_finish", "实际竣工日期早于实际开工日期",
             "actual finish is before actual start"),
        ):  # fmt: skip
            a, b = final(start), final(finish)
            if a and b and b < a:
                self.error(row, finish if finish in self.columns else start, zh, en)

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
            return f"{value.name}（新建单位）"
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

    # -- cells --

    def _parse_text(self, raw, name, row):
        if _blank(raw):
            return ""
        text = _text(raw)
        limit = TEXT_LIMITS.get(name)
        if name in {"address"}:
            text = _one_line(raw)
        if limit and len(text) > limit:
            raise _CellError(
                f"内容过长（最多 {limit} 字）", f"too long (at most {limit} characters)"
            )
        return text

    def _parse_seq(self, raw, name, row):
        if _blank(raw):
            return None
        text = _text(raw)
        if not _INT_RE.fullmatch(text) or int(float(text)) < 1:
            raise _CellError(f"序号应为正整数，而不是“{text}”", "must be a positive whole number")
        return int(float(text))

    def _parse_name(self, raw, name, row):
        text = _one_line(raw)
        if len(text) > 200:
            raise _CellError("项目名称过长（最多 200 字）", "too long (at most 200 characters)")
        return text

    def _parse_code(self, raw, name, row):
        if _blank(raw) or _dash_only(raw):
            return ""
        code = normalize_code(_text(raw))
        try:
            validate_project_code(code)
        except ValidationError as exc:
            zh, en = _split_message(exc.messages[0])
            raise _CellError(f"{zh}：“{_text(raw)}”", en) from None
        return code

    def _parse_category(self, raw, name, row):
        if _blank(raw):
            return None
        category = self.lookups.category(_one_line(raw))
        if category is None:
            known = "、".join(c.name for c in self.lookups.category_list)
            raise _CellError(
                f"未知项目类别“{_one_line(raw)}”（本计划的类别：{known}）",
                f"unknown category (this programme has: {known})",
            )
        return category

    def _choice(self, raw, lookup, choices, what_zh, what_en):
        if _blank(raw):
            return None
        value = lookup.get(_key(_one_line(raw)))
        if value is None:
            allowed = "、".join(str(label) for _, label in choices.choices)
            raise _CellError(
                f"未知{what_zh}“{_one_line(raw)}”（可填：{allowed}）",
                f"unknown {what_en} (use one of: {allowed})",
            )
        return value

    def _parse_grade(self, raw, name, row):
        return self._choice(raw, self.lookups.grades, Grade, "项目级别", "grade")

    def _parse_stage(self, raw, name, row):
        return self._choice(raw, self.lookups.stages, Stage, "建设阶段", "stage")

    def _parse_districts(self, raw, name, row):
        if _blank(raw) or _dash_only(raw):
            return []
        found, unknown = [], []
        for part in _SEPARATORS_RE.split(_text(raw)):
            part = part.strip()
            if not part:
                continue
            region = self.lookups.regions.get(part) or self.lookups.regions.get(_key(part))
            if region is None:
                unknown.append(part)
            elif region.pk not in found:
                found.append(region.pk)
        if unknown:
            names = "、".join(unknown)
            raise _CellError(
                f"未知县(市、区)“{names}”（须为{self.lookups.programme.region.name}所辖县(市、区)）",
                f"unknown district {names}",
            )
        return sorted(found)

    def _parse_unit(self, raw, name, row, kind):
        if _blank(raw) or _dash_only(raw):
            return None
        text = _one_line(raw)
        parts = [p for p in re.split(r"[、，,；;]", text) if p.strip()]
        unit_name = parts[0].strip() if parts else text
        if len(parts) > 1:
            self.warn(
                row,
                name,
                f"填写了多个单位，仅记录第一个“{unit_name}”",
                "several units given; only the first is recorded",
            )
        key = _key(unit_name)
        unit = self.lookups.units.get(key)
        if unit is not None:
            return unit
        if len(unit_name) > 100:
            raise _CellError("单位名称过长（最多 100 字）", "unit name too long (at most 100)")
        if key not in self.new_units:  # the first spelling and use decide name and kind
            self.new_units[key] = UnitRef(unit_name, kind)
            self.result.new_units[unit_name] = kind
        return self.new_units[key]

    def _parse_owner(self, raw, name, row):
        return self._parse_unit(raw, name, row, Unit.Kind.ENTERPRISE)

    def _parse_responsible_unit(self, raw, name, row):
        return self._parse_unit(raw, name, row, Unit.Kind.DEPARTMENT)

    def _parse_lead_official(self, raw, name, row):
        text = "" if _dash_only(raw) else _one_line(raw)
        if len(text) > 50:
            raise _CellError("内容过长（最多 50 字）", "too long (at most 50 characters)")
        return text

    def _amount(self, raw, name, row):
        if _blank(raw) or _dash_only(raw):
            return None
        unit = self.columns[name][2] or "万元"
        try:
            value = parse_amount(raw, unit)
        except ValueError:
            raise _CellError(f"不是有效金额“{_text(raw)}”", "not a valid amount") from None
        if value < 0:
            raise _CellError(f"金额不能为负数“{_text(raw)}”", "the amount must not be negative")
        if value >= MAX_AMOUNT:
            raise _CellError(f"金额过大“{_text(raw)}”", "the amount is too large")
        return value

    _parse_total_investment = _amount
    _parse_annual_investment = _amount
    _parse_completed_investment = _amount

    def _date(self, raw, name, row):
        if _blank(raw) or _dash_only(raw):
            return None
        try:
            return parse_date(raw)
        except ValueError as exc:
            zh, en = _split_message(str(exc))
            if "无法区分" in zh:
                raise _CellError(zh, en) from None
            raise _CellError(
                f"不是有效日期“{_text(raw)}”（可填 2025-03-01、2025-03、2025年3月、2025.3）",
                "not a valid date (e.g. 2025-03-01, 2025-03, 2025年3月)",
            ) from None

    _parse_planned_start = _date
    _parse_planned_finish = _date
    _parse_actual_start = _date
    _parse_actual_finish = _date


# --- applying ------------------------------------------------------------------------


def _resolve(data: dict, units: dict[str, Unit]) -> dict:
    return {k: units[v.name] if isinstance(v, UnitRef) else v for k, v in data.items()}


def apply_ledger_import(parsed: LedgerImport, *, by, file_name: str) -> ImportSummary:
    """Write a parse without errors in one transaction; raise LedgerImportError otherwise.

    Units named in the file but unknown are created first (audited); each project goes
    through services.create_project / update_project (audited); one "import" change
    record sums it up. Any failure rolls everything back.
    """
    programme = parsed.programme
    access.require(by, "import", programme)
    if parsed.errors:
        raise LedgerImportError(parsed.errors)
    if not parsed.rows:
        raise LedgerImportError([ImportIssue("文件中没有项目数据 / The file has no project rows")])
    reason = f"导入台账：{file_name}"[:500]
    summary = ImportSummary(unchanged=parsed.unchanged)
    with transaction.atomic():
        units: dict[str, Unit] = {}
        for name, kind in parsed.new_units.items():
            units[name] = save_unit(programme, {"name": name, "kind": kind}, by=by)
            summary.units_created.append(name)
        for row in parsed.rows:
            if row.action == "unchanged":
                continue
            data = _resolve(row.data, units)
            try:
                if row.action == "create":
                    project = services.create_project(programme, data, by=by, reason=reason)
                    summary.created += 1
                elif row.action == "update":
                    project = row.project
                    if data:
                        project = services.update_project(
                            project, data, by=by, expected_version=project.version, reason=reason
                        )
                    summary.updated += 1
                else:
                    raise LedgerImportError([ImportIssue(f"第{row.row}行有错误 / Row {row.row}")])
                if row.lead_official is not None:
                    services.update_task_force(project, {"lead_official": row.lead_official}, by=by)
            except (ValidationError, PermissionDenied, services.ConcurrentEditError) as exc:
                text = "；".join(getattr(exc, "messages", None) or [str(exc)])
                raise LedgerImportError(
                    [
                        ImportIssue(
                            f"第{row.row}行：{text}（未导入任何数据）/ Row {row.row}: {text}"
                            " (nothing was imported)",
                            row=row.row,
                        )
                    ]
                ) from exc
        record_change(
            by=by, action="import", obj=programme, reason=reason, programme_id=programme.pk,
            after={
                "file": file_name, "sheet": parsed.sheet, "created": summary.created,
                "updated": summary.updated, "unchanged": summary.unchanged,
                "units_created": summary.units_created,
            },
        )  # fmt: skip
    return summary
