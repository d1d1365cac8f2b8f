"""The schedule chart (作战图 / 倒排工期): milestones on a time axis, planned against actual.

One function builds the rows for the page, the JSON endpoint and the .xlsx export, with
a constant number of queries: the projects (one), their milestones (one), and the
warning lights (`reporting.lights.project_lights`: the measures' queries plus the rules),
whatever the number of projects.

Milestone states (as of `today`, Asia/Shanghai):
- done: actual date on or before the planned date;
- late: done, after the planned date;
- overdue: not done and the planned date has passed (shown red);
- pending: not done, not yet due.

Backward planning (倒排工期): when milestones carry a duration in days
(`Milestone.duration_days`), their planned dates are derived backward from the project's
planned completion date (the last milestone ends on the deadline, each earlier one ends
where the next one's duration begins). The derived date travels beside the recorded one
(the chart draws it dashed); the recorded date still decides the state.

Pages: the programme view's JSON carries one page of `PAGE_SIZE` projects (a province-scale
programme has 10,000; nobody reads that many Gantt rows), while the x-axis range and the
totals (`n`, `overdue`, `count`) stay those of the whole filtered set, so turning a page
neither rescales the axis nor changes the summary. The .xlsx export is the whole set.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.core.calendar import local_today
from keyworks.ledger.models import Milestone, Project
from keyworks.reporting import lights as warning_lights
from keyworks.reporting.measures import default_month

DONE, LATE, OVERDUE, PENDING = "done", "late", "overdue", "pending"
STATES = (DONE, LATE, OVERDUE, PENDING)
STATE_LABELS = {
    DONE: gettext_lazy("按期完成"),
    LATE: gettext_lazy("逾期完成"),
    OVERDUE: gettext_lazy("逾期未完成"),
    PENDING: gettext_lazy("未到期"),
}
STATE_HEX = {DONE: "#2fb344", LATE: "#f59f00", OVERDUE: "#d63939", PENDING: "#868e96"}
HAS_DURATION = any(f.name == "duration_days" for f in Milestone._meta.get_fields())
LIGHT_CHOICES = [(c, warning_lights.LABELS[c]) for c in warning_lights.COLORS]
PAGE_SIZE = 100  # projects per page of the programme view's JSON


def milestone_state(
    planned: datetime.date, actual: datetime.date | None, today: datetime.date
) -> str:
    if actual is not None:
        return DONE if actual <= planned else LATE
    return OVERDUE if planned < today else PENDING


def derive_backward(
    deadline: datetime.date | None, durations: list[int | None]
) -> list[datetime.date | None]:
    """Planned completion dates of milestones in order, derived backward from `deadline`.

    The last milestone is due on the deadline; each earlier one is due when the next one
    has to start (its due date minus its duration). A missing duration (or deadline)
    breaks the chain: that milestone and every earlier one get None (keep their
    recorded dates)."""
    result: list[datetime.date | None] = [None] * len(durations)
    due = deadline
    for i in range(len(durations) - 1, -1, -1):
        result[i] = due
        if due is None or durations[i] is None:
            due = None
        else:
            due = due - datetime.timedelta(days=durations[i])
    return result


@dataclass
class MilestoneRow:
    pk: int
    name: str
    planned: datetime.date
    actual: datetime.date | None
    state: str
    derived: datetime.date | None = None  # planned date derived backward, if durations exist


@dataclass
class ProjectRow:
    pk: int
    seq: int
    name: str
    category: str
    category_index: int
    light: str | None  # warning light colour, None for archived projects
    planned_start: datetime.date | None
    planned_finish: datetime.date | None
    actual_start: datetime.date | None
    actual_finish: datetime.date | None
    milestones: list[MilestoneRow] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(m.state == OVERDUE for m in self.milestones)


@dataclass
class Schedule:
    today: datetime.date
    month: datetime.date  # the month of the warning lights
    categories: list[str]
    rows: list[ProjectRow]

    def date_range(self) -> tuple[datetime.date, datetime.date]:
        """First and last date on the chart (always includes today)."""
        dates = [self.today]
        for r in self.rows:
            dates += [
                d for d in (r.planned_start, r.planned_finish, r.actual_start, r.actual_finish) if d
            ]
            for m in r.milestones:
                dates += [d for d in (m.planned, m.actual, m.derived) if d]
        return min(dates), max(dates)


def build_schedule(
    programme, projects, *, light: str | None = None, today: datetime.date | None = None
) -> Schedule:
    """The schedule of `projects` (a queryset of the programme's projects, already
    filtered and ordered), optionally only those with warning light `light`."""
    today = today or local_today()
    month = default_month(programme)
    lights = warning_lights.project_lights(programme, month)
    categories = list(programme.categories.order_by("sort", "pk").values_list("pk", "name"))
    category_index = {pk: i for i, (pk, _name) in enumerate(categories)}
    rows: dict[int, ProjectRow] = {}
    values = projects.values_list(
        "pk",
        "seq",
        "name",
        "category_id",
        "planned_start",
        "planned_finish",
        "actual_start",
        "actual_finish",
    )
    for pk, seq, name, cat, ps, pf, acs, acf in values:
        colour = lights[pk].color if pk in lights else None
        if light and colour != light:
            continue
        index = category_index.get(cat, 0)
        rows[pk] = ProjectRow(
            pk, seq, name, categories[index][1] if categories else "", index, colour,
            ps, pf, acs, acf,
        )  # fmt: skip
    if rows:
        attach_milestones(rows, projects, today)
    return Schedule(today, month, [name for _pk, name in categories], list(rows.values()))


def attach_milestones(rows: dict[int, ProjectRow], projects, today: datetime.date) -> None:
    """One query for the milestones of every row's project."""
    fields = ["pk", "project_id", "name", "planned_date", "actual_date"]
    if HAS_DURATION:
        fields.append("duration_days")
    ids = projects.order_by().values("pk")
    qs = (
        Milestone.objects.filter(project__in=ids)
        .order_by("project_id", "planned_date", "sort", "pk")
        .values_list(*fields)
    )
    durations: dict[int, list[int | None]] = {}
    for pk, project_id, name, planned, actual, *duration in qs:
        row = rows.get(project_id)
        if row is None:  # filtered out by light
            continue
        row.milestones.append(
            MilestoneRow(pk, name, planned, actual, milestone_state(planned, actual, today))
        )
        durations.setdefault(project_id, []).append(duration[0] if duration else None)
    for project_id, items in durations.items():
        if all(d is None for d in items):
            continue
        row = rows[project_id]
        for m, derived in zip(
            row.milestones, derive_backward(row.planned_finish, items), strict=True
        ):
            m.derived = derived


def day_numbers(first: datetime.date):
    """Dates as whole days after `first` (the payload's `d0`): 10,000 projects' dates
    are a third of the size of ISO strings and cheaper to write."""
    base = first.toordinal()

    def days(day: datetime.date | None) -> int | None:
        return None if day is None else day.toordinal() - base

    return days


def milestone_item(m: MilestoneRow, days, state_index) -> list:
    item = [m.name, days(m.planned), days(m.actual), state_index[m.state]]
    if m.derived is not None:
        item.append(days(m.derived))
    return item


def programme_payload(schedule: Schedule, days, page: int = 1) -> dict:
    """JSON for the programme view: one row per project of page `page` (1-based; past the
    end → the last page), in the schedule's order (grouped by category).

    `rows`: [id, label, category index, light index or null, planned start, planned
    finish, actual start, actual finish, [[name, planned, actual, state index,
    (derived planned)], …]]; dates are day numbers after `d0` (see `day_numbers`),
    or null. `page`, `pages` (at least 1), `count` (projects in the whole filtered
    set) and `page_size` describe the paging."""
    light_index = {c: i for i, c in enumerate(warning_lights.COLORS)}
    state_index = {s: i for i, s in enumerate(STATES)}
    paginator = Paginator(schedule.rows, PAGE_SIZE)
    chosen = paginator.get_page(max(page, 1))  # past the end → the last page
    return {
        "page": chosen.number,
        "pages": paginator.num_pages,
        "count": paginator.count,
        "page_size": PAGE_SIZE,
        "rows": [
            [
                r.pk,
                f"{r.seq}. {r.name}",
                r.category_index,
                light_index.get(r.light),
                days(r.planned_start),
                days(r.planned_finish),
                days(r.actual_start),
                days(r.actual_finish),
                [milestone_item(m, days, state_index) for m in r.milestones],
            ]
            for r in chosen.object_list
        ],
    }


def project_payload(row: ProjectRow, days) -> dict:
    """JSON for one project: a row for the whole project, then one per milestone whose
    planned bar runs from the previous milestone's planned date (the project's planned
    start for the first) and actual bar likewise."""
    state_index = {s: i for i, s in enumerate(STATES)}
    whole = _("%(project)s（全程）") % {"project": row.name}
    rows = [
        [row.pk, whole, 0, None, days(row.planned_start), days(row.planned_finish),
         days(row.actual_start), days(row.actual_finish), []],
    ]  # fmt: skip
    previous_planned, previous_actual = row.planned_start, row.actual_start
    for m in row.milestones:
        planned = m.derived or m.planned
        rows.append(
            [
                m.pk,
                m.name,
                0,
                None,
                days(previous_planned or planned),
                days(planned),
                days(previous_actual) if m.actual else None,
                days(m.actual),
                [milestone_item(m, days, state_index)],
            ]
        )
        previous_planned = planned
        previous_actual = m.actual or previous_actual
    return {"rows": rows}


def payload(schedule: Schedule, project: Project | None = None, page: int = 1) -> dict:
    """The chart's JSON. The range (`d0`, `range`) and the totals (`overdue`, `n`) are
    the whole schedule's; the programme view's `rows` are page `page` of it
    (`programme_payload`), the project view's one row per milestone (`page` unused)."""
    start, end = schedule.date_range()
    days = day_numbers(start)
    body = project_payload(schedule.rows[0], days) if project and schedule.rows else None
    if project is not None and body is None:
        body = {"rows": []}
    data = {
        "view": "project" if project else "programme",
        "d0": start.isoformat(),
        "today": schedule.today.isoformat(),
        "range": [start.isoformat(), end.isoformat()],
        "month": f"{schedule.month:%Y-%m}",
        "groups": [] if project else schedule.categories,
        "lights": {
            "v": [warning_lights.LABELS[c] for c in warning_lights.COLORS],
            "c": [warning_lights.HEX[c] for c in warning_lights.COLORS],
        },
        "states": {"v": [STATE_LABELS[s] for s in STATES], "c": [STATE_HEX[s] for s in STATES]},
        "overdue": sum(r.overdue for r in schedule.rows),
        "n": len(schedule.rows),
    }
    data.update(body or programme_payload(schedule, days, page))
    return data
