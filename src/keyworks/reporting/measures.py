"""Measures the office lives by (domain.md §8), per project and rolled up.

Everything is computed for a whole programme and one month at once, with a constant
number of queries (one per kind of data), then assembled in Python.

Definitions (month M of year Y; "the month's end" is the last day of M, Asia/Shanghai):

- annual investment completion rate = year-to-date completed / annual target, where the
  annual target is the one in force at the month's end (the targets app's accepted
  versions, "targets_in_force": a revision accepted in July moves July on, never June;
  without an accepted target, `Project.annual_investment`) and year-to-date is the sum of
  `completed_this_month` of the project's **accepted** reports for January..M of Y.
  Submitted and reviewed reports are not counted: a figure enters the measures only once
  the office has accepted it (the reports page shows the not-yet-accepted ones).
- 序时进度 (time-elapsed share) = M / 12 at the month's end; gap = rate − 序时进度 (points).
  Percentages are rounded to 0.1 first and the gap is taken between the rounded values,
  so the numbers in a reason add up.
- start rate: of the projects with `planned_start` in Y, the share with `actual_start`
  set on or before the month's end.
- milestone on-time rate: of the milestones planned in Y up to the month's end, the share
  with `actual_date` on or before `planned_date`. Overdue milestones (any year) are those
  planned before the as-of day and not done by it; the as-of day is the month's end, or
  today for the current month.
- report timeliness of M's report: on time / late (submitted after the due day) /
  missing (not submitted and the due day has passed) / pending (not yet due).
- verified-vs-reported gap: the latest on-site visit of M that had a report to compare
  with (fieldwork): verified year-to-date investment vs the report's `ytd_total`, in
  percent of the reported figure; open disputes are listed in `disputes` (red light).
- Archived projects are left out. A project is paused for M when one of its
  `ProjectPause`s overlaps M or the month after it (the month in which M is reported
  on and judged), up to now: pausing a project in September greys August too, but
  leaves July's record alone. Paused projects are measured but marked `paused`, get a
  grey light and are left out of every rollup.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from keyworks.audit import revisions
from keyworks.core.calendar import first_of_month, next_month, previous_month
from keyworks.core.extensions import collect
from keyworks.ledger.models import Milestone, Project

from .models import MonthlyReport, ProjectPause, ReportStatus
from .services import SHANGHAI, due_at

TENTH = Decimal("0.1")
ZERO = Decimal("0")

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
TIMELINESS_LABELS = {
    ON_TIME: gettext_lazy("按时"),
    LATE: gettext_lazy("逾期提交"),
    MISSING: gettext_lazy("逾期未报"),
    PENDING: gettext_lazy("未到截止日"),
}
ROLLUP_KINDS = ("programme", "category", "district", "task_force")


def percent(part, whole) -> Decimal | None:
    """100 × part / whole rounded to 0.1 (half up); None when there is no whole."""
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def elapsed_share(month: datetime.date) -> Decimal:
    """序时进度 at the end of `month`: months elapsed / 12, in percent."""
    return percent(month.month, 12)


def default_month(programme) -> datetime.date:
    """The last finished month, kept inside the programme's year."""
    month = previous_month()
    if month.year > programme.year:
        return datetime.date(programme.year, 12, 1)
    if month.year < programme.year:
        return datetime.date(programme.year, 1, 1)
    return month


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def as_of_moment(month: datetime.date, now: datetime.datetime | None = None):
    """The moment the month is judged at: its end, or now while it is still running."""
    following = next_month(month)
    end = datetime.datetime(following.year, following.month, 1, tzinfo=SHANGHAI)
    now = now or timezone.now()
    return min(end, now)


@dataclass
class OverdueMilestone:
    name: str
    planned_date: datetime.date
    days: int


@dataclass(slots=True)
class ProjectMeasures:
    project_id: int
    seq: int
    name: str
    category_id: int | None
    category: str
    category_sort: int
    task_force_id: int | None
    task_force: str
    districts: list[tuple[int, str, tuple]]  # (region id, name, sort key)
    month: datetime.date
    annual_target: Decimal
    ytd_completed: Decimal
    completion_rate: Decimal | None
    elapsed: Decimal
    gap: Decimal | None  # completion rate − 序时进度, points (negative = behind)
    is_new: bool
    started: bool
    milestones_due: int
    milestones_on_time: int
    overdue_milestones: list[OverdueMilestone]
    report: str  # ON_TIME | LATE | MISSING | PENDING
    report_due: datetime.datetime
    paused: bool = False
    pause_reason: str = ""
    pause_review_date: datetime.date | None = None
    verified: Decimal | None = None  # on-site verified year-to-date investment (万元)
    verified_reported: Decimal | None = None  # the report's figure it was compared with
    verified_gap: Decimal | None = None  # (verified − reported) / reported, percent
    disputes: list[str] = field(default_factory=list)  # open disputed visits, explained

    @property
    def milestone_rate(self) -> Decimal | None:
        return percent(self.milestones_on_time, self.milestones_due)

    @property
    def report_label(self) -> str:
        return TIMELINESS_LABELS[self.report]


def project_measures(
    programme,
    month: datetime.date,
    *,
    now: datetime.datetime | None = None,
    keep: bool = False,
) -> dict[int, ProjectMeasures]:
    """Measures of every current (not archived) project of `programme` for `month`,
    keyed by project id, in ledger order. Five queries whatever the number of projects:
    the figures that do not move with the clock are read from their stored rows
    (`reporting.figures`, kept up to date with every change), the rest is added for
    `now`. With `keep`, those for a fixed `now` are kept in the process's snapshots like
    the present's (for a moment many requests ask about: a meeting day's end). With
    `MEASURES_CACHE` off (most tests: they write rows without the change log) everything
    is computed afresh."""
    month = first_of_month(month)
    if not settings.MEASURES_CACHE:
        return _compute(programme, month, now)
    from . import figures

    if now is not None and keep:
        return figures.snapshot_measures(programme, month, now)
    if now is not None:
        return assemble(programme, month, now, figures.rows(programme, month))
    return figures.snapshot_measures(programme, month)


def pause_window(month: datetime.date, now: datetime.datetime):
    """A pause overlapping [start, end) greys `month`: the month and the one it is reported
    in, up to now."""
    start = datetime.datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    following = next_month(next_month(month))
    end = datetime.datetime(following.year, following.month, 1, tzinfo=SHANGHAI)
    return start, min(now, end)


def pauses_in(month: datetime.date, now: datetime.datetime):
    """The pauses that grey `month` (their projects are `paused` in its measures)."""
    window_start, window_end = pause_window(month, now)
    return ProjectPause.objects.filter(started_at__lt=window_end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=window_start)
    )


@dataclass
class MonthTotal:
    month: datetime.date
    annual_target: Decimal
    ytd_completed: Decimal


def programme_months(
    programme, last_month: datetime.date, *, now: datetime.datetime | None = None
) -> list[MonthTotal]:
    """For January..`last_month`: the programme rollup's annual target and year-to-date
    accepted completion at each month's end — the same figures as
    `rollup(project_measures(programme, m))`, in a few queries per month at most (the
    command dashboard's S-curve): sums over every current project, each against the
    target in force that month, less the projects paused in that month."""
    now = now or timezone.now()
    last_month = first_of_month(last_month)
    months = [last_month.replace(month=m) for m in range(1, last_month.month + 1)]
    current = Project.objects.filter(programme=programme, archived_at__isnull=True)
    in_programme = {"project__programme": programme, "project__archived_at__isnull": True}
    accepted = MonthlyReport.objects.filter(
        **in_programme, status=ReportStatus.ACCEPTED, month__gte=months[0], month__lte=last_month
    )
    all_target = current.aggregate(s=Sum("annual_investment"))["s"] or ZERO
    by_month = dict(
        accepted.values("month").annotate(s=Sum("completed_this_month")).order_by()
        .values_list("month", "s")
    )  # fmt: skip
    targets = {month: {} for month in months}  # month → {project: target in force}
    for month in months:
        for found in collect("targets_in_force", programme, month, None):
            targets[month].update(found)
    annual = dict(
        current.filter(pk__in={pk for t in targets.values() for pk in t}).values_list(
            "pk", "annual_investment"
        )
    )
    first_start, _ = pause_window(months[0], now)
    _, last_end = pause_window(last_month, now)
    pauses = defaultdict(list)
    for project_id, started, ended, project_annual in (
        ProjectPause.objects.filter(**in_programme, started_at__lt=last_end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=first_start))
        .values_list("project_id", "started_at", "ended_at", "project__annual_investment")
    ):
        pauses[project_id].append((started, ended, project_annual or ZERO))
    paused_done = defaultdict(dict)
    for project_id, month, total in (
        accepted.filter(project_id__in=list(pauses))
        .values("project_id", "month").annotate(s=Sum("completed_this_month")).order_by()
        .values_list("project_id", "month", "s")
    ):  # fmt: skip
        paused_done[project_id][month] = total or ZERO
    result, running = [], ZERO
    for month in months:
        running += by_month.get(month) or ZERO
        in_force = targets[month]
        target = all_target + sum(
            (
                (amount or ZERO) - (annual[pk] or ZERO)
                for pk, amount in in_force.items()
                if pk in annual
            ),
            ZERO,
        )
        ytd = running
        start, end = pause_window(month, now)
        for pk, spans in pauses.items():
            if any(s < end and (e is None or e > start) for s, e, _a in spans):
                target -= in_force.get(pk, spans[0][2]) or ZERO
                ytd -= sum((v for m, v in paused_done[pk].items() if m <= month), ZERO)
        result.append(MonthTotal(month, target, ytd))
    return result


def milestone_counts(
    programme, month: datetime.date, project_ids=None
) -> dict[int, tuple[int, int]]:
    """Per project id (of `project_ids` when given): (milestones planned from January to
    the end of `month`, those of them done by their planned date) — the year-to-date
    counts of `project_measures`, alone (the ranking needs them for the month before its
    period). The whole programme's are reused like them."""
    month = first_of_month(month)
    if project_ids is not None:
        return _milestone_counts(programme, month, project_ids)
    key = ("milestones", month)
    return revisions.reuse(
        revisions.MILESTONES, key, programme, lambda: _milestone_counts(programme, month)
    )


def _milestone_counts(
    programme, month: datetime.date, project_ids=None
) -> dict[int, tuple[int, int]]:
    milestones = Milestone.objects.filter(
        project__programme=programme,
        project__archived_at__isnull=True,
        planned_date__gte=month.replace(month=1),
        planned_date__lte=month_end(month),
    )
    if project_ids is not None:
        milestones = milestones.filter(project_id__in=project_ids)
    rows = (
        milestones.values("project_id")
        .annotate(
            due=Count("pk"),
            on_time=Count(
                "pk", filter=Q(actual_date__isnull=False, actual_date__lte=F("planned_date"))
            ),
        )
        .order_by()
    )
    return {row["project_id"]: (row["due"], row["on_time"]) for row in rows}


STORED_FIELDS = (
    "annual_target",
    "ytd_completed",
    "is_new",
    "started",
    "milestones_due",
    "milestones_on_time",
    "submitted",
    "is_late",
    "verified",
    "verified_reported",
    "verified_gap",
    "disputes",
)
# The project's own fields a page shows beside its figures (read when the page is).
PROJECT_FIELDS = (
    "pk",
    "seq",
    "name",
    "category_id",
    "category__name",
    "category__sort",
    "task_force_id",
    "task_force__name",
)


def stored_part(programme, month: datetime.date, project_ids=None) -> dict[int, dict]:
    """The measures of `month` that do not move with the clock, per current project (of
    `project_ids` when given): what `reporting.figures` stores. Five queries."""
    year_start = month.replace(month=1)
    end = month_end(month)
    projects = Project.objects.filter(programme=programme, archived_at__isnull=True)
    in_programme = {"project__programme": programme, "project__archived_at__isnull": True}
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
        in_programme["project_id__in"] = project_ids
    ytd = dict(
        MonthlyReport.objects.filter(
            **in_programme,
            status=ReportStatus.ACCEPTED,
            month__gte=year_start,
            month__lte=month,
        )
        .values("project_id")
        .annotate(total=Sum("completed_this_month"))
        .order_by()
        .values_list("project_id", "total")
    )
    reports = {
        project_id: (submitted_at, is_late)
        for project_id, submitted_at, is_late in MonthlyReport.objects.filter(
            **in_programme, month=month
        ).values_list("project_id", "submitted_at", "is_late")
    }
    milestones = _milestone_counts(programme, month, project_ids)
    verifications = {}
    for found in collect("month_verifications", programme, month, project_ids):
        verifications.update(found)
    targets = {}
    for found in collect("targets_in_force", programme, month, project_ids):
        targets.update(found)
    result = {}
    for pk, annual, planned_start, actual_start in projects.values_list(
        "pk", "annual_investment", "planned_start", "actual_start"
    ):
        submitted_at, is_late = reports.get(pk, (None, False))
        due_count, on_time = milestones.get(pk, (0, 0))
        verification = verifications.get(pk)
        result[pk] = {
            "annual_target": targets.get(pk, annual) or ZERO,
            "ytd_completed": ytd.get(pk) or ZERO,
            "is_new": planned_start is not None and planned_start.year == month.year,
            "started": actual_start is not None and actual_start <= end,
            "milestones_due": due_count,
            "milestones_on_time": on_time,
            "submitted": submitted_at is not None,
            "is_late": bool(is_late),
            "verified": verification.verified if verification else None,
            "verified_reported": verification.reported if verification else None,
            "verified_gap": verification.gap_percent if verification else None,
            "disputes": list(verification.disputes)
            if verification and verification.disputes
            else None,
        }
    return result


def _compute(programme, month: datetime.date, now: datetime.datetime | None):
    """Every measure of `month` computed afresh from the programme's rows (what the stored
    figures must equal; `project_measures` reads them instead)."""
    projects = Project.objects.filter(programme=programme, archived_at__isnull=True)
    stored = stored_part(programme, month)
    ordered = projects.order_by("seq", "pk").values_list(*PROJECT_FIELDS)
    rows = [(*row, stored[row[0]]) for row in ordered]
    return assemble(programme, month, now, rows)


def assemble(
    programme, month: datetime.date, now, rows, project_ids=None
) -> dict[int, ProjectMeasures]:
    """ProjectMeasures from `rows` — (PROJECT_FIELDS…, stored figures dict) in ledger
    order — and what moves with the clock: report due or not, overdue milestones as of
    the day, pauses up to now. Three queries (about `project_ids` only, when given)."""
    now = now or timezone.now()
    end = month_end(month)
    moment = as_of_moment(month, now)
    as_of_day = min(end, moment.astimezone(SHANGHAI).date())
    elapsed = elapsed_share(month)
    due = due_at(programme, month)
    in_programme = {"project__programme": programme, "project__archived_at__isnull": True}
    if project_ids is not None:
        in_programme["project_id__in"] = project_ids
    districts = defaultdict(list)
    through = Project.districts.through.objects.filter(**in_programme)
    for project_id, region_id, name, sort, code in through.order_by(
        "region__sort", "region__code", "region_id"
    ).values_list("project_id", "region_id", "region__name", "region__sort", "region__code"):
        districts[project_id].append((region_id, name, (sort, code or "", region_id)))
    overdue = defaultdict(list)
    for project_id, name, planned in (
        Milestone.objects.filter(**in_programme, planned_date__lt=as_of_day)
        .filter(Q(actual_date__isnull=True) | Q(actual_date__gt=as_of_day))
        .order_by("project_id", "planned_date", "pk")
        .values_list("project_id", "name", "planned_date")
    ):
        overdue[project_id].append(OverdueMilestone(name, planned, (as_of_day - planned).days))
    pauses = {
        project_id: (reason, review_date)
        for project_id, reason, review_date in pauses_in(month, now)
        .filter(**in_programme)
        .order_by("project_id", "started_at")
        .values_list("project_id", "reason", "review_date")
    }
    result = {}
    for pk, seq, name, category_id, category, category_sort, task_force_id, task_force, f in rows:
        target, completed = f["annual_target"], f["ytd_completed"]
        rate = percent(completed, target)
        if f["submitted"]:
            timeliness = LATE if f["is_late"] else ON_TIME
        else:
            timeliness = MISSING if now > due else PENDING
        pause = pauses.get(pk)
        result[pk] = ProjectMeasures(
            project_id=pk,
            seq=seq,
            name=name,
            category_id=category_id,
            category=category or "未分类",
            category_sort=category_sort if category_sort is not None else 1_000_000,
            task_force_id=task_force_id,
            task_force=task_force or "未设专班",
            districts=districts.get(pk, []),
            month=month,
            annual_target=target,
            ytd_completed=completed,
            completion_rate=rate,
            elapsed=elapsed,
            gap=None if rate is None else rate - elapsed,
            is_new=f["is_new"],
            started=f["started"],
            milestones_due=f["milestones_due"],
            milestones_on_time=f["milestones_on_time"],
            overdue_milestones=overdue.get(pk, []),
            report=timeliness,
            report_due=due,
            paused=pause is not None,
            pause_reason=pause[0] if pause else "",
            pause_review_date=pause[1] if pause else None,
            verified=f["verified"],
            verified_reported=f["verified_reported"],
            verified_gap=f["verified_gap"],
            disputes=list(f["disputes"] or ()),
        )
    return result


@dataclass
class Rollup:
    """Measures summed over a group of (not paused) projects."""

    key: object
    label: str
    projects: int = 0
    annual_target: Decimal = ZERO
    ytd_completed: Decimal = ZERO
    elapsed: Decimal = ZERO
    new_projects: int = 0
    started: int = 0
    milestones_due: int = 0
    milestones_on_time: int = 0
    reports: dict = field(default_factory=lambda: dict.fromkeys(TIMELINESS_LABELS, 0))
    sort_key: tuple = ()
    verified: Decimal = ZERO  # over the projects with a compared visit this month
    verified_reported: Decimal = ZERO

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(self.ytd_completed, self.annual_target)

    @property
    def gap(self) -> Decimal | None:
        rate = self.completion_rate
        return None if rate is None else rate - self.elapsed

    @property
    def start_rate(self) -> Decimal | None:
        return percent(self.started, self.new_projects)

    @property
    def milestone_rate(self) -> Decimal | None:
        return percent(self.milestones_on_time, self.milestones_due)

    @property
    def report_rate(self) -> Decimal | None:
        """Share of the month's reports submitted on time."""
        return percent(self.reports[ON_TIME], self.projects)

    @property
    def verified_gap(self) -> Decimal | None:
        """(verified − reported) / reported over the verified projects, percent."""
        return percent(self.verified - self.verified_reported, self.verified_reported)

    def add(self, m: ProjectMeasures) -> None:
        self.projects += 1
        self.annual_target += m.annual_target
        self.ytd_completed += m.ytd_completed
        self.elapsed = m.elapsed
        self.new_projects += int(m.is_new)
        self.started += int(m.is_new and m.started)
        self.milestones_due += m.milestones_due
        self.milestones_on_time += m.milestones_on_time
        self.reports[m.report] += 1
        if m.verified is not None and m.verified_reported is not None:
            self.verified += m.verified
            self.verified_reported += m.verified_reported


def report_counts(measures: dict[int, ProjectMeasures], project_ids) -> dict[str, int]:
    """Of the projects `project_ids` (keys of `measures`): how many are measured (not
    paused) and paused, and of the measured ones how many reports are submitted (on time
    or late), late, and missing (the report list's counts)."""
    counts = dict.fromkeys(("measured", "paused", "submitted", "late", "missing"), 0)
    for pk in project_ids:
        m = measures[pk]
        if m.paused:
            counts["paused"] += 1
            continue
        counts["measured"] += 1
        counts["submitted"] += m.report in (ON_TIME, LATE)
        counts["late"] += m.report == LATE
        counts["missing"] += m.report == MISSING
    return counts


def rollup_groups(m: ProjectMeasures, by: str) -> list[tuple[object, str, tuple]]:
    """The (key, label, sort key) groups `m` counts in for `rollup(…, by)` (a project in two
    districts counts in both)."""
    if by == "programme":
        return [(None, gettext("全部项目"), ())]
    if by == "category":
        return [(m.category_id, m.category, (m.category_sort, m.category_id or 0))]
    if by == "task_force":
        return [(m.task_force_id, m.task_force, (m.seq, m.task_force_id or 0))]
    if by == "district":
        return [(pk, name, key) for pk, name, key in m.districts] or [
            (None, gettext("未定位"), (1_000_000, "", 0))
        ]
    raise ValueError(f"unknown rollup {by!r}; one of {ROLLUP_KINDS}")


def rollup(measures: dict[int, ProjectMeasures], by: str = "programme") -> list[Rollup]:
    """Sum the measures by programme (one row), category, district or task force.

    Paused projects are left out. A project in several districts counts in each of them,
    so district rows may add up to more than the programme row."""
    groups: dict[object, Rollup] = {}
    for m in measures.values():
        if m.paused:
            continue
        for key, label, sort_key in rollup_groups(m, by):
            group = groups.get(key)
            if group is None:
                group = groups[key] = Rollup(key=key, label=label, sort_key=sort_key)
            group.add(m)
    if by == "programme" and not groups and measures:
        any_measure = next(iter(measures.values()))
        return [Rollup(key=None, label=gettext("全部项目"), elapsed=any_measure.elapsed)]
    return sorted(groups.values(), key=lambda g: g.sort_key)
