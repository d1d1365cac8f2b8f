"""Rankings: the scoring scheme (office, audited, optimistic locking), publishing a period
(frozen snapshot) and reading a period's ranking with its movement."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit.services import diff, record_change, snapshot
from keyworks.core.calendar import SHANGHAI
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import insert_first
from keyworks.ledger.models import Project
from keyworks.orgs.roles import own_region_ids, own_task_force_ids

from . import stored
from .models import PARTS, RankingRow, RankingScheme, RankingSnapshot
from .periods import Period
from .permissions import can_manage_rankings, require_manage_rankings
from .scoring import DIMENSIONS, Part, RankRow, Table, compute

SCHEME_FIELDS = [f"weight_{code}" for code, _label, _w in PARTS] + ["red_count", "black_count"]
MAX_LIST = 10


class ConcurrentEditError(BaseConcurrentEditError):
    message = gettext_lazy("计分方案已被他人修改，您的修改未保存。请刷新后重试。")


# --- the scheme ------------------------------------------------------------------------


def validate_scheme(values: dict) -> dict:
    """Whole numbers; weights 0–100 adding up to 100; red/black list sizes 0–10."""
    errors, clean = {}, {}
    for name in SCHEME_FIELDS:
        value = values.get(name)
        try:
            number = int(value)
            if str(number) != str(value).strip():
                raise ValueError
        except (TypeError, ValueError):
            errors[name] = _("请填写整数")
            continue
        limit = 100 if name.startswith("weight_") else MAX_LIST
        if not 0 <= number <= limit:
            errors[name] = _("应在 0–%(limit)s 之间") % {"limit": limit}
        clean[name] = number
    if not errors:
        total = sum(v for k, v in clean.items() if k.startswith("weight_"))
        if total != 100:
            errors["__all__"] = _("各项权重之和应为 100，当前为 %(total)s") % {"total": total}
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def update_scheme(programme, values: dict, *, by, expected_version: int | None = None):
    """Change the programme's scheme (office). `expected_version` is the version the
    editor read; a newer one raises ConcurrentEditError."""
    require_manage_rankings(by, programme)
    clean = validate_scheme(values)
    scheme = RankingScheme.objects.select_for_update().filter(programme=programme).first()
    created = scheme is None
    if created:
        scheme = RankingScheme(programme=programme)
        if expected_version not in (None, 1):
            raise ConcurrentEditError()
    elif expected_version is not None and scheme.version != expected_version:
        raise ConcurrentEditError()
    before = {} if created else snapshot(scheme, SCHEME_FIELDS)
    for name, value in clean.items():
        setattr(scheme, name, value)
    scheme.updated_at = timezone.now()
    scheme.updated_by = by
    if created:
        if not insert_first(scheme, expected_version, ConcurrentEditError):
            return update_scheme(programme, values, by=by)  # saved first by someone else
    else:
        scheme.version = F("version") + 1
        scheme.save()
        scheme.refresh_from_db()
    old, new = diff(before, snapshot(scheme, SCHEME_FIELDS))
    if old or new or created:
        record_change(
            by=by,
            action="create" if created else "update",
            obj=scheme,
            before=old or None,
            after=new,
            programme_id=programme.pk,
        )
    return scheme


# --- reading a period ------------------------------------------------------------------


@dataclass
class Ranking:
    programme: object
    period: Period
    scheme: dict
    tables: dict[str, list[Table]]
    published: RankingSnapshot | None
    previous: Period | None
    previous_published: bool = False

    @property
    def weights(self) -> dict[str, int]:
        return self.scheme["weights"]


def published_snapshot(programme, period: Period) -> RankingSnapshot | None:
    return RankingSnapshot.objects.filter(programme=programme, start_month=period.first).first()


def tables_from_snapshot(snap: RankingSnapshot) -> dict[str, list[Table]]:
    red, black = snap.scheme["red"], snap.scheme["black"]
    tables: dict[str, list[Table]] = {code: [] for code, _label in DIMENSIONS}
    current: dict[tuple, Table] = {}
    for row in snap.rows.order_by("dimension", "position"):
        key = (row.dimension, row.group_key)
        table = current.get(key)
        if table is None:
            table = current[key] = Table(
                row.dimension, row.group_key, row.group_label, [], red, black
            )
            tables.setdefault(row.dimension, []).append(table)
        parts = [Part.from_json(code, row.parts[code]) for code, _l, _w in PARTS]
        table.rows.append(RankRow(row.key, row.label, row.total, parts, (row.position,), row.rank))
    return tables


def period_tables(
    programme, period: Period, *, now=None
) -> tuple[dict, dict, RankingSnapshot | None]:
    """(tables, scheme json, snapshot): the published snapshot if any, else computed live
    with the current scheme."""
    snap = published_snapshot(programme, period)
    if snap is not None:
        return tables_from_snapshot(snap), snap.scheme, snap
    scheme = RankingScheme.for_programme(programme).as_json()
    return compute(programme, period, scheme, now=now), scheme, None


def ranking_for(programme, period: Period, *, now=None) -> Ranking:
    """The period's ranking with each row's movement since the previous period (against
    its published snapshot if there is one, else its live computation)."""
    tables, scheme, snap = period_tables(programme, period, now=now)
    previous = period.previous()
    previous_published = False
    if previous is not None:
        before, _scheme, before_snap = period_tables(programme, previous, now=now)
        previous_published = before_snap is not None
        ranks = {
            (t.dimension, t.group_key, row.key): row.rank
            for dimension_tables in before.values()
            for t in dimension_tables
            for row in t.rows
        }
        for dimension_tables in tables.values():
            for t in dimension_tables:
                for row in t.rows:
                    row.compared = True
                    row.previous_rank = ranks.get((t.dimension, t.group_key, row.key))
    return Ranking(programme, period, scheme, tables, snap, previous, previous_published)


def kept_page(programme, period: Period, dimension: str, *, q: str, number, own, page_size):
    """A page of an unpublished period's ranking read from its kept rows (`stored`):
    (the Ranking, without tables; (table, page, own rows, rows matched) per table of
    `dimension`; whether a row of any table had no verification). None when the period
    is published or the rows are not kept (its page then pages `ranking_for`)."""
    if not stored.kept(period) or published_snapshot(programme, period) is not None:
        return None
    scheme = stored.fresh(programme, period)
    previous = period.previous()
    previous_snapshot = None
    if previous is not None:
        previous_snapshot = published_snapshot(programme, previous)
        if previous_snapshot is None:
            stored.fresh(programme, previous)
    ranking = Ranking(programme, period, scheme, {}, None, previous, previous_snapshot is not None)
    views = stored.table_views(
        programme, period, dimension, scheme, q=q, number=number, own_keys=own,
        page_size=page_size, previous=previous, previous_snapshot=previous_snapshot,
    )  # fmt: skip
    return ranking, views, stored.any_without_verification(programme, period)


# --- publishing ------------------------------------------------------------------------


@transaction.atomic
def publish(programme, period: Period, *, by, now=None) -> RankingSnapshot:
    """Freeze the period's live ranking (office). A period is published once, and only
    after its last day (a running period would freeze half its data)."""
    if not can_manage_rankings(by, programme):
        raise PermissionDenied(_("只有指挥部办公室可以发布排名"))
    today = (now or timezone.now()).astimezone(SHANGHAI).date()
    if period.end >= today:
        raise ValidationError(_("本期尚未结束，不能发布"))
    if published_snapshot(programme, period) is not None:
        raise ValidationError(_("该期排名已发布"))
    scheme = RankingScheme.for_programme(programme).as_json()
    tables = compute(programme, period, scheme, now=now)
    try:
        with transaction.atomic():
            snap = RankingSnapshot.objects.create(
                programme=programme,
                start_month=period.first,
                scheme=scheme,
                published_at=now or timezone.now(),
                published_by=by,
            )
    except IntegrityError:
        raise ValidationError(_("该期排名已发布")) from None
    rows = []
    for dimension_tables in tables.values():
        for table in dimension_tables:
            for position, row in enumerate(table.rows, start=1):
                rows.append(
                    RankingRow(
                        snapshot=snap,
                        dimension=table.dimension,
                        group_key=table.group_key,
                        group_label=table.group_label[:100],
                        key=row.key,
                        label=row.label[:200],
                        position=position,
                        rank=row.rank,
                        total=row.total,
                        parts={p.code: p.as_json() for p in row.parts},
                    )
                )
    RankingRow.objects.bulk_create(rows, batch_size=1000)
    record_change(
        by=by,
        action="publish",
        obj=snap,
        after={"period": period.code, "rows": len(rows), "scheme": scheme},
        programme_id=programme.pk,
    )
    return snap


def previous_period_label(ranking: Ranking) -> str:
    if ranking.previous is None:
        return ""
    if ranking.previous_published:
        return _("%(period)s（已发布）") % {"period": ranking.previous.label}
    return _("%(period)s（实时计算）") % {"period": ranking.previous.label}


def own_keys(user, dimension: str) -> set[str]:
    """The keys of the rows of `dimension` that are the user's own (their task force, their
    district, their task force's projects), shown above the page of rows."""
    if dimension == "task_force":
        return {str(pk) for pk in own_task_force_ids(user)}
    if dimension == "district":
        return {str(pk) for pk in own_region_ids(user)}
    task_forces = own_task_force_ids(user)
    if not task_forces:
        return set()
    projects = Project.objects.filter(task_force_id__in=task_forces)
    return {str(pk) for pk in projects.values_list("pk", flat=True)}
