"""Stored figures: each project's measures of a month that do not move with the clock,
kept in `ProjectFigures` so that pages read them instead of recomputing the programme.

Kept on write. Every change to programme data writes a change record (the audit rule);
`mark_stale` runs in the same transaction (`audit.hooks.changes_recorded`) and marks the
record's project stale — or the whole programme, for a change to a stored input that names
no project. The marks and rows live in the database, so every worker and every machine
sees the same figures. The first read after a change (`rows`) drops the marked projects'
rows and computes what is missing with `measures.stored_part`, the one definition, for
the month it reads; other months follow when they are read.

Why the reader repairs under a per-programme lock: a reader that computed a row from data
read before a change committed must not store it after a second reader has already taken
that change's mark. Taking marks, dropping rows, computing and storing happen in one
transaction holding the lock, and a mark is only deleted by the transaction that drops
its rows and then reads the data the mark's change committed with.
"""

from __future__ import annotations

import datetime
from itertools import islice

from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.dispatch import receiver

from keyworks.audit import revisions
from keyworks.audit.hooks import changes_recorded
from keyworks.ledger.models import Programme, Project

from .measures import PROJECT_FIELDS, STORED_FIELDS, stored_part
from .models import ProjectFigures, StaleFigures

# Above this many rows to compute, compute the whole programme's month (one pass, no
# long IN lists) and keep the rows that are needed.
WHOLE_PROGRAMME = 500
CHUNK = 500
# Object types whose change can move stored figures; one that names no project marks
# the whole programme.
STORED_INPUTS = {
    "ledger.programme",
    "ledger.project",
    "ledger.milestone",
    "reporting.monthlyreport",
    "fieldwork.visit",
    "targets.targetrevision",
}


@receiver(changes_recorded)
def mark_stale(sender, records, **kwargs) -> None:
    """Mark what `records` (just written, same transaction) may have moved, and move the
    generation of their programmes' reused results."""
    marks: dict[int, set] = {}
    unknown_programme = {r.project_id for r in records if r.project_id and not r.programme_id}
    programme_of = dict(
        Project.objects.filter(pk__in=unknown_programme).values_list("pk", "programme_id")
    )
    for record in records:
        programme_id = record.programme_id or programme_of.get(record.project_id)
        if programme_id is None:
            marks.setdefault(revisions.EVERY_PROGRAMME, set())  # regions, people, units…
        elif record.project_id:
            marks.setdefault(programme_id, set()).add(record.project_id)
        elif record.object_type in STORED_INPUTS:
            marks.setdefault(programme_id, set()).add(None)
        else:
            marks.setdefault(programme_id, set())
    revisions.bump_on_commit(marks)  # reused dashboard bodies follow every change
    marks.pop(revisions.EVERY_PROGRAMME, None)
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


def rows(programme, month: datetime.date) -> list[tuple]:
    """(PROJECT_FIELDS…, stored figures dict) of every current project of `programme` for
    `month`, in ledger order, up to date with every committed change. Two queries when
    nothing changed since the last read."""
    repaired = None
    if StaleFigures.objects.filter(programme_id=programme.pk).exists():
        repaired = repair(programme, month)
    found = _read(programme, month)
    if repaired is None and any(row[-1] is None for row in found):
        repaired = repair(programme, month)
    if repaired:
        found = [row if row[-1] is not None else (*row[:-1], repaired[row[0]]) for row in found]
    return found


def _read(programme, month: datetime.date) -> list[tuple]:
    stored = [f"f__{name}" for name in STORED_FIELDS]
    result = []
    for row in (
        Project.objects.filter(programme=programme, archived_at__isnull=True)
        .annotate(f=FilteredRelation("figures", condition=Q(figures__month=month)))
        .order_by("seq", "pk")
        .values_list(*PROJECT_FIELDS, "f__id", *stored)
    ):
        n = len(PROJECT_FIELDS)
        figures = None if row[n] is None else dict(zip(STORED_FIELDS, row[n + 1 :], strict=True))
        result.append((*row[:n], figures))
    return result


def repair(programme, month: datetime.date) -> dict[int, dict]:
    """Drop the rows of the projects marked stale, compute the month's missing rows and
    store them; returns them by project id."""
    with transaction.atomic():
        Programme.objects.select_for_update(no_key=True).filter(pk=programme.pk).exists()
        _drop_stale(programme)
        have = set(
            ProjectFigures.objects.filter(project__programme=programme, month=month).values_list(
                "project_id", flat=True
            )
        )
        current = Project.objects.filter(programme=programme, archived_at__isnull=True)
        missing = set(current.values_list("pk", flat=True)) - have
        if not missing:
            return {}
        computed = stored_part(
            programme, month, None if len(missing) > WHOLE_PROGRAMME else sorted(missing)
        )
        new = {pk: computed[pk] for pk in missing if pk in computed}
        ProjectFigures.objects.bulk_create(
            [ProjectFigures(project_id=pk, month=month, **figures) for pk, figures in new.items()],
            batch_size=1000,
        )
        return new


def _drop_stale(programme) -> None:
    marks = list(
        StaleFigures.objects.filter(programme_id=programme.pk).values_list("pk", "project_id")
    )
    if not marks:
        return
    projects = {project_id for _pk, project_id in marks}
    figures = ProjectFigures.objects.filter(project__programme=programme)
    if None in projects:
        figures.delete()
    else:
        for chunk in _chunks(sorted(projects)):
            figures.filter(project_id__in=chunk).delete()
    for chunk in _chunks([pk for pk, _project in marks]):
        StaleFigures.objects.filter(pk__in=chunk).delete()


def recompute(programme=None) -> int:
    """Drop every stored row (of `programme`, or of all) so that each is computed afresh
    when next read (`keyworks recompute-measures`); returns the rows dropped."""
    figures = ProjectFigures.objects.all()
    if programme is not None:
        figures = figures.filter(project__programme=programme)
    dropped, _ = figures.delete()
    return dropped


def _chunks(items: list, size: int = CHUNK):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
