"""The live ranking of a period kept in the database (`RankingEntry`), so that the page
after a save scores the projects that moved, not the programme, and ranks, sorts,
searches and pages in SQL.

Kept like the stored figures (`reporting.figures`) it is made of: every change to a
project gives its stored figures a new stamp. Before a period's rows are read, `fresh`
takes the period's `RankingState` row lock and scores again — with `scoring`, the one
definition — the projects whose figures for the period's months were stamped since, then
their task forces and districts from the sum of their projects' figures (as
`scoring.compute` does). A changed scheme, or a clock that moved (a report fell due, a
problem's deadline passed), scores the whole period again.

Only the present is kept: an explicit `now`, a published period, or `MEASURES_CACHE` off
go through `scoring.compute` in Python. Ranks are SQL `RANK()` over the total (ties share
a rank, 1, 1, 3), rows in the order of `scoring.rank`: best total first, then ledger
order.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.utils import timezone

from keyworks.coordination.measures import project_problem_timeliness
from keyworks.core.calendar import SHANGHAI, previous_month
from keyworks.ledger.models import Project, TaskForce
from keyworks.orgs.models import Region
from keyworks.reporting.figures import fresh_stamp, measures_of
from keyworks.reporting.measures import (
    elapsed_share,
    milestone_counts,
    project_measures,
    rollup_groups,
)
from keyworks.reporting.models import ProjectFigures
from keyworks.reporting.services import due_at

from .models import PARTS, RankingEntry, RankingScheme, RankingState
from .periods import Period
from .scoring import (
    DIMENSION_LABELS,
    NO_VERIFICATION,
    Figures,
    Part,
    PeriodData,
    RankRow,
    _key,
    project_figures,
    score_parts,
)

PROJECT, TASK_FORCE, DISTRICT = "project", "task_force", "district"
# Above this many projects to score again, the whole period is scored in one pass.
WHOLE_PERIOD = 500
FIGURE_FIELDS = (
    "ytd_completed",
    "annual_target",
    "milestones_due",
    "milestones_on_time",
    "reports_due",
    "reports_on_time",
    "problems_due",
    "problems_on_time",
    "verified",
    "verified_reported",
)
DECIMAL_FIGURES = {"ytd_completed", "annual_target", "verified", "verified_reported"}


def kept(period: Period, *, now=None) -> bool:
    """Whether the period's live ranking is read from the kept rows."""
    return settings.MEASURES_CACHE and now is None


def clock_of(programme, period: Period, now: datetime.datetime) -> str:
    """What the clock-dependent parts of the scores were judged for: the day (problems
    whose deadline has not passed are not judged yet; fixed once the period is over) and
    whether each month's report is due (missing or still pending)."""
    today = now.astimezone(SHANGHAI).date()
    day = min(today, period.end + datetime.timedelta(days=1))
    dues = "".join("1" if now > due_at(programme, m) else "0" for m in (period.first, period.last))
    return f"{day:%Y-%m-%d}/{dues}/{programme.report_due_day}"


def _figures_json(f: Figures) -> dict:
    return {
        name: str(getattr(f, name)) if name in DECIMAL_FIGURES else getattr(f, name)
        for name in FIGURE_FIELDS
    }


def _figures_of(data: dict, elapsed: Decimal) -> Figures:
    values = {name: Decimal(v) if name in DECIMAL_FIGURES else v for name, v in data.items()}
    return Figures(elapsed=elapsed, **values)


def fresh(programme, period: Period) -> dict:
    """Bring the period's kept rows up to date with every committed change; returns the
    scheme they were scored with."""
    now = timezone.now()
    scheme = RankingScheme.for_programme(programme).as_json()
    clock = clock_of(programme, period, now)
    state = RankingState.objects.filter(programme_id=programme.pk, start_month=period.first)
    state = state.first()
    if state is None or state.scheme != scheme or state.clock != clock:
        return _fresh_whole(programme, period, scheme, clock, now)
    # Both months' stored rows are up to date with every change up to `stamp`.
    stamp = min(fresh_stamp(programme, period.first), fresh_stamp(programme, period.last))
    if state.stamp >= stamp:
        return scheme
    with transaction.atomic():
        state = RankingState.objects.select_for_update().get(pk=state.pk)
        if state.scheme != scheme or state.clock != clock:
            return _fresh_whole(programme, period, scheme, clock, now)
        if state.stamp >= stamp:
            return scheme
        changed = set(
            ProjectFigures.objects.filter(
                programme_id=programme.pk,
                month__in=[period.first, period.last],
                stamp__gt=state.stamp,
            ).values_list("project_id", flat=True)
        )
        if len(changed) > WHOLE_PERIOD:
            return _fresh_whole(programme, period, scheme, clock, now)
        m1 = measures_of(programme, period.first, sorted(changed))
        m2 = measures_of(programme, period.last, sorted(changed))
        _score_changed(programme, period, scheme, changed, m1, m2, now)
        state.stamp = stamp
        state.save(update_fields=["stamp"])
    return scheme


def _fresh_whole(programme, period: Period, scheme: dict, clock: str, now) -> dict:
    """Score every project of the period and every group again."""
    m2 = project_measures(programme, period.last)
    m1 = project_measures(programme, period.first)
    if m2.stamp < m1.stamp:  # M1 stored (or repaired) meanwhile: catch M2 up
        m2 = project_measures(programme, period.last)
    stamp = min(m1.stamp, m2.stamp)  # both up to date with every change up to it
    with transaction.atomic():
        RankingState.objects.get_or_create(programme_id=programme.pk, start_month=period.first)
        state = RankingState.objects.select_for_update().get(
            programme_id=programme.pk, start_month=period.first
        )
        if state.scheme == scheme and state.clock == clock and state.stamp >= stamp:
            return scheme  # scored meanwhile by another request
        weights = scheme["weights"]
        elapsed = elapsed_share(period.last)
        # Paused projects (in M1 or M2) are left out of every table; m2 is in ledger order.
        ranked = [pk for pk, m in m2.items() if not m.paused and pk in m1 and not m1[pk].paused]
        figures = _period_figures(programme, period, m1, m2, ranked, now, whole=True)
        rows = [_project_entry(programme, period, m2[pk], figures[pk], weights) for pk in ranked]
        for by in (TASK_FORCE, DISTRICT):
            groups: dict = {}
            for pk in ranked:
                for key, label, sort_key in rollup_groups(m2[pk], by):
                    group = groups.get(key)
                    if group is None:
                        group = groups[key] = (label, sort_key, Figures(elapsed=elapsed))
                    group[2].add(figures[pk])
            rows += _group_entries(programme, period, by, groups, weights)
        RankingEntry.objects.filter(programme_id=programme.pk, start_month=period.first).delete()
        RankingEntry.objects.bulk_create(rows, batch_size=1000)
        state.stamp, state.scheme, state.clock = stamp, scheme, clock
        state.save(update_fields=["stamp", "scheme", "clock"])
    return scheme


def _period_figures(programme, period, m1, m2, ids, now, *, whole: bool) -> dict:
    """The period's figures (`scoring.project_figures`) of the projects `ids`."""
    only = None if whole else ids
    m0 = None
    if period.index > 1:
        m0 = milestone_counts(programme, previous_month(period.first), only)
    data = PeriodData(
        m2=m2,
        m1=m1,
        m0=m0,
        problems=project_problem_timeliness(
            programme, period.start, period.end, now=now, project_ids=only
        ),
        elapsed=elapsed_share(period.last),
    )
    return {pk: project_figures(pk, data) for pk in ids}


def _score_changed(programme, period: Period, scheme, changed: set, m1, m2, now) -> None:
    """Score again the projects `changed` (`m1`, `m2`: the measures of those still
    current), then their task forces and districts, old and new, from the kept figures of
    their projects."""
    weights = scheme["weights"]
    elapsed = elapsed_share(period.last)
    entries = RankingEntry.objects.filter(programme_id=programme.pk, start_month=period.first)
    ranked = [
        pk
        for pk in sorted(changed)
        if m1.get(pk) is not None
        and m2.get(pk) is not None
        and not m1[pk].paused
        and not m2[pk].paused
    ]
    keys_of = {TASK_FORCE: set(), DISTRICT: set()}  # the groups to score again
    before = entries.filter(dimension=PROJECT, project_id__in=changed)
    for task_force_id, districts in before.values_list("task_force_id", "districts"):
        keys_of[TASK_FORCE].add(task_force_id)
        keys_of[DISTRICT].update(districts or [None])
    before.delete()
    for pk in ranked:
        for by in (TASK_FORCE, DISTRICT):
            keys_of[by].update(_group_keys(m2[pk], by))
    figures = _period_figures(programme, period, m1, m2, ranked, now, whole=False)
    RankingEntry.objects.bulk_create(
        [_project_entry(programme, period, m2[pk], figures[pk], weights) for pk in ranked]
    )
    rows = []
    for by in (TASK_FORCE, DISTRICT):
        keys = keys_of[by]
        if not keys:
            continue
        entries.filter(dimension=by, key__in=[_key(k) for k in keys]).delete()
        groups = _kept_groups(entries, by, keys, elapsed)
        rows += _group_entries(programme, period, by, groups, weights)
    RankingEntry.objects.bulk_create(rows)


def _kept_groups(entries, by: str, keys: set, elapsed: Decimal) -> dict:
    """{key: (label, sort key, summed Figures)} of the groups `keys` from the kept project
    rows, labelled and sorted as `rollup_groups` does."""
    projects = entries.filter(dimension=PROJECT)
    named = [k for k in keys if k is not None]
    members: dict = {}  # group key → [(seq, figures json)]
    if by == TASK_FORCE:
        for task_force_id, seq, data in projects.filter(task_force_id__in=named).values_list(
            "task_force_id", "sort1", "figures"
        ):
            members.setdefault(task_force_id, []).append((seq, data))
        if None in keys:
            for seq, data in projects.filter(task_force_id__isnull=True).values_list(
                "sort1", "figures"
            ):
                members.setdefault(None, []).append((seq, data))
        names = dict(TaskForce.objects.filter(pk__in=named).values_list("pk", "name"))
        labels = {k: (names.get(k) or "未设专班") for k in keys}
        sorts = {k: (min(seq for seq, _d in rows), k or 0) for k, rows in members.items()}
    else:
        through = Project.districts.through.objects.filter(region_id__in=named)
        region_of: dict = {}
        for project_id, region_id in through.values_list("project_id", "region_id"):
            region_of.setdefault(project_id, []).append(region_id)
        for project_id, data in projects.filter(project_id__in=list(region_of)).values_list(
            "project_id", "figures"
        ):
            for region_id in region_of[project_id]:
                members.setdefault(region_id, []).append((0, data))
        if None in keys:
            for data in projects.filter(districts=[]).values_list("figures", flat=True):
                members.setdefault(None, []).append((0, data))
        regions = Region.objects.filter(pk__in=named).values_list("pk", "name", "sort", "code")
        labels = {pk: name for pk, name, _sort, _code in regions}
        sorts = {pk: (sort, code or "", pk) for pk, _name, sort, code in regions}
        labels[None], sorts[None] = "未定位", (1_000_000, "", 0)
    groups = {}
    for key, rows in members.items():
        summed = Figures(elapsed=elapsed)
        for _seq, data in rows:
            summed.add(_figures_of(data, elapsed))
        groups[key] = (labels[key], sorts[key], summed)
    return groups


def _parts_json(parts: list[Part]) -> dict:
    return {p.code: p.as_json() for p in parts}


def _project_entry(programme, period, m, f: Figures, weights) -> RankingEntry:
    parts = score_parts(f, weights)
    return RankingEntry(
        programme_id=programme.pk,
        start_month=period.first,
        dimension=PROJECT,
        group_key=_key(m.category_id),
        group_label=m.category,
        group_sort=m.category_sort,
        group_sort_id=m.category_id or 0,
        key=_key(m.project_id),
        label=m.name,
        sort1=m.seq,
        sort2="",
        sort3=m.project_id,
        total=sum(p.score for p in parts),
        parts=_parts_json(parts),
        no_verification=any(p.figure == NO_VERIFICATION for p in parts),
        project_id=m.project_id,
        task_force_id=m.task_force_id,
        districts=[region_id for region_id, _name, _sort in m.districts],
        figures=_figures_json(f),
    )


def _group_keys(m, by: str) -> tuple:
    """The keys of the groups `by` that `m` counts in (those of `rollup_groups`)."""
    if by == TASK_FORCE:
        return (m.task_force_id,)
    return tuple(region_id for region_id, _name, _sort in m.districts) or (None,)


def _group_entries(programme, period, by: str, groups: dict, weights) -> list[RankingEntry]:
    """The rows of `groups` ({key: (label, sort key, summed Figures)})."""
    rows = []
    for key, (label, sort_key, summed) in groups.items():
        parts = score_parts(summed, weights)
        if by == TASK_FORCE:
            sort1, sort2, sort3 = sort_key[0], "", sort_key[1]
        else:
            sort1, sort2, sort3 = sort_key
        rows.append(
            RankingEntry(
                programme_id=programme.pk,
                start_month=period.first,
                dimension=by,
                key=_key(key),
                label=label,
                sort1=sort1,
                sort2=sort2,
                sort3=sort3,
                total=sum(p.score for p in parts),
                parts=_parts_json(parts),
                no_verification=any(p.figure == NO_VERIFICATION for p in parts),
            )
        )
    return rows


# --- reading -------------------------------------------------------------------------


def tables_of(programme, period: Period, dimension: str) -> list[tuple[str, str]]:
    """(group key, group label) of the dimension's tables, in display order."""
    if dimension != PROJECT:
        return [("", "")]
    rows = (
        RankingEntry.objects.filter(
            programme_id=programme.pk, start_month=period.first, dimension=PROJECT
        )
        .values_list("group_key", "group_label", "group_sort", "group_sort_id")
        .distinct()
        .order_by("group_sort", "group_sort_id")
    )
    return [(key, label) for key, label, _s, _i in rows]


def any_without_verification(programme, period: Period) -> bool:
    return RankingEntry.objects.filter(
        programme_id=programme.pk, start_month=period.first, no_verification=True
    ).exists()


class RankedRows:
    """One table's rows, ranked over the whole table, in ranking order, optionally those
    whose label holds `q` or whose key is one of `keys`: `count()` and slices in SQL
    (what `Paginator` needs)."""

    def __init__(self, programme, period, dimension, group_key, *, q="", keys=None):
        self.base = [programme.pk, period.first, dimension, group_key]
        self.q, self.keys = q, keys

    def _where(self) -> tuple[str, list]:
        clauses, params = [], []
        if self.q:
            find = "strpos" if connection.vendor == "postgresql" else "instr"
            clauses.append(f"{find}(x.label, %s) > 0")
            params.append(self.q)
        if self.keys is not None:
            keys = sorted(self.keys) or [""]
            clauses.append(f"x.key IN ({', '.join(['%s'] * len(keys))})")
            params += keys
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def _sql(self, columns: str) -> tuple[str, list]:
        """Ranks over the whole table from its narrow columns, then the rows kept."""
        table = RankingEntry._meta.db_table
        where, params = self._where()
        sql = (
            f"SELECT {columns} FROM (SELECT id, key, label, total, sort1, sort2, sort3, "
            f"RANK() OVER (ORDER BY total DESC) AS rank FROM {table} WHERE programme_id = %s "
            f"AND start_month = %s AND dimension = %s AND group_key = %s) x{where}"
        )
        return sql, [*self.base, *params]

    def count(self) -> int:
        if not self.q and self.keys is None:
            table = RankingEntry._meta.db_table
            sql = (
                f"SELECT COUNT(*) FROM {table} WHERE programme_id = %s AND start_month = %s "
                "AND dimension = %s AND group_key = %s"
            )
            params = self.base
        else:
            sql, params = self._sql("COUNT(*)")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start = index.start or 0
        if index.stop is not None and index.stop <= start:
            return []
        sql, params = self._sql("x.id, x.rank, x.total, x.sort1, x.sort2, x.sort3")
        collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
        order = f" ORDER BY {{0}}.total DESC, {{0}}.sort1, {{0}}.sort2{collate}, {{0}}.sort3"
        sql += order.format("x")
        if index.stop is not None:
            sql += f" LIMIT {int(index.stop - start)}"
        elif start:
            sql += " LIMIT -1" if connection.vendor == "sqlite" else " LIMIT ALL"
        if start:
            sql += f" OFFSET {int(start)}"
        # Only the rows kept are read whole (their parts).
        table = RankingEntry._meta.db_table
        sql = (
            "SELECT e.id, e.key, e.label, e.total, e.parts, e.sort1, e.sort3, y.rank "
            f"FROM ({sql}) y JOIN {table} e ON e.id = y.id{order.format('y')}"
        )
        return [_row(entry) for entry in RankingEntry.objects.raw(sql, params)]

    def all(self) -> list[RankRow]:
        return self[0:None]


def _row(entry: RankingEntry) -> RankRow:
    parts = [Part.from_json(code, entry.parts[code]) for code, _l, _w in PARTS]
    return RankRow(
        entry.key, entry.label, entry.total, parts, (entry.sort1, entry.sort3), int(entry.rank)
    )


def previous_ranks(programme, previous: Period, snapshot, dimension, group_key, keys) -> dict:
    """{key: rank} of `keys` in the same table of the previous period: its published
    snapshot, or its live ranking."""
    if not keys:
        return {}
    if snapshot is not None:
        return dict(
            snapshot.rows.filter(dimension=dimension, group_key=group_key, key__in=keys)
            .values_list("key", "rank")
        )  # fmt: skip
    rows = RankedRows(programme, previous, dimension, group_key, keys=set(keys)).all()
    return {row.key: row.rank for row in rows}


@dataclass
class PagedTable:
    """One table of the page: its red and black lists (the rows themselves are paged)."""

    dimension: str
    group_key: str
    group_label: str
    red: list[RankRow]
    black: list[RankRow]

    @property
    def title(self) -> str:
        base = DIMENSION_LABELS[self.dimension]
        return f"{base} · {self.group_label}" if self.group_label else base


def table_views(
    programme, period: Period, dimension: str, scheme: dict, *, q: str, number, own_keys,
    page_size: int, previous: Period | None, previous_snapshot,
) -> list[tuple[PagedTable, object, list[RankRow], int]]:  # fmt: skip
    """(table, page of the rows holding `q`, the viewer's own rows, rows matched) for each
    table of `dimension`, each row with its movement since the previous period."""
    views = []
    for group_key, group_label in tables_of(programme, period, dimension):
        everything = RankedRows(programme, period, dimension, group_key)
        rows = RankedRows(programme, period, dimension, group_key, q=q) if q else everything
        page = Paginator(rows, page_size).get_page(number)
        count = page.paginator.count if not q else everything.count()
        red_count = min(scheme["red"], count)
        if not q and page.number == 1 and red_count <= len(page.object_list):
            red = page.object_list[:red_count]  # the top of the first page
        else:
            red = everything[0:red_count]
        black_from = max(len(red), count - scheme["black"]) if scheme["black"] else count
        black = everything[black_from:count]
        own = []
        if own_keys:
            own = RankedRows(programme, period, dimension, group_key, keys=own_keys).all()
        if previous is not None:
            shown = [*page.object_list, *own]
            ranks = previous_ranks(
                programme, previous, previous_snapshot, dimension, group_key,
                {row.key for row in shown},
            )  # fmt: skip
            for row in shown:
                row.compared = True
                row.previous_rank = ranks.get(row.key)
        table = PagedTable(dimension, group_key, group_label, red, black)
        views.append((table, page, own, page.paginator.count))
    return views
