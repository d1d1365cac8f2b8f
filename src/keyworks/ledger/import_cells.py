"""Cell-level reading of ledger workbooks for the importer: the recognised headers,
the lookups rows are matched against (loaded once, no query per row), and one
parser per kind of cell, which returns the value for ``ledger.services`` or raises
CellError with the reason, in the active language."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from keyworks.core.money import parse_amount
from keyworks.core.validators import normalize_code, validate_project_code
from keyworks.core.xlsx import normalize_header, parse_date
from keyworks.core.xlsx_reader import ErrorValue
from keyworks.orgs.models import Region, Unit

from .models import Category, Grade, Programme, Project, Stage

# Canonical names, used in the preview and in messages about missing values.
FIELD_LABELS: dict[str, Any] = {
    "seq": _lazy("序号"),
    "name": _lazy("项目名称"),
    "code": _lazy("项目代码"),
    "category": _lazy("项目类别"),
    "grade": _lazy("项目级别"),
    "stage": _lazy("建设阶段"),
    "districts": _lazy("所在县(市、区)"),
    "address": _lazy("建设地点"),
    "content": _lazy("建设内容"),
    "owner": _lazy("业主单位"),
    "responsible_unit": _lazy("责任单位"),
    "lead_official": _lazy("牵头市领导"),
    "total_investment": _lazy("总投资（万元）"),
    "annual_investment": _lazy("年度计划投资（万元）"),
    "completed_investment": _lazy("累计完成投资（万元）"),
    "planned_start": _lazy("计划开工"),
    "planned_finish": _lazy("计划竣工"),
    "actual_start": _lazy("实际开工"),
    "actual_finish": _lazy("实际竣工"),
    "annual_target": _lazy("年度目标"),
}
AMOUNT_FIELDS = ("total_investment", "annual_investment", "completed_investment")
TEXT_LIMITS = {"address": 200}  # model max_length; content and annual_target are TextFields
MAX_AMOUNT = Decimal("1000000000000")  # DecimalField(max_digits=14, decimal_places=2)


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
UNIT_NOTE_RE = re.compile(r"单位[:：]?(亿元|万元|元)")
HEADING_NUMBER_RE = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十百]+[)）、.．]|[（(]\d+[)）]|\d+[、.．])"
)
_COUNT_SUFFIX_RE = re.compile(r"[（(][^)）]*[)）]$")
INT_RE = re.compile(r"\d+(?:\.0+)?")


@dataclass(frozen=True)
class UnitRef:
    """A unit named in the file that does not exist yet; created when the import is applied."""

    name: str
    kind: str


class CellError(Exception):
    """A cell's value is unusable; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def in_language(message: str | tuple[str, str]) -> str:
    """A message from shared code in the active language: of a (Chinese, English) pair or a
    "中文 / English" text the half for the language; a one-language message as it is."""
    if isinstance(message, str):
        if " / " not in message:
            return message
        message = tuple(part.strip() for part in message.split(" / ", 1))
    zh, en = message
    return en if (get_language() or "").startswith("en") else zh


def empty(value: Any) -> bool:
    """A parsed value that says nothing: None, "" or no districts."""
    return value is None or value == "" or value == []


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_of(value: Any) -> str:
    """Cell text: numbers without a spurious .0, outer whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    return str(value).strip()


def one_line(value: Any) -> str:
    """Names and short texts: line breaks inside a cell are layout, not content."""
    return re.sub(r"\s*[\r\n]+\s*", "", text_of(value))


def norm_key(text: str) -> str:
    return normalize_header(unicodedata.normalize("NFKC", text))


def may_be_total(values) -> bool:
    """Cheap pre-check for is_total_row: 合计/小计/总计 in one of the first two texts."""
    seen = 0
    for value in values:
        if blank(value):
            continue
        if isinstance(value, str) and "计" in value:
            return True
        seen += 1
        if seen == 2:
            return False
    return False


def dash_only(value: Any) -> bool:
    return isinstance(value, str) and bool(_DASH_ONLY_RE.fullmatch(value.strip()))


class Lookups:
    """Everything rows are matched against, loaded once (no query per row)."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.categories: dict[str, Category] = {}
        self.category_list = list(programme.categories.all())
        for category in self.category_list:
            self.categories[norm_key(category.code)] = category
        for category in self.category_list:
            self.categories[norm_key(category.name)] = category
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
                self.regions[norm_key(name)] = r
            if r.code:
                self.regions[r.code] = r
        self.regions.setdefault("全市", region)
        self.units: dict[str, Unit] = {}
        short_names: dict[str, list[Unit]] = {}
        for unit in Unit.objects.only("id", "name", "short_name", "kind"):
            self.units[norm_key(unit.name)] = unit
            if unit.short_name:
                short_names.setdefault(norm_key(unit.short_name), []).append(unit)
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
        self.grades = choice_lookup(Grade, GRADE_WORDS)
        self.stages = choice_lookup(Stage, STAGE_WORDS)

    def category(self, text: str) -> Category | None:
        key = norm_key(text)
        for candidate in (key, re.sub(r"(?:类项目|项目|类)$", "", key)):
            if candidate in self.categories:
                return self.categories[candidate]
        return None

    def heading_category(self, text: str) -> Category | None:
        """The category a heading row such as "一、十大工业项目（10个）" starts."""
        key = _COUNT_SUFFIX_RE.sub("", HEADING_NUMBER_RE.sub("", norm_key(text)))
        found = self.category(key)
        if found:
            return found
        matches = [c for c in self.category_list if norm_key(c.name) in key]
        return max(matches, key=lambda c: len(c.name)) if matches else None


def choice_lookup(choices, words: dict) -> dict[str, str]:
    """Values by their code, their label (Chinese, the active language's and English: a
    ledger exported in English reads back) and the usual Chinese words."""
    lookup = {}
    for value, label in choices.choices:
        lookup[norm_key(value)] = value
        lookup[norm_key(str(label))] = value
        with translation.override("en"):
            lookup.setdefault(norm_key(str(label)), value)
        with translation.override(settings.LANGUAGE_CODE):
            lookup.setdefault(norm_key(str(label)), value)
    for value, names in words.items():
        for name in names:
            lookup.setdefault(norm_key(name), value)
    return lookup


class CellParser:
    """Parses the cells of one sheet; ``columns`` maps field -> (index, header, unit)."""

    def __init__(self, lookups: Lookups, columns: dict) -> None:
        self.lookups = lookups
        self.columns = columns
        self.new_units: dict[str, UnitRef] = {}  # units named in the file but unknown
        self.notes: list[tuple[str, str]] = []  # warnings: (field, message)

    def parse(self, name: str, raw: Any) -> Any:
        if isinstance(raw, ErrorValue):
            raise CellError(in_language(raw.messages()))
        return getattr(self, f"parse_{name}", self.parse_text)(raw, name)

    def parse_text(self, raw, name):
        if blank(raw):
            return ""
        text = one_line(raw) if name == "address" else text_of(raw)
        limit = TEXT_LIMITS.get(name)
        if limit and len(text) > limit:
            raise CellError(_("内容过长（最多 %(limit)s 字）") % {"limit": limit})
        return text

    def parse_seq(self, raw, name):
        if blank(raw):
            return None
        text = text_of(raw)
        if not INT_RE.fullmatch(text) or int(float(text)) < 1:
            raise CellError(_("序号应为正整数，而不是“%(text)s”") % {"text": text})
        return int(float(text))

    def parse_name(self, raw, name):
        text = one_line(raw)
        if len(text) > 200:
            raise CellError(_("项目名称过长（最多 200 字）"))
        return text

    def parse_code(self, raw, name):
        if blank(raw) or dash_only(raw):
            return ""
        code = normalize_code(text_of(raw))
        try:
            validate_project_code(code)
        except ValidationError as exc:
            raise CellError(
                _("%(reason)s：“%(text)s”")
                % {"reason": in_language(exc.messages[0]), "text": text_of(raw)}
            ) from None
        return code

    def parse_category(self, raw, name):
        if blank(raw):
            return None
        category = self.lookups.category(one_line(raw))
        if category is None:
            known = "、".join(c.name for c in self.lookups.category_list)
            raise CellError(
                _("未知项目类别“%(text)s”（本计划的类别：%(known)s）")
                % {"text": one_line(raw), "known": known}
            )
        return category

    def _choice(self, raw, lookup, choices, what):
        if blank(raw):
            return None
        value = lookup.get(norm_key(one_line(raw)))
        if value is None:
            allowed = "、".join(str(label) for _value, label in choices.choices)
            raise CellError(
                _("未知%(what)s“%(text)s”（可填：%(allowed)s）")
                % {"what": what, "text": one_line(raw), "allowed": allowed}
            )
        return value

    def parse_grade(self, raw, name):
        return self._choice(raw, self.lookups.grades, Grade, _("项目级别"))

    def parse_stage(self, raw, name):
        return self._choice(raw, self.lookups.stages, Stage, _("建设阶段"))

    def parse_districts(self, raw, name):
        if blank(raw) or dash_only(raw):
            return []
        found, unknown = [], []
        for part in _SEPARATORS_RE.split(text_of(raw)):
            part = part.strip()
            if not part:
                continue
            region = self.lookups.regions.get(part) or self.lookups.regions.get(norm_key(part))
            if region is None:
                unknown.append(part)
            elif region.pk not in found:
                found.append(region.pk)
        if unknown:
            names = "、".join(unknown)
            raise CellError(
                _("未知县(市、区)“%(names)s”（须为%(region)s所辖县(市、区)）")
                % {"names": names, "region": self.lookups.programme.region.name}
            )
        return sorted(found)

    def _unit(self, raw, name, kind):
        if blank(raw) or dash_only(raw):
            return None
        text = one_line(raw)
        parts = [p for p in re.split(r"[、，,；;]", text) if p.strip()]
        unit_name = parts[0].strip() if parts else text
        if len(parts) > 1:
            self.notes.append(
                (name, _("填写了多个单位，仅记录第一个“%(unit)s”") % {"unit": unit_name})
            )
        key = norm_key(unit_name)
        unit = self.lookups.units.get(key)
        if unit is not None:
            return unit
        if len(unit_name) > 100:
            raise CellError(_("单位名称过长（最多 100 字）"))
        if key not in self.new_units:  # the first spelling and use decide name and kind
            self.new_units[key] = UnitRef(unit_name, kind)
        return self.new_units[key]

    def parse_owner(self, raw, name):
        return self._unit(raw, name, Unit.Kind.ENTERPRISE)

    def parse_responsible_unit(self, raw, name):
        return self._unit(raw, name, Unit.Kind.DEPARTMENT)

    def parse_lead_official(self, raw, name):
        text = "" if dash_only(raw) else one_line(raw)
        if len(text) > 50:
            raise CellError(_("内容过长（最多 %(limit)s 字）") % {"limit": 50})
        return text

    def _amount(self, raw, name):
        if blank(raw) or dash_only(raw):
            return None
        unit = self.columns[name][2] or "万元"
        try:
            value = parse_amount(raw, unit)
        except ValueError:
            raise CellError(_("不是有效金额“%(text)s”") % {"text": text_of(raw)}) from None
        if value < 0:
            raise CellError(_("金额不能为负数“%(text)s”") % {"text": text_of(raw)})
        if value >= MAX_AMOUNT:
            raise CellError(_("金额过大“%(text)s”") % {"text": text_of(raw)})
        return value

    parse_total_investment = _amount
    parse_annual_investment = _amount
    parse_completed_investment = _amount

    def _date(self, raw, name):
        if blank(raw) or dash_only(raw):
            return None
        try:
            return parse_date(raw)
        except ValueError as exc:
            if "无法区分" in str(exc) or "Ambiguous" in str(exc):  # January or October?
                raise CellError(in_language(str(exc))) from None
            raise CellError(
                _("不是有效日期“%(text)s”（可填 2025-03-01、2025-03、2025年3月、2025.3）")
                % {"text": text_of(raw)}
            ) from None

    parse_planned_start = _date
    parse_planned_finish = _date
    parse_actual_start = _date
    parse_actual_finish = _date
