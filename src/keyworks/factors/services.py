"""Factor guarantee services: every write checks permission, validates, writes and
audits in one transaction; stale edits are refused (optimistic locking)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit.services import diff, record_change, snapshot
from keyworks.core.calendar import local_today, planned_error
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import check_version
from keyworks.ledger.models import Programme, Project

from .models import DEFAULT_UNITS, FactorEvent, FactorItem, FactorKind
from .permissions import can_edit_factors, factor_fields

FIELDS = ("kind", "demand", "secured", "unit", "responsible_unit", "deadline", "note")


class ConcurrentEditError(BaseConcurrentEditError):
    message = gettext_lazy("该要素保障事项已被他人修改，您的修改未保存。请刷新后重试。")

    def __str__(self) -> str:
        return str(self.message)


CENT = Decimal("0.01")


def _snapshot(item: FactorItem) -> dict:
    return snapshot(item, list(FIELDS))


def _quantize(item: FactorItem) -> None:
    """Amounts as stored (2 places), so 100 and 100.00 compare equal in diffs."""
    for field in ("demand", "secured"):
        value = getattr(item, field)
        if isinstance(value, Decimal | int):
            setattr(item, field, Decimal(value).quantize(CENT))


def _audit(item: FactorItem, *, by, action, before=None, after=None, reason=""):
    record_change(
        by=by,
        action=action,
        obj=item,
        before=before,
        after=after,
        reason=reason,
        project_id=item.project_id,
        programme_id=item.project.programme_id,
    )


def record_event(item: FactorItem, *, by, at=None) -> FactorEvent:
    """Append the item's figures as they now stand (the history the as-of list reads)."""
    return FactorEvent.objects.create(
        item=item,
        at=at or timezone.now(),
        demand=item.demand,
        secured=item.secured,
        deadline=item.deadline,
        actor=by,
        note=item.note,
    )


def _validate(item: FactorItem) -> None:
    errors = {}
    for field in ("demand", "secured"):
        value = getattr(item, field)
        if isinstance(value, str | int | float):
            try:
                setattr(item, field, Decimal(str(value)))
            except ArithmeticError:
                errors[field] = _("请填写数字")
    if item.kind not in FactorKind.values:
        errors["kind"] = _("请选择要素类别")
    negative = {"demand": _("需求量须为非负数"), "secured": _("已保障量须为非负数")}
    for field, message in negative.items():
        value = getattr(item, field)
        if field not in errors and (value is None or not value.is_finite() or value < 0):
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    _quantize(item)
    item.unit = (item.unit or "").strip() or DEFAULT_UNITS.get(item.kind, "")
    item.note = (item.note or "").strip()
    item.full_clean(exclude=["project", "version"])
    if problem := planned_error(item.deadline, item.project.programme.year):
        raise ValidationError({"deadline": problem})


@transaction.atomic
def create_item(project: Project, data: dict, *, by) -> FactorItem:
    """A new item on `project`. `data`: kind, demand, secured, unit, responsible_unit,
    deadline, note (the unit defaults by kind)."""
    if not can_edit_factors(by, project):
        raise PermissionDenied(_("您没有权限为该项目填报要素保障"))
    values = {k: data[k] for k in FIELDS if k in data}
    values.setdefault("secured", Decimal("0"))
    item = FactorItem(project=project, **values)
    _validate(item)
    item.save()
    record_event(item, by=by)
    _audit(item, by=by, action="create", after=_snapshot(item))
    return item


@transaction.atomic
def update_item(
    item: FactorItem, data: dict, *, by, expected_version: int | None = None, reason: str = ""
) -> FactorItem:
    """Apply `data` (field → value). A responsible unit's user may change only `secured`
    and `note`; a save by someone else since `expected_version` is refused."""
    current = (
        FactorItem.objects.select_for_update()
        .select_related("project", "project__programme")
        .get(pk=item.pk)
    )
    allowed = factor_fields(by, current)
    if allowed is not None and not allowed:
        raise PermissionDenied(_("您没有权限修改该要素保障事项"))
    check_version(current, expected_version, ConcurrentEditError)
    before = _snapshot(current)
    for field, value in data.items():
        if field not in FIELDS:
            raise ValidationError({field: _("未知字段：%(field)s") % {"field": field}})
        setattr(current, field, value)
    _validate(current)
    changed = set(diff(before, _snapshot(current))[1])
    if allowed is not None and changed - allowed:
        names = "、".join(
            str(FactorItem._meta.get_field(f).verbose_name) for f in sorted(changed - allowed)
        )
        raise PermissionDenied(
            _("您只能更新已保障量和备注，无权修改：%(fields)s") % {"fields": names}
        )
    if not changed:
        return current
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    record_event(current, by=by)
    b, a = diff(before, _snapshot(current))
    _audit(current, by=by, action="update", before=b, after=a, reason=reason)
    return current


def with_shortfall(items: QuerySet[FactorItem]) -> QuerySet[FactorItem]:
    return items.filter(demand__gt=F("secured"))


def overdue(items: QuerySet[FactorItem], today: datetime.date) -> QuerySet[FactorItem]:
    return with_shortfall(items).filter(deadline__lt=today)


def programme_items(programme: Programme) -> QuerySet[FactorItem]:
    return FactorItem.objects.filter(project__programme=programme, project__archived_at=None)


def shortfalls(programme: Programme, today: datetime.date | None = None) -> list[FactorItem]:
    """Items of the programme's live projects with demand not yet secured, earliest
    deadline first (no deadline last). Each has .project, .kind_label, .demand, .secured,
    .shortfall, .unit_label, .deadline, .responsible_unit and .overdue."""
    today = today or local_today()
    items = list(
        with_shortfall(programme_items(programme))
        .select_related("project", "responsible_unit")
        .order_by(F("deadline").asc(nulls_last=True), "project__seq", "kind", "id")
    )
    for item in items:
        item.overdue = item.is_overdue(today)
    return items


@dataclass
class KindTotal:
    kind: str
    kind_label: str
    unit_label: str
    count: int = 0
    demand: Decimal = Decimal("0")
    secured: Decimal = Decimal("0")
    shortfall: Decimal = Decimal("0")
    short_count: int = 0


def totals_by_kind(items) -> list[KindTotal]:
    """Sums per kind and unit (energy may be counted in 吨标煤 and 万千瓦时: never added up)."""
    order = {k: i for i, k in enumerate(FactorKind.values)}
    totals: dict[tuple[str, str], KindTotal] = {}
    for item in items:
        key = (item.kind, item.unit_label)
        total = totals.setdefault(key, KindTotal(item.kind, item.kind_label, item.unit_label))
        total.count += 1
        total.demand += item.demand
        total.secured += item.secured
        total.shortfall += item.shortfall
        total.short_count += item.has_shortfall
    return sorted(totals.values(), key=lambda t: (order.get(t.kind, 99), t.unit_label))
