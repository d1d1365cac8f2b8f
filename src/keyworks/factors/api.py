"""Factor guarantees (要素保障清单) over JSON.

The list uses `FactorFilter`, the same filter as the page and the export. Everyone in a
programme reads; an item you cannot see is 404; a change you may not make is 403; a stale
`version` is 409. Writes go through `factors.services`."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from keyworks.core.calendar import local_today
from keyworks.core.schemas import READ_ERRORS, WRITE_ERRORS, Day, Version
from keyworks.ledger.permissions import choose_programme, get_project
from keyworks.orgs.models import Unit

from . import services
from .filters import FactorFilter, as_then, programme_base
from .models import FactorItem, FactorKind
from .permissions import can_change_factor, get_factor_item

router = Router()
KINDS = " | ".join(FactorKind.values)


class ProjectRef(Schema):
    id: int
    seq: int
    name: str


class UnitRef(Schema):
    id: int
    name: str


class FactorOut(Schema):
    id: int
    project: ProjectRef
    kind: str = Field(description=KINDS)
    kind_label: str
    unit: str = Field(description=gettext_lazy("计量单位"))
    demand: Decimal
    secured: Decimal
    shortfall: Decimal = Field(description=gettext_lazy("缺口 = 需求 − 已保障（不小于0）"))
    overdue: bool = Field(description=gettext_lazy("时限已过且仍有缺口"))
    responsible_unit: UnitRef | None
    deadline: datetime.date | None
    note: str
    version: int = Field(description=gettext_lazy("修改时原样提交"))
    can_change: bool


class KindTotalOut(Schema):
    kind: str
    kind_label: str
    unit: str
    count: int
    demand: Decimal
    secured: Decimal
    shortfall: Decimal
    short_count: int


class FactorPage(Schema):
    count: int
    totals: list[KindTotalOut]
    items: list[FactorOut]


class FactorQuery(Schema):
    programme: str | None = Field(None, description=gettext_lazy("计划代码"))
    q: str | None = Field(None, description=gettext_lazy("项目名称"))
    kind: str | None = Field(None, description=KINDS)
    district: int | None = Field(None, description=gettext_lazy("县(市、区) ID"))
    responsible_unit: int | None = Field(None, description=gettext_lazy("责任单位 ID"))
    shortfall: bool | None = Field(None, description=gettext_lazy("仅有缺口"))
    overdue: bool | None = Field(None, description=gettext_lazy("仅逾期"))
    as_of: Day | None = Field(
        None,
        description=gettext_lazy(
            "截至日期 YYYY-MM-DD：各事项该日结束时的需求、已保障、缺口与逾期（之后新增的不显示）"
        ),
    )


class FactorCreate(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    project: int
    kind: str = Field(description=KINDS)
    demand: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    secured: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    unit: str = Field("", max_length=20, description=gettext_lazy("留空按类别默认"))
    responsible_unit: int | None = None
    deadline: Day | None = None
    note: str = Field("", max_length=5000)


class FactorPatch(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: Version = Field(description="the version you read; 409 if someone saved since")
    kind: str | None = Field(None, description=KINDS)
    demand: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    secured: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    unit: str | None = Field(None, max_length=20)
    responsible_unit: int | None = None
    deadline: Day | None = None
    note: str | None = Field(None, max_length=5000)


def item_out(item: FactorItem, user, today: datetime.date) -> dict:
    unit = item.responsible_unit
    return {
        "id": item.pk,
        "project": {"id": item.project.pk, "seq": item.project.seq, "name": item.project.name},
        "kind": item.kind,
        "kind_label": item.kind_label,
        "unit": item.unit_label,
        "demand": item.demand,
        "secured": item.secured,
        "shortfall": item.shortfall,
        "overdue": item.is_overdue(today),
        "responsible_unit": None if unit is None else {"id": unit.pk, "name": unit.name},
        "deadline": item.deadline,
        "note": item.note,
        "version": item.version,
        "can_change": can_change_factor(user, item),
    }


def unit_by_id(pk: int | None) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.exclude(kind=Unit.Kind.ENTERPRISE).filter(pk=pk).first()
    if unit is None:
        raise ValidationError({"responsible_unit": _("未知的单位 ID：%(ids)s") % {"ids": pk}})
    return unit


@router.get("/factors", response={200: FactorPage, **READ_ERRORS}, tags=["factors"])
def list_factors(request, filters: Query[FactorQuery]):
    """要素保障清单（与页面同一筛选，`as_of` 为截至某日的清单）及按类别合计 / The factor
    list, filtered like the page (`as_of`: as it stood at the end of that day), with
    totals per kind. Outsiders get an empty page."""
    user = request.auth
    programme = choose_programme(user, filters.programme)
    if programme is None:
        return {"count": 0, "totals": [], "items": []}
    factor_filter = FactorFilter(
        request.GET, queryset=programme_base(user, programme), programme=programme
    )
    if not factor_filter.is_valid():
        raise ValidationError({k: list(v) for k, v in factor_filter.errors.items()})
    day = factor_filter.day
    qs = factor_filter.qs.select_related("project__programme")
    items = list(qs.prefetch_related("project__districts"))
    if factor_filter.as_of_date:
        items = as_then(items)
    totals = [{**vars(t), "unit": t.unit_label} for t in services.totals_by_kind(items)]
    return {
        "count": len(items),
        "totals": totals,
        "items": [item_out(i, user, day) for i in items],
    }


@router.get("/factors/{int:item_id}", response={200: FactorOut, **READ_ERRORS}, tags=["factors"])
def get_factor(request, item_id: int):
    """一个要素保障事项 / One factor item."""
    item = get_factor_item(request.auth, item_id)
    return item_out(item, request.auth, local_today())


@router.post("/factors", response={201: FactorOut, **WRITE_ERRORS}, tags=["factors"])
def create_factor(request, payload: FactorCreate):
    """添加要素保障事项（办公室、本专班、所在县区） / Add an item (office, own task force,
    its district)."""
    user = request.auth
    project = get_project(user, payload.project)
    data = payload.model_dump(exclude={"project", "responsible_unit"})
    data["responsible_unit"] = unit_by_id(payload.responsible_unit)
    item = services.create_item(project, data, by=user)
    item = get_factor_item(user, item.pk)
    return Status(201, item_out(item, user, local_today()))


@router.patch("/factors/{int:item_id}", response={200: FactorOut, **WRITE_ERRORS}, tags=["factors"])
def update_factor(request, item_id: int, payload: FactorPatch):
    """修改要素保障事项；责任单位只能更新 secured 和 note；须提交 version，过期则 409。
    / Change an item; the responsible unit may update only `secured` and `note`; send the
    `version` you read (409 if stale)."""
    user = request.auth
    item = get_factor_item(user, item_id, "change")
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "responsible_unit" in data:
        data["responsible_unit"] = unit_by_id(data["responsible_unit"])
    for field in ("kind", "demand", "secured", "unit", "note"):
        if field in data and data[field] is None:
            raise ValidationError({field: _("不能为空")})
    services.update_item(item, data, by=user, expected_version=payload.version)
    item = get_factor_item(user, item_id)
    return item_out(item, user, local_today())
