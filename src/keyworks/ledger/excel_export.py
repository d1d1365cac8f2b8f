"""Export the ledger (台账) as an .xlsx workbook in the layout offices exchange.

Layout: a title row (programme name + 项目台账 + date), a unit note, one header row,
the projects grouped by category each followed by a 小计 row, then a 合计 row.
Amounts in 万元. The header is frozen and repeated on every printed page; the page
is A3 landscape, fitted to the page width.

Written by `core.sheets.TableSheet` (streaming; text never runs as a formula).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from openpyxl import Workbook

from keyworks.core.extensions import collect
from keyworks.core.sheets import HEADER_ROW, XLSX_CONTENT_TYPE, Column, TableSheet

from .models import Grade, Programme, Project, Stage, districts_prefetch

__all__ = [
    "COLUMNS", "HEADER_ROW", "XLSX_CONTENT_TYPE", "export_filename", "ledger_title",
    "prepare_queryset", "write_ledger_xlsx",
]  # fmt: skip


def _districts(p: Project) -> str:
    regions = getattr(p, "district_list", None)  # prepare_queryset's plain list
    return "、".join(r.name for r in (p.districts.all() if regions is None else regions))


_LABELS: dict[tuple[type, str, str | None], str] = {}


def _label(choices, value: str) -> str:
    """The choice label, looked up once (get_FOO_display re-hashes the choices per call)."""
    key = (choices, value, get_language())
    if key not in _LABELS:
        _LABELS[key] = str(dict(choices.choices).get(value, value))
    return _LABELS[key]


def _name(obj) -> str:
    return obj.name if obj is not None else ""


# The header row and the 小计 / 合计 rows stay in Chinese whatever the language: they are
# what the importer reads back (an exported ledger imports as it is).
COLUMNS: list[Column] = [
    Column("序号", 6, "int", lambda p: p.seq),
    Column("项目名称", 28, "text", lambda p: p.name),
    Column("项目代码", 25, "short", lambda p: p.code),
    Column("项目类别", 12, "short", lambda p: p.category.name),
    Column("项目级别", 8, "short", lambda p: _label(Grade, p.grade)),
    Column("建设阶段", 8, "short", lambda p: _label(Stage, p.stage)),
    Column("所在县(市、区)", 13, "short", _districts),
    Column("建设地点", 20, "text", lambda p: p.address),
    Column("建设内容", 42, "text", lambda p: p.content),
    Column("业主单位", 22, "text", lambda p: _name(p.owner)),
    Column("责任单位", 22, "text", lambda p: _name(p.responsible_unit)),
    Column("牵头市领导", 10, "short", lambda p: p.task_force.lead_official if p.task_force else ""),
    Column("总投资（万元）", 13, "money", lambda p: p.total_investment),
    Column("年度计划投资（万元）", 13, "money", lambda p: p.annual_investment),
    Column("累计完成投资（万元）", 13, "money", lambda p: p.completed_investment),
    Column("计划开工", 11, "date", lambda p: p.planned_start),
    Column("计划竣工", 11, "date", lambda p: p.planned_finish),
    Column("实际开工", 11, "date", lambda p: p.actual_start),
    Column("实际竣工", 11, "date", lambda p: p.actual_finish),
    Column("年度目标", 32, "text", lambda p: p.annual_target),
]
# Loaded for the export (fewer columns: a third less time building model instances).
EXPORT_FIELDS = [
    "programme_id", "seq", "name", "code", "grade", "stage", "address", "content",
    "annual_target", "total_investment", "annual_investment", "completed_investment",
    "planned_start", "planned_finish", "actual_start", "actual_finish", "archived_at",
    "category__name", "category__code", "category__sort", "owner__name",
    "responsible_unit__name", "task_force__lead_official",
]  # fmt: skip
MONEY_COLUMNS = [i for i, c in enumerate(COLUMNS) if c.kind == "money"]


def ledger_title(programme: Programme, today: dt.date) -> str:
    return _("%(programme)s项目台账（%(year)s年%(month)s月%(day)s日）") % {
        "programme": programme.name,
        "year": today.year,
        "month": today.month,
        "day": today.day,
    }


def export_filename(programme: Programme, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return _("台账-%(code)s-%(date)s.xlsx") % {"code": programme.code, "date": f"{today:%Y%m%d}"}


def prepare_queryset(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Group by category (keeping the caller's order inside each) and load the related
    rows in a constant number of queries."""
    ordering = list(projects.query.order_by) or list(Project._meta.ordering)
    return (
        projects.select_related("category", "owner", "responsible_unit", "task_force")
        .prefetch_related(districts_prefetch(names_only=True))
        .only(*EXPORT_FIELDS)
        .order_by("category__sort", "category__code", "category_id", *ordering)
    )


def unit_note(programme: Programme, listed: set[int], today: dt.date) -> str:
    """The line under the title. The workbook lists and sums every project it holds; when
    some are paused in the dashboard's month (which the ledger list and every rollup leave
    out of the annual plan), it says how many, so its totals are read as they are."""
    month, paused = (collect("paused_projects", programme) or [(None, set())])[0]
    count = len(paused & listed)
    if not count:
        return _("单位：万元　导出日期：%(date)s") % {"date": f"{today:%Y-%m-%d}"}
    message = ngettext(
        "单位：万元　导出日期：%(date)s　小计与合计含%(month)s暂停项目%(n)s个",
        "单位：万元　导出日期：%(date)s　小计与合计含%(month)s暂停项目%(n)s个",
        count,
    )
    return message % {
        "date": f"{today:%Y-%m-%d}",
        "month": f"{month:%Y-%m}",
        "n": count,
    }


def write_ledger_xlsx(
    programme: Programme,
    projects: QuerySet[Project] | Iterable[Project],
    fileobj: IO[bytes],
    *,
    today: dt.date | None = None,
) -> int:
    """Write `projects` of `programme` as a 台账 workbook to `fileobj`; return the count.

    Given a QuerySet, it is grouped by category and read in chunks with its related
    rows (a constant number of queries). Given a list, it should already be grouped
    by category with the related rows loaded.
    """
    today = today or timezone.localdate()
    if isinstance(projects, QuerySet):
        listed = set(projects.values_list("pk", flat=True))
        rows: Iterable[Project] = prepare_queryset(projects).iterator(chunk_size=2000)
    else:
        rows = list(projects)
        listed = {project.pk for project in rows}
    wb = Workbook(write_only=True)
    sheet = TableSheet(wb, _("台账"), COLUMNS, demo=programme.is_demo)
    sheet.heading(ledger_title(programme, today), unit_note(programme, listed, today))
    width = len(COLUMNS)

    def total_row(label: str, text: str, sums: list[Decimal], category: str = "") -> None:
        values: list[Any] = [None] * width
        values[0], values[1], values[3] = label, text, category
        for i, total in zip(MONEY_COLUMNS, sums, strict=True):
            values[i] = total
        sheet.total_row(values)

    grand = [Decimal(0)] * len(MONEY_COLUMNS)
    count = 0
    category = None
    sub = [Decimal(0)] * len(MONEY_COLUMNS)
    sub_count = 0
    for project in rows:
        if category is not None and project.category_id != category.pk:
            total_row("小计", f"{category.name}（{sub_count}个项目）", sub, category.name)
            sub, sub_count = [Decimal(0)] * len(MONEY_COLUMNS), 0
        category = project.category
        values = [column.value(project) for column in COLUMNS]
        sheet.row(values)
        for n, i in enumerate(MONEY_COLUMNS):
            if values[i] is not None:
                sub[n] += values[i]
                grand[n] += values[i]
        count += 1
        sub_count += 1
    if category is not None:
        total_row("小计", f"{category.name}（{sub_count}个项目）", sub, category.name)
    total_row("合计", f"共{count}个项目", grand)
    wb.save(fileobj)
    return count
