"""Stored figures: each project's measures of a month that do not move with the clock,
kept in `ProjectFigures` so that pages read them instead of recomputing the programme.

Kept on write. Every change to programme data writes a change record (the audit rule);
`mark_stale` runs in the same transaction (`audit.hooks.changes_recorded`) and marks the
record's project stale — or the whole programme, for a change to a stored input that names
no project. The next read, in any process on any machine, first repairs: it computes the
marked projects' rows again with `measures.stored_part` (the one definition) for every
stored month, under the programme's `FiguresState` row lock, and gives them the next
stamp. Because repairs of a programme run one at a time and stamp inside the lock, stamps
commit in increasing order: a reader that has seen stamp S has seen every row up to S.

That is what lets each process keep the month's assembled measures and lights
(`Snapshot`) and bring them up to date on every read with the rows stamped after its own:
two queries when nothing changed, a handful of rows after a save. What moves with the
clock (report due, overdue milestones as of today, pauses up to now) is assembled for the
day; the next day, or an explicit `now`, assembles from the stored rows afresh.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from decimal import Decimal
from itertools import islice

from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone, translation

from keyworks.audit import revisions
from keyworks.audit.hooks import changes_recorded
from keyworks.ledger.models import Project

from .lights import light_for
from .measures import (
    PROJECT_FIELDS,
    SHANGHAI,
    STORED_FIELDS,
    ProjectMeasures,
    as_of_moment,
    assemble,
    due_at,
    month_end,
    stored_part,
)
from .models import FiguresState, ProjectFigures, StaleFigures, WarningRules

# Above this many stale projects, recompute the whole programme's months (one pass, no
# long IN lists).
WHOLE_PROGRAMME = 500
CHUNK = 500
# Object types whose change can move stored figures (or the lights judged from them);
# one that names no project marks the whole programme.
STORED_INPUTS = {
    "ledger.programme",
    "ledger.project",
    "ledger.category",
    "ledger.milestone",
    "reporting.monthlyreport",
    "reporting.warningrules",
    "fieldwork.visit",
    "targets.annualtarget",
}


# The change records that move what the month series sums (revisions topic "accepted").
ACCEPTED_INPUTS = {
    "ledger.programme",
    "ledger.project",
    "ledger.category",
    "reporting.projectpause",
    "targets.annualtarget",
}
ACCEPTED_ACTIONS = {"accept", "return", "approve_correction"}  # of monthly reports


def topics_of(record) -> set[str]:
    if record.object_type in ACCEPTED_INPUTS or (
        record.object_type == "reporting.monthlyreport" and record.action in ACCEPTED_ACTIONS
    ):
        return {"accepted"}
    if record.object_type.startswith("coordination."):
        return {"problems"}
    return set()


@receiver(changes_recorded)
def mark_stale(sender, records, **kwargs) -> None:
    """Mark what `records` (just written, same transaction) may have moved, and move the
    generations of their programmes' reused results."""
    marks: dict[int, set] = {}
    topics: dict[int, set] = {}
    unknown_programme = {r.project_id for r in records if r.project_id and not r.programme_id}
    programme_of = dict(
        Project.objects.filter(pk__in=unknown_programme).values_list("pk", "programme_id")
    )
    for record in records:
        programme_id = record.programme_id or programme_of.get(record.project_id)
        if programme_id is None:
            topics.setdefault(revisions.EVERY_PROGRAMME, set())  # regions, people, units…
            continue
        topics.setdefault(programme_id, set()).update(topics_of(record))
        if record.project_id:
            marks.setdefault(programme_id, set()).add(record.project_id)
        elif record.object_type in STORED_INPUTS:
            marks.setdefault(programme_id, set()).add(None)
    revisions.bump_on_commit(topics)  # reused results follow every change
    StaleFigures.objects.bulk_create(
        [
            StaleFigures(programme_id=programme_id, project_id=project_id)
            for programme_id, projects in marks.items()
            for project_id in (
                {None} if None in projects or len(projects) > WHOLE_PROGRAMME else projects
            )
        ]
    )


def mark_programme_stale(programme) -> None:
    """For writes that bypass the change log (bulk loads of generated data)."""
    StaleFigures.objects.create(programme_id=programme.pk, project_id=None)


# --- keeping the rows -----------------------------------------------------------------


def fresh_stamp(programme, month: datetime.date) -> int:
    """Repair what is stale and store `month` if it is not yet; return the programme's
    stamp (every row stamped up to it is committed and visible). Two queries when there
    is nothing to do."""
    state = FiguresState.objects.filter(programme_id=programme.pk).values("stamp", "months")
    state = state.first()
    if (
        state is None
        or month.isoformat() not in state["months"]
        or StaleFigures.objects.filter(programme_id=programme.pk).exists()
    ):
        return repair(programme, month)
    return state["stamp"]


def repair(programme, month: datetime.date) -> int:
    """Compute the marked projects' rows again for every stored month (and every row of
    `month` if it is new), under the programme's lock; returns the stamp reached."""
    with transaction.atomic():
        FiguresState.objects.get_or_create(programme_id=programme.pk)
        state = FiguresState.objects.select_for_update().get(programme_id=programme.pk)
        marks = list(
            StaleFigures.objects.filter(programme_id=programme.pk).values_list("pk", "project_id")
        )
        stale = {project_id for _pk, project_id in marks}
        whole = None in stale or len(stale) > WHOLE_PROGRAMME
        months = sorted({datetime.date.fromisoformat(m) for m in state.months})
        new_month = month not in months
        if not marks and not new_month:
            return state.stamp
        stamp = state.stamp + 1
        for each in months if marks else []:
            _store(programme, each, stamp, None if whole else sorted(stale))
        if new_month:
            _store(programme, month, stamp, None)
            state.months = sorted({*state.months, month.isoformat()})
        for chunk in _chunks([pk for pk, _project in marks]):
            StaleFigures.objects.filter(pk__in=chunk).delete()
        state.stamp = stamp
        state.save(update_fields=["stamp", "months"])
        return stamp


def _store(programme, month: datetime.date, stamp: int, project_ids) -> None:
    """Replace the rows of `project_ids` (None: every project) for `month`."""
    computed = stored_part(programme, month, project_ids)
    existing = ProjectFigures.objects.filter(programme_id=programme.pk, month=month)
    if project_ids is None:
        gone = set(existing.values_list("project_id", flat=True)) - set(computed)
        existing.delete()
    else:
        gone = set(project_ids) - set(computed)  # archived (or no longer there)
        for chunk in _chunks(project_ids):
            existing.filter(project_id__in=chunk).delete()
        gone &= set(Project.objects.filter(pk__in=gone).values_list("pk", flat=True))
    rows = [
        ProjectFigures(
            project_id=pk, programme_id=programme.pk, month=month, stamp=stamp, **figures
        )
        for pk, figures in computed.items()
    ]
    rows += [  # kept, not current, so that every process's snapshot learns it went
        ProjectFigures(
            project_id=pk, programme_id=programme.pk, month=month, stamp=stamp, current=False,
            **NOTHING,
        )
        for pk in gone
    ]  # fmt: skip
    ProjectFigures.objects.bulk_create(rows, batch_size=1000)


NOTHING = {
    "annual_target": Decimal(0), "ytd_completed": Decimal(0), "is_new": False,
    "started": False, "milestones_due": 0, "milestones_on_time": 0, "submitted": False,
    "is_late": False, "verified": None, "verified_reported": None, "verified_gap": None,
    "disputes": None,
}  # fmt: skip


def rows(programme, month: datetime.date, *, since: int | None = None) -> list[tuple]:
    """(PROJECT_FIELDS…, stored figures dict) of the current projects of `programme` for
    `month`, in ledger order, up to date with every committed change (or, with `since`,
    of the rows stamped after it, including those of projects no longer current, whose
    figures dict is None)."""
    if since is None:
        fresh_stamp(programme, month)
    return _read(programme, month, since)


def _read(programme, month: datetime.date, since: int | None, project_ids=None) -> list[tuple]:
    figures = ProjectFigures.objects.filter(programme_id=programme.pk, month=month)
    if project_ids is not None:
        figures = figures.filter(project_id__in=project_ids)
    if since is None:
        figures = figures.filter(current=True, project__archived_at__isnull=True)
    else:
        figures = figures.filter(stamp__gt=since)
    project = [f"project__{name}" if name != "pk" else "project_id" for name in PROJECT_FIELDS]
    n = len(PROJECT_FIELDS)
    result = []
    for row in figures.order_by("project__seq", "project_id").values_list(
        *project, "current", "project__archived_at", *STORED_FIELDS
    ):
        live = row[n] and row[n + 1] is None
        figures_ = dict(zip(STORED_FIELDS, row[n + 2 :], strict=True)) if live else None
        result.append((*row[:n], figures_))
    return result


def measures_of(programme, month: datetime.date, project_ids) -> dict:
    """{project id: ProjectMeasures for the present} of the current projects among
    `project_ids`, from their stored rows (the caller has repaired with `fresh_stamp`): a
    handful after a save, without assembling the whole month."""
    rows_ = _read(programme, month, None, project_ids)
    return assemble(programme, month, None, rows_, project_ids=[row[0] for row in rows_])


def recompute(programme=None) -> int:
    """Drop every stored row (of `programme`, or of all) and forget the stored months, so
    that each is computed afresh when next read (`keyworks recompute-measures`); returns
    the rows dropped."""
    figures = ProjectFigures.objects.all()
    states = FiguresState.objects.all()
    if programme is not None:
        figures = figures.filter(programme_id=programme.pk)
        states = states.filter(programme_id=programme.pk)
    with transaction.atomic():
        dropped, _ = figures.delete()
        # Stamps only grow: every snapshot must take the rebuilt rows as newer.
        states.update(months=[], stamp=F("stamp") + 1)
    return dropped


def _chunks(items: list, size: int = CHUNK):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --- each process's snapshot ------------------------------------------------------------


class MeasuresDict(dict):
    """What `project_measures` returns from a snapshot: a copy of its dict that remembers
    the snapshot, so `project_lights` can give the snapshot's lights."""

    snapshot: Snapshot
    stamp: int


class Snapshot:
    """One programme month's measures and lights, as assembled for one day, in one process.
    Brought up to date with the stored rows on every read (`snapshot`)."""

    def __init__(self, programme, month, clock, now=None) -> None:
        self.programme, self.month, self.clock = programme, month, clock
        self.now = now  # None: the present; else the fixed moment it was assembled for
        self.stamp = -1
        self.measures: dict[int, ProjectMeasures] = {}
        self._lights: dict | None = None
        self._lights_language = ""  # the lights' reasons are words in this language
        self.lock = threading.Lock()

    def measures_copy(self) -> MeasuresDict:
        copy = MeasuresDict(self.measures)
        copy.snapshot, copy.stamp = self, self.stamp
        return copy

    def lights_for(self, measures: MeasuresDict) -> dict:
        """The lights of the measures the snapshot gave as `measures`."""
        language = translation.get_language()
        with self.lock:
            if (
                measures.stamp == self.stamp
                and self._lights is not None
                and self._lights_language == language
            ):
                return {pk: self._lights[pk] for pk in measures}
            rules = WarningRules.for_programme(self.programme)
            judged = {pk: light_for(m, rules) for pk, m in measures.items()}
            if measures.stamp == self.stamp and measures.keys() == self.measures.keys():
                self._lights, self._lights_language = judged, language
            return judged

    def catch_up(self, stamp: int) -> None:
        """Take in the rows stamped after the snapshot's, up to (at least) `stamp`."""
        if stamp == self.stamp:
            return
        if self.stamp < 0:
            rows_ = _read(self.programme, self.month, None)
            self.measures = assemble(self.programme, self.month, self.now, rows_)
            self._lights = None
            self.stamp = stamp
            return
        # Copies, not changes in place: a request may still be reading the previous dicts.
        changed = _read(self.programme, self.month, self.stamp)
        live = [row for row in changed if row[-1] is not None]
        fresh = assemble(
            self.programme, self.month, self.now, live, project_ids=[row[0] for row in live]
        )
        measures = dict(self.measures)
        order_moved = any(
            pk not in measures or measures[pk].seq != m.seq for pk, m in fresh.items()
        )
        for row in changed:
            if row[0] not in fresh:  # archived (or moved out of the programme)
                measures.pop(row[0], None)
        measures.update(fresh)  # in place for the projects already there
        if order_moved:
            measures = dict(sorted(measures.items(), key=lambda item: (item[1].seq, item[0])))
        lights = None
        if self._lights is not None and self._lights_language == translation.get_language():
            rules = WarningRules.for_programme(self.programme)
            judged = {pk: light_for(m, rules) for pk, m in fresh.items()}
            lights = {pk: judged.get(pk) or self._lights[pk] for pk in measures}
        self.measures, self._lights, self.stamp = measures, lights, stamp


SNAPSHOTS: OrderedDict = OrderedDict()
SNAPSHOTS_KEPT = 8  # ~10 MB each at 10,000 projects
_snapshots_lock = threading.Lock()


def clock_of(programme, month: datetime.date):
    """What the snapshot's clock-dependent parts were assembled for."""
    now = timezone.now()
    day = min(month_end(month), as_of_moment(month, now).astimezone(SHANGHAI).date())
    return (day, now > due_at(programme, month), programme.report_due_day)


def snapshot_measures(programme, month: datetime.date, now=None) -> MeasuresDict:
    """The measures of the process's snapshot of the programme's month, up to date with
    every commit (two queries when nothing changed). With `now`, a snapshot of its own
    assembled as of that fixed moment (one many requests share: a meeting day's end)."""
    stamp = fresh_stamp(programme, month)
    key = (programme.pk, month, now)
    clock = clock_of(programme, month) if now is None else now
    with _snapshots_lock:
        found = SNAPSHOTS.get(key)
        if found is None or found.clock != clock or found.programme.year != programme.year:
            found = SNAPSHOTS[key] = Snapshot(programme, month, clock, now)
        SNAPSHOTS.move_to_end(key)
        while len(SNAPSHOTS) > SNAPSHOTS_KEPT:
            SNAPSHOTS.popitem(last=False)
    with found.lock:
        found.catch_up(stamp)
        return found.measures_copy()


def forget_snapshots() -> None:
    with _snapshots_lock:
        SNAPSHOTS.clear()
