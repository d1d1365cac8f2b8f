"""Compiling a meeting's agenda from the data, as the data stood at the end of the meeting
day (Asia/Shanghai): last meetings' unfinished decisions first, then the week's new
problems, overdue problems, problems escalated to the dispatch meeting, projects with red
lights and factor shortfalls. A problem appears once, under the first section it fits."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Q

from keyworks.coordination.filters import open_at, with_state
from keyworks.coordination.models import (
    HANDLING_STATUSES,
    OPEN_STATUSES,
    EscalationLevel,
    Problem,
    ProblemCategory,
    ProblemStatus,
)
from keyworks.core.calendar import end_of_day
from keyworks.factors.services import shortfalls
from keyworks.ledger.models import Project
from keyworks.reporting.lights import RED, project_lights
from keyworks.reporting.models import MonthlyReport
from keyworks.tasks.models import OPEN_STATUSES as UNFINISHED_STATUSES
from keyworks.tasks.models import TaskStatus

from .models import AgendaKind, Decision

STATUS_LABELS = dict(ProblemStatus.choices)
DECISION_LABELS = dict(TaskStatus.choices)
WEEK = datetime.timedelta(days=7)


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Entry:
    """An agenda item before it is stored."""

    kind: str
    title: str
    summary: str
    problem: Problem | None = None
    project_id: int | None = None
    carried: Decision | None = None


def compile_agenda(programme, day: datetime.date, *, before_meeting=None) -> list[Entry]:
    """The agenda of a meeting of `programme` held on `day`. `before_meeting` (a Meeting)
    limits carried-over decisions to meetings before it."""
    entries = carry_over(programme, before_meeting)
    entries += problem_entries(programme, day)
    entries += red_light_entries(programme, day)
    entries += factor_entries(programme, day)
    return entries


def carry_over(programme, before_meeting=None) -> list[Entry]:
    """Unfinished decisions (open, or reported done but not yet confirmed) of earlier
    meetings: the next meeting starts by following them up."""
    decisions = Decision.objects.filter(
        meeting__programme=programme, status__in=UNFINISHED_STATUSES
    ).select_related("meeting", "lead_unit")
    if before_meeting is not None:
        decisions = decisions.filter(meeting__date__lte=before_meeting.date).exclude(
            meeting=before_meeting
        )
    entries = []
    for d in decisions.order_by("meeting__date", "meeting__number", "item__sort", "sort", "id"):
        summary = (
            f"{d.meeting.title}议定：{d.text.rstrip('。')}。责任单位：{d.lead_unit.name}；"
            f"完成时限：{cn_date(d.deadline)}；当前状态：{DECISION_LABELS[d.status]}。"
        )
        if d.answer:
            summary += f"完成情况：{d.answer}"
        entries.append(
            Entry(
                kind=AgendaKind.CARRY_OVER,
                title=f"{d.meeting.title}议定事项：{d.text.rstrip('。')[:60]}",
                summary=summary,
                carried=d,
            )
        )
    return entries


def category_labels() -> dict[str, str]:
    """Problem category labels as plain text, once per agenda (a lazy label per row
    would go through the translation machinery thousands of times)."""
    return {value: str(label) for value, label in ProblemCategory.choices}


def problem_summary(p) -> str:
    status = STATUS_LABELS.get(p.status_then, p.status_then)
    lead = p.lead_unit.name if p.lead_unit else "未交办"
    parts = [f"{p.project.name}：{p.description}"]
    if p.need:
        parts.append(f"需协调事项：{p.need}")
    parts.append(f"牵头单位：{lead}；办理时限：{cn_date(p.deadline)}；状态：{status}")
    if p.progress:
        parts.append(f"最新进展：{p.progress}")
    return "。".join(part.rstrip("。") for part in parts) + "。"


def open_problems(programme, day: datetime.date):
    """The programme's problems open at the end of `day`, with their state then. A problem
    closed (销号) before then is left out before its state is looked up: closing is final."""
    cutoff = end_of_day(day)
    candidates = Problem.objects.filter(project__programme=programme, raised_at__lt=cutoff)
    qs = with_state(open_at(candidates, cutoff), cutoff).filter(status_then__in=OPEN_STATUSES)
    return qs.select_related("project", "lead_unit").order_by("project__seq", "raised_at", "id")


AGENDA_FIELDS = (
    *("id", "project", "lead_unit", "category", "description", "need", "deadline"),
    *("raised_at", "project__id", "project__name", "project__seq", "lead_unit__name"),
)


def problem_entries(programme, day: datetime.date) -> list[Entry]:
    """New problems of the week ending on `day`, overdue problems, and problems at the
    dispatch-meeting level or higher; each problem once. One query, which picks only the
    problems of these sections (and only the fields the agenda shows)."""
    week_start = end_of_day(day - WEEK)
    qs = open_problems(programme, day).filter(
        Q(raised_at__gte=week_start)
        | Q(status_then__in=HANDLING_STATUSES, deadline__lt=day)
        | Q(level_then__gte=EscalationLevel.DISPATCH)
    )
    labels = category_labels()
    sections = {AgendaKind.NEW_PROBLEM: [], AgendaKind.OVERDUE: [], AgendaKind.ESCALATED: []}
    kind_labels = {kind: str(AgendaKind(kind).label) for kind in sections}
    for p in qs.only(*AGENDA_FIELDS):
        if p.raised_at >= week_start:
            kind = AgendaKind.NEW_PROBLEM
        elif p.status_then in HANDLING_STATUSES and p.deadline < day:
            kind = AgendaKind.OVERDUE
        elif (p.level_then or 0) >= EscalationLevel.DISPATCH:
            kind = AgendaKind.ESCALATED
        else:
            continue
        label = kind_labels[kind]
        sections[kind].append(
            Entry(
                kind=kind,
                title=f"{label}：{p.project.name}（{labels.get(p.category, p.category)}）",
                summary=problem_summary(p),
                problem=p,
                project_id=p.project_id,
            )
        )
    return [entry for entries in sections.values() for entry in entries]


def lights_month(programme, day: datetime.date) -> datetime.date | None:
    """The latest month before `day`'s month with reports submitted by the end of `day`
    (a month is reported on in the month after it); None when there is no data."""
    latest = MonthlyReport.objects.filter(
        project__programme=programme,
        month__lt=day.replace(day=1),
        submitted_at__lt=end_of_day(day),
    ).aggregate(latest=Max("month"))["latest"]
    return latest


def red_light_entries(programme, day: datetime.date) -> list[Entry]:
    month = lights_month(programme, day)
    if month is None:
        return []
    lights = project_lights(programme, month, now=end_of_day(day), keep=True)
    red = {pk for pk, light in lights.items() if light.color == RED}
    if not red:
        return []
    # Thousands of red lights at province scale: the programme's projects in ledger order
    # (three fields), kept when red, rather than thousands of ids sent to the database.
    projects = Project.objects.filter(programme=programme).order_by("seq", "id")
    entries = []
    for pk, name in projects.values_list("id", "name"):
        if pk not in red:
            continue
        reasons = "；".join(lights[pk].reasons)
        entries.append(
            Entry(
                kind=AgendaKind.RED_LIGHT,
                title=f"红灯预警：{name}",
                summary=f"{month.year}年{month.month}月预警为红灯：{reasons}。",
                project_id=pk,
            )
        )
    return entries


def _number(value) -> str:
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def factor_line(item) -> str:
    unit = item.unit_label
    line = (
        f"{item.kind_label}需求{_number(item.demand)}{unit}，"
        f"已落实{_number(item.secured)}{unit}，缺口{_number(item.shortfall)}{unit}"
    )
    if item.responsible_unit is not None:
        line += f"，责任单位{item.responsible_unit.name}"
    if item.deadline:
        line += f"，保障时限{cn_date(item.deadline)}"
    return line


def factor_entries(programme, day: datetime.date) -> list[Entry]:
    """One item per project with factor shortfalls (要素保障缺口, the factor list's current
    data)."""
    by_project: dict = {}
    for item in shortfalls(programme, day):
        by_project.setdefault(item.project.pk, (item.project, []))[1].append(item)
    entries = []
    for project, items in sorted(by_project.values(), key=lambda pair: pair[0].seq):
        entries.append(
            Entry(
                kind=AgendaKind.FACTOR,
                title=f"要素保障缺口：{project.name}",
                summary="；".join(factor_line(i) for i in items) + "。",
                project_id=project.pk,
            )
        )
    return entries
