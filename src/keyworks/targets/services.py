"""Annual target services: every write checks the permission, validates, writes and audits
in one transaction. Views, the API and the demo's callers all use these."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from keyworks.audit.services import diff, record_change, snapshot, to_json
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import check_version
from keyworks.ledger import services as ledger_services
from keyworks.ledger.models import Project

from .models import (
    OPEN_STATUSES,
    AnnualTarget,
    ItemKind,
    ItemState,
    TargetItem,
    TargetStatus,
)
from .permissions import require_target

MAX_ITEMS = 50
MAX_INVESTMENT = Decimal("999999999999.99")
ACCEPT, RETURN = "accept", "return"


class ConcurrentEditError(BaseConcurrentEditError):
    """Somebody saved the target after this user opened it."""

    @property
    def message(self) -> str:
        return _("该年度目标已被他人修改，您的修改未保存。请刷新页面查看最新内容后重新操作。")


# --- reading -------------------------------------------------------------------------


def accepted_target(project: Project, year: int) -> AnnualTarget | None:
    """The current accepted version of the project's target for `year` (what measures use)."""
    return (
        AnnualTarget.objects.filter(project=project, year=year, status=TargetStatus.ACCEPTED)
        .order_by("-revision")
        .first()
    )


def latest_target(project: Project, year: int) -> AnnualTarget | None:
    """The newest version, accepted or not."""
    return AnnualTarget.objects.filter(project=project, year=year).order_by("-revision").first()


def target_history(project: Project, year: int):
    """Every version, newest first, with its items."""
    return (
        AnnualTarget.objects.filter(project=project, year=year)
        .select_related("submitted_by", "reviewed_by", "created_by")
        .prefetch_related("items")
        .order_by("-revision")
    )


def milestones(target: AnnualTarget) -> list[TargetItem]:
    return [i for i in target.items.all() if i.kind == ItemKind.MILESTONE]


def indicators(target: AnnualTarget) -> list[TargetItem]:
    return [i for i in target.items.all() if i.kind == ItemKind.INDICATOR]


def item_data(item: TargetItem) -> dict:
    if item.kind == ItemKind.MILESTONE:
        return {"name": item.name, "planned_date": item.planned_date}
    return {"name": item.name, "unit": item.unit, "value": item.value}


def target_data(target: AnnualTarget) -> dict:
    """The target's content in the shape the write functions take."""
    return {
        "investment": target.investment,
        "milestones": [item_data(i) for i in milestones(target)],
        "indicators": [item_data(i) for i in indicators(target)],
    }


# --- validation ----------------------------------------------------------------------


def _decimal(value, field: str, label: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        errors.setdefault(field, []).append(_("请填写%(label)s") % {"label": label})
        return None
    try:
        number = Decimal(str(value))
        rounded = number.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("%(label)s应为数字") % {"label": label})
        return None
    if rounded != number:
        errors.setdefault(field, []).append(_("%(label)s最多两位小数") % {"label": label})
        return None
    number = rounded
    if number < 0:
        errors.setdefault(field, []).append(_("%(label)s不能为负数") % {"label": label})
        return None
    if number > MAX_INVESTMENT:
        errors.setdefault(field, []).append(_("%(label)s过大") % {"label": label})
        return None
    return number


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def clean_data(data: dict, year: int) -> dict:
    """Checked, normalised target content: investment (万元), milestones, indicators.
    Errors name the field and the row (第N行)."""
    errors: dict[str, list[str]] = {}
    investment = _decimal(data.get("investment"), "investment", _("年度计划投资（万元）"), errors)
    cleaned_milestones, names = [], set()
    for n, row in enumerate(data.get("milestones") or [], start=1):
        name = str(row.get("name") or "").strip()
        day = _date(row.get("planned_date")) if row.get("planned_date") else None
        problems = []
        if not name:
            problems.append(_("请填写节点名称"))
        elif len(name) > 100:
            problems.append(_("节点名称不超过100字"))
        elif name in names:
            problems.append(_("节点“%(name)s”重复") % {"name": name})
        if day is None:
            problems.append(_("请填写计划日期（YYYY-MM-DD）"))
        elif day.year != year:
            problems.append(_("计划日期应在%(year)s年内") % {"year": year})
        if problems:
            errors.setdefault("milestones", []).append(row_problems(n, problems))
        names.add(name)
        cleaned_milestones.append({"name": name, "planned_date": day})
    cleaned_indicators, names = [], set()
    for n, row in enumerate(data.get("indicators") or [], start=1):
        name = str(row.get("name") or "").strip()
        unit = str(row.get("unit") or "").strip()
        row_errors: dict[str, list[str]] = {}
        value = _decimal(row.get("value"), "value", _("目标值"), row_errors)
        problems = list(row_errors.get("value", []))
        if not name:
            problems.append(_("请填写指标名称"))
        elif len(name) > 100:
            problems.append(_("指标名称不超过100字"))
        elif name in names:
            problems.append(_("指标“%(name)s”重复") % {"name": name})
        if not unit:
            problems.append(_("请填写单位"))
        elif len(unit) > 20:
            problems.append(_("单位不超过20字"))
        if problems:
            errors.setdefault("indicators", []).append(row_problems(n, problems))
        names.add(name)
        cleaned_indicators.append({"name": name, "unit": unit, "value": value})
    if len(cleaned_milestones) > MAX_ITEMS or len(cleaned_indicators) > MAX_ITEMS:
        errors.setdefault("__all__", []).append(
            _("节点和指标各不超过%(max)s条") % {"max": MAX_ITEMS}
        )
    if errors:
        raise ValidationError(errors)
    return {
        "investment": investment,
        "milestones": cleaned_milestones,
        "indicators": cleaned_indicators,
    }


def row_problems(n: int, problems: list[str]) -> str:
    """The problems of the n-th milestone or indicator, as one message."""
    return _("第%(row)s行：%(problems)s") % {"row": n, "problems": _("；").join(problems)}


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度应为2000至2100之间的年份")})
    return year


# --- writing -------------------------------------------------------------------------


def target_snapshot(target: AnnualTarget) -> dict:
    data = snapshot(target)
    for key in ("created_at", "updated_at", "version"):
        data.pop(key, None)
    data["items"] = [
        {
            "kind": i.kind,
            "name": i.name,
            "planned_date": to_json(i.planned_date),
            "unit": i.unit,
            "value": to_json(i.value),
            "state": i.state,
            "comment": i.comment,
        }
        for i in target.items.order_by("-kind", "sort", "id")
    ]
    return data


def _audit(target, *, by, action, before=None, after=None, reason=""):
    record_change(
        by=by,
        action=action,
        obj=target,
        before=before,
        after=after,
        reason=reason,
        project_id=target.project_id,
        programme_id=target.project.programme_id,
    )


def _locked(target: AnnualTarget) -> AnnualTarget:
    return (
        AnnualTarget.objects.select_for_update(of=("self",))
        .select_related("project", "project__programme", "project__task_force")
        .get(pk=target.pk)
    )


def _bump(target: AnnualTarget) -> AnnualTarget:
    target.version = F("version") + 1
    target.save()
    target.refresh_from_db()
    return target


def _signature(kind: str, row: dict) -> tuple:
    if kind == ItemKind.MILESTONE:
        return (kind, row["name"], row["planned_date"])
    value = row["value"]
    return (kind, row["name"], row["unit"], None if value is None else Decimal(value).normalize())


def _replace_items(target: AnnualTarget, cleaned: dict) -> None:
    """Make the target's items match `cleaned`: unchanged items keep their review state
    and comment, changed or new ones are pending, missing ones go. An item the office
    already accepted may not change."""
    existing: dict[tuple, list[TargetItem]] = {}
    for item in target.items.all():
        existing.setdefault(_signature(item.kind, item_data(item)), []).append(item)
    keep, new = [], []
    for kind, rows in ((ItemKind.MILESTONE, cleaned["milestones"]),
                       (ItemKind.INDICATOR, cleaned["indicators"])):  # fmt: skip
        for sort, row in enumerate(rows):
            matches = existing.get(_signature(kind, row))
            if matches:
                item = matches.pop(0)
                item.sort = sort
                keep.append(item)
            else:
                new.append(TargetItem(target=target, kind=kind, sort=sort, **row))
    gone = [item for items in existing.values() for item in items]
    locked = [item.name for item in gone if item.state == ItemState.ACCEPTED]
    if locked:
        raise ValidationError(
            {
                "__all__": _("已通过审核的条目不能修改或删除：%(items)s")
                % {"items": "、".join(locked)}
            }
        )  # fmt: skip
    TargetItem.objects.filter(pk__in=[item.pk for item in gone]).delete()
    TargetItem.objects.bulk_update(keep, ["sort"])
    TargetItem.objects.bulk_create(new)


@transaction.atomic
def create_target(project: Project, year: int, data: dict, *, by) -> AnnualTarget:
    """The first version (第1版) of the project's target for `year`, as a draft."""
    require_target(by, "create", project)
    year = check_year(year)
    if AnnualTarget.objects.filter(project=project, year=year).exists():
        raise ValidationError(
            {"year": _("%(year)s年度目标已存在，请修改现有版本或提出调整。") % {"year": year}}
        )
    cleaned = clean_data(data, year)
    try:
        with transaction.atomic():
            target = AnnualTarget.objects.create(
                project=project, year=year, investment=cleaned["investment"], created_by=by
            )
    except IntegrityError:  # somebody created it a moment ago
        raise ValidationError({"year": _("%(year)s年度目标已存在") % {"year": year}}) from None
    _replace_items(target, cleaned)
    _audit(target, by=by, action="create", after=target_snapshot(target))
    return target


@transaction.atomic
def save_target(
    target: AnnualTarget, data: dict, *, by, expected_version: int | None = None
) -> AnnualTarget:
    """Change a draft or returned version. On a returned version the items the office
    accepted stay as they are; changed items go back to pending."""
    current = _locked(target)
    if current.status not in (TargetStatus.DRAFT, TargetStatus.RETURNED):
        require_target(by, "view", current)
        raise PermissionDenied(_("年度目标已提交或已通过，不能直接修改；如需调整请提出新版本。"))
    require_target(by, "edit", current)
    check_version(current, expected_version, ConcurrentEditError)
    cleaned = clean_data(data, current.year)
    before = target_snapshot(current)
    if cleaned["investment"] != current.investment:
        if current.investment_state == ItemState.ACCEPTED:
            raise ValidationError({"investment": _("年度计划投资已通过审核，不能修改")})
        current.investment = cleaned["investment"]
        current.investment_state = ItemState.PENDING
    _replace_items(current, cleaned)
    _bump(current)
    b, a = diff(before, target_snapshot(current))
    if a:
        _audit(current, by=by, action="update", before=b, after=a)
    return current


@transaction.atomic
def submit_target(target: AnnualTarget, *, by, expected_version: int | None = None) -> AnnualTarget:
    """Submit for review. Submitting an already submitted version changes nothing."""
    current = _locked(target)
    if current.status == TargetStatus.SUBMITTED:
        require_target(by, "view", current)
        return current  # idempotent: a double click submits once
    require_target(by, "submit", current)
    check_version(current, expected_version, ConcurrentEditError)
    before = target_snapshot(current)
    if current.investment_state == ItemState.RETURNED:
        current.investment_state = ItemState.PENDING
    current.items.filter(state=ItemState.RETURNED).update(state=ItemState.PENDING)
    current.status = TargetStatus.SUBMITTED
    current.submitted_at = timezone.now()
    current.submitted_by = by
    _bump(current)
    b, a = diff(before, target_snapshot(current))
    _audit(current, by=by, action="submit", before=b, after=a)
    return current


def pending_keys(target: AnnualTarget) -> list[str]:
    """The review keys ("investment", "item-<id>") the office still has to decide."""
    keys = ["investment"] if target.investment_state == ItemState.PENDING else []
    keys += [f"item-{i.pk}" for i in target.items.all() if i.state == ItemState.PENDING]
    return keys


@transaction.atomic
def review_target(
    target: AnnualTarget, decisions: dict, *, by, expected_version: int | None = None
) -> AnnualTarget:
    """The office's item-by-item review. `decisions` maps "investment" and "item-<id>" to
    (ACCEPT | RETURN, comment); every pending item needs one, a return needs a comment.
    All items accepted: the version is accepted (locked) and becomes the current target;
    otherwise it goes back to the task force."""
    current = _locked(target)
    require_target(by, "review", current)
    check_version(current, expected_version, ConcurrentEditError)
    items = {f"item-{i.pk}": i for i in current.items.all()}
    pending = pending_keys(current)
    errors = []
    unknown = set(decisions) - set(pending)
    if unknown:
        errors.append(_("只能审核待审核的条目：%(items)s") % {"items": ", ".join(sorted(unknown))})
    for key in pending:
        label = _("年度计划投资") if key == "investment" else items[key].name
        decision, comment = decisions.get(key, (None, ""))
        if decision not in (ACCEPT, RETURN):
            errors.append(_("请对“%(item)s”选择通过或退回") % {"item": label})
        elif decision == RETURN and not (comment or "").strip():
            errors.append(_("退回“%(item)s”时请填写意见") % {"item": label})
    if errors:
        raise ValidationError({"decisions": errors})
    before = target_snapshot(current)
    for key in pending:
        decision, comment = decisions[key]
        state = ItemState.ACCEPTED if decision == ACCEPT else ItemState.RETURNED
        if key == "investment":
            current.investment_state, current.investment_comment = state, comment.strip()
        else:
            items[key].state, items[key].comment = state, comment.strip()
    TargetItem.objects.bulk_update(list(items.values()), ["state", "comment"])
    states = [current.investment_state] + [i.state for i in items.values()]
    accepted = all(s == ItemState.ACCEPTED for s in states)
    current.status = TargetStatus.ACCEPTED if accepted else TargetStatus.RETURNED
    current.reviewed_at = timezone.now()
    current.reviewed_by = by
    _bump(current)
    b, a = diff(before, target_snapshot(current))
    _audit(current, by=by, action="accept" if accepted else "return", before=b, after=a)
    if accepted:
        follow_in_ledger(current, by=by)
    return current


def follow_in_ledger(target: AnnualTarget, *, by) -> None:
    """The project's annual investment (what the measures use) follows the accepted
    target of its programme's year; audited by the ledger service."""
    project = target.project
    if target.year != project.programme.year or project.annual_investment == target.investment:
        return
    ledger_services.update_project(
        project,
        {"annual_investment": target.investment},
        by=by,
        reason=f"{target.year}年度目标第{target.revision}版审核通过",  # stored: not a message
    )


@transaction.atomic
def revise_target(
    target: AnnualTarget, *, by, reason: str, data: dict | None = None
) -> AnnualTarget:
    """A new version (draft) of an accepted target, with a reason; `data` defaults to a
    copy of the accepted content. It is submitted and reviewed like the first."""
    current = _locked(target)
    require_target(by, "revise", current)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写调整理由")})
    siblings = AnnualTarget.objects.filter(project=current.project, year=current.year)
    if siblings.filter(status__in=OPEN_STATUSES).exists():
        raise ValidationError({"__all__": _("已有未完成审核的版本")})
    if siblings.filter(revision__gt=current.revision).exists():
        raise ValidationError({"__all__": _("只能调整当前版本")})
    cleaned = clean_data(data if data is not None else target_data(current), current.year)
    revision = (siblings.aggregate(m=Max("revision"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            new = AnnualTarget.objects.create(
                project=current.project,
                year=current.year,
                revision=revision,
                reason=reason.strip(),
                investment=cleaned["investment"],
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError({"__all__": _("已有未完成审核的版本")}) from None
    _replace_items(new, cleaned)
    _audit(new, by=by, action="revise", after=target_snapshot(new), reason=reason.strip())
    return new
