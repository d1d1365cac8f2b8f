"""Problem list measures (issue point 9), the one implementation pages and API use.

Per lead (responsible) unit: problems open, average days open, on-time closure rate and
reopened rate; per programme: problems raised and closed by ISO week. Voided problems are
left out everywhere (they were never real problems). Days are calendar days in
Asia/Shanghai.

- average days open: over open problems (raised → today) and closed ones (raised → closed)
- on-time closure rate: closed by the deadline / closed
- reopened rate: returned by the office after being reported resolved / reported resolved
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from keyworks.core.calendar import SHANGHAI, local_today

from .models import OPEN_STATUSES, Problem, ProblemEvent, ProblemStatus

Kind = ProblemEvent.Kind


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _local(at: datetime.datetime) -> datetime.date:
    return at.astimezone(SHANGHAI).date()


def unit_measures(problems, today: datetime.date | None = None) -> list[dict]:
    """One row per lead unit ("未交办" for none), by unit name. One query."""
    today = today or local_today()
    events = ProblemEvent.objects.filter(problem=OuterRef("pk"))
    values = (
        problems.exclude(status=ProblemStatus.VOIDED)
        .annotate(
            was_resolved=Exists(events.filter(kind=Kind.RESOLVE)),
            was_returned=Exists(events.filter(kind=Kind.RETURN)),
        )
        .values(
            "lead_unit_id",
            "lead_unit__name",
            "status",
            "raised_at",
            "closed_at",
            "deadline",
            "was_resolved",
            "was_returned",
        )
        .order_by("lead_unit__name", "lead_unit_id")
    )
    rows: dict = {}
    for p in values:
        row = rows.setdefault(
            p["lead_unit_id"],
            {
                "unit_id": p["lead_unit_id"],
                "unit": p["lead_unit__name"] or _("未交办"),
                "open": 0,
                "days": [],
                "closed": 0,
                "on_time": 0,
                "resolved": 0,
                "returned": 0,
            },
        )
        raised = _local(p["raised_at"])
        if p["status"] in OPEN_STATUSES:
            row["open"] += 1
            row["days"].append((today - raised).days)
        elif p["status"] == ProblemStatus.CLOSED:
            closed = _local(p["closed_at"])
            row["closed"] += 1
            row["days"].append((closed - raised).days)
            row["on_time"] += closed <= p["deadline"]
        row["resolved"] += p["was_resolved"]
        row["returned"] += p["was_resolved"] and p["was_returned"]
    result = []
    for row in rows.values():
        days = row.pop("days")
        row["avg_days"] = round(sum(days) / len(days), 1) if days else None
        row["on_time_rate"] = _rate(row["on_time"], row["closed"])
        row["reopened_rate"] = _rate(row["returned"], row["resolved"])
        result.append(row)
    return result


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def weekly(problems, *, weeks: int = 26, today: datetime.date | None = None) -> list[dict]:
    """Problems raised and closed per ISO week (Monday–Sunday), the `weeks` weeks up to
    and including the week of `today`, oldest first. One query."""
    today = today or local_today()
    last_monday = today - datetime.timedelta(days=today.weekday())
    mondays = [last_monday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    start = datetime.datetime.combine(mondays[0], datetime.time(), tzinfo=SHANGHAI)
    rows = {m: {"week": iso_week(m), "start": m, "raised": 0, "closed": 0} for m in mondays}

    def monday(at):
        day = _local(at)
        return day - datetime.timedelta(days=day.weekday())

    recent = Q(raised_at__gte=start) | Q(closed_at__gte=start)
    values = (
        problems.exclude(status=ProblemStatus.VOIDED)
        .filter(recent)
        .values_list("raised_at", "closed_at", "status")
    )
    for raised_at, closed_at, status in values.order_by():
        if raised_at >= start and monday(raised_at) in rows:
            rows[monday(raised_at)]["raised"] += 1
        if status == ProblemStatus.CLOSED and closed_at and closed_at >= start:
            if monday(closed_at) in rows:
                rows[monday(closed_at)]["closed"] += 1
    return list(rows.values())


# --- per project, for the bi-monthly rankings (rankings/scoring.py) ---------------------


@dataclass
class ProblemTimeliness:
    """Problems of one project (or group) judged in a span: `due` judged, `on_time` of
    them closed (销号) by their deadline, as in `unit_measures`."""

    due: int = 0
    on_time: int = 0

    def add(self, other: "ProblemTimeliness") -> None:
        self.due += other.due
        self.on_time += other.on_time


def project_problem_timeliness(
    programme,
    start: datetime.date,
    end: datetime.date,
    *,
    now: datetime.datetime | None = None,
    project_ids=None,
) -> dict[int, ProblemTimeliness]:
    """Per project id of `programme` (not archived; of `project_ids` when given): the
    problems whose deadline falls in [start, end], voided ones left out, judged as of
    `now`. A problem still open whose deadline has not passed is not judged yet. One
    query."""
    now = now or timezone.now()
    today = _local(now)
    problems = Problem.objects.filter(
        project__programme=programme,
        project__archived_at__isnull=True,
        deadline__gte=start,
        deadline__lte=end,
    )
    if project_ids is not None:
        problems = problems.filter(project_id__in=project_ids)
    rows = (
        problems.exclude(status=ProblemStatus.VOIDED)
        .order_by()
        .values_list("project_id", "deadline", "status", "closed_at")
    )
    result: dict[int, ProblemTimeliness] = {}
    for project_id, deadline, status, closed_at in rows:
        closed = status == ProblemStatus.CLOSED and closed_at is not None and closed_at <= now
        if not closed and deadline >= today:
            continue
        item = result.setdefault(project_id, ProblemTimeliness())
        item.due += 1
        item.on_time += closed and _local(closed_at) <= deadline
    return result
