"""Demo data for the demo programme: four weekly dispatch meetings in December 2025.

Each agenda is compiled from the demo data as it stood on the meeting day (the same
`compile_agenda` the office uses), decisions are recorded on the first items and followed
up in varied states: confirmed, reported done and awaiting confirmation, and one left
unfinished that every later meeting carries over. Written with the ORM (dated events);
the demo loader writes one audit record for the whole load. A department's unit is the
unit of its demo account (`dept-<key>`), as the loader created it."""

import datetime
from collections import Counter

from django.db import transaction
from django.urls import reverse

from keyworks.core.calendar import SHANGHAI
from keyworks.orgs.models import Role, RoleAssignment, Unit, User
from keyworks.tasks.models import TaskEvent, TaskKind, TaskStatus

from .agenda import cn_date, compile_agenda, open_problems, problem_summary
from .models import AgendaItem, AgendaKind, Decision, Meeting, MeetingStatus

PLACE = "市政府第一会议室"
CHAIR = "市政府副市长、指挥部常务副指挥长"
ATTENDEES = (
    "市发展改革委、市自然资源规划局、市生态环境局、市住房城乡建设局、市交通运输局、"
    "市应急管理局等成员单位负责同志，各县（市、区）分管负责同志，各项目专班负责人"
)
MEETING_DAYS = ("2025-12-01", "2025-12-08", "2025-12-15", "2025-12-22")
# Per meeting, per decision: (days to deadline, report day or None, confirm day or None).
# Meeting 1's second decision is never done: every later meeting carries it over.
LIFECYCLES = [
    [(7, "2025-12-05", "2025-12-06"), (11, None, None)],
    [(7, "2025-12-12", "2025-12-13"), (14, "2025-12-19", None)],
    [(5, "2025-12-19", "2025-12-20"), (26, None, None)],
    [(10, None, None), (24, None, None)],
]
FREE_ITEM = (
    "冬季施工安全与扬尘管控",
    "入冬以来各项目进入冬季施工期，需统筹做好安全生产和扬尘污染防治工作。",
    "yjgl",
    "各项目专班落实冬季施工安全措施，市应急管理局牵头开展专项检查",
)


def _at(day: datetime.date | str, hour: int = 10) -> datetime.datetime:
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _department_units() -> dict[str, Unit]:
    """The units of the demo's department accounts (dept-fgw…) by key (fgw…)."""
    accounts = User.objects.filter(username__startswith="dept-", unit__isnull=False)
    return {u.username.removeprefix("dept-"): u.unit for u in accounts.select_related("unit")}


def _office(programme) -> User | None:
    role = (
        RoleAssignment.objects.filter(programme=programme, role=Role.OFFICE)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return role.user if role else None


def _unit_user(programme, unit, fallback):
    role = (
        RoleAssignment.objects.filter(programme=programme, role=Role.DEPARTMENT, unit=unit)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return role.user if role else fallback


def _decision_text(item, unit, deadline) -> str:
    if item.problem is not None:
        what = (item.problem.need or item.problem.description).rstrip("。")
        return f"由{unit.name}牵头，{what}，{cn_date(deadline)}前将办理结果报指挥部办公室。"
    if item.kind == AgendaKind.RED_LIGHT:
        return (
            f"项目专班制定赶工计划、倒排工期，{unit.name}跟踪督导，"
            f"{cn_date(deadline)}前报送整改情况。"
        )
    if item.kind == AgendaKind.FACTOR:
        return f"{unit.name}统筹解决要素保障缺口，{cn_date(deadline)}前报送落实情况。"
    return f"{FREE_ITEM[3]}，{cn_date(deadline)}前报送检查情况。"


def _unit_for(item, units) -> Unit:
    if item.problem is not None and item.problem.lead_unit is not None:
        return item.problem.lead_unit
    if item.kind == AgendaKind.FREE:
        return units[FREE_ITEM[2]]
    if item.kind == AgendaKind.FACTOR:
        return units["zrzy"]
    return units["fgw"]


def _event(decision, kind, at, actor, note="", unit=None):
    return TaskEvent(
        task=decision, kind=kind, at=at, status=decision.status, actor=actor, note=note, unit=unit
    )


@transaction.atomic
def load_demo(programme) -> Counter:
    """Add the demo meetings while the programme has none; return what was made."""
    created: Counter = Counter()
    office = _office(programme)
    if office is None or Meeting.objects.filter(programme=programme).exists():
        return created
    units = _department_units()
    if not units.get("fgw") or not units.get("yjgl") or not units.get("zrzy"):
        return created
    pending: list[tuple[Decision, tuple]] = []
    decided: set = set()  # problems and projects that already have a decision
    for number, (day_text, lifecycle) in enumerate(
        zip(MEETING_DAYS, LIFECYCLES, strict=True), start=1
    ):
        day = datetime.date.fromisoformat(day_text)
        _follow_up(pending, before=_at(day, 0), office=office, programme=programme)
        meeting = Meeting.objects.create(
            programme=programme,
            number=number,
            title=f"第{number}次周调度会",
            date=day,
            place=PLACE,
            chair=CHAIR,
            attendees=ATTENDEES,
            status=MeetingStatus.CLOSED,
            opened_by=office,
            opened_at=_at(day - datetime.timedelta(days=1), 16),
            closed_at=_at(day, 12),
        )
        created["meetings"] += 1
        entries = compile_agenda(programme, day, before_meeting=meeting)
        items = AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                kind=e.kind,
                problem=e.problem,
                project_id=e.project_id,
                carried=e.carried,
                title=e.title[:200],
                summary=e.summary,
                sort=(i + 1) * 10,
            )
            for i, e in enumerate(entries)
        )
        items += _watch_items(meeting, entries, day, start=len(items))
        rank = {AgendaKind.RED_LIGHT: 1, AgendaKind.FACTOR: 2}
        candidates = [
            i for i in items if i.kind != AgendaKind.CARRY_OVER and _key(i) not in decided
        ]
        candidates.sort(key=lambda i: (i.problem_id is None, rank.get(i.kind, 0), i.sort))
        targets = candidates[: len(lifecycle)]
        if len(targets) < len(lifecycle):
            targets.append(
                AgendaItem.objects.create(
                    meeting=meeting,
                    kind=AgendaKind.FREE,
                    title=FREE_ITEM[0],
                    summary=FREE_ITEM[1],
                    sort=(len(items) + 1) * 10,
                )
            )
            items.append(targets[-1])
        created["agenda_items"] += len(items)
        for item, steps in zip(targets, lifecycle, strict=False):
            unit = _unit_for(item, units)
            deadline = day + datetime.timedelta(days=steps[0])
            problem = item.problem
            decision = Decision.objects.create(
                programme=programme,
                kind=TaskKind.DECISION,
                meeting=meeting,
                item=item,
                text=_decision_text(item, unit, deadline),
                problem=problem,
                project=None if problem is not None else item.project,
                subject_label=f"{meeting.title}（{day:%Y-%m-%d}）",
                subject_url=reverse("meetings:meeting_detail", args=[meeting.pk]),
                lead_unit=unit,
                deadline=deadline,
                sort=1,
                issued_by=office,
                recorded_by=office,
                issued_on=day,
                issued_at=_at(day, 11),
            )
            TaskEvent.objects.bulk_create(
                [_event(decision, TaskEvent.Kind.ISSUE, _at(day, 11), office, decision.text, unit)]
            )
            created["decisions"] += 1
            decided.add(_key(item))
            pending.append((decision, steps))
    _follow_up(pending, before=_at("2026-01-01", 0), office=office, programme=programme)
    created["decision_events"] = TaskEvent.objects.filter(
        task__decision__meeting__programme=programme
    ).count()
    return created


def _key(item):
    """What a decision is about: its problem, else its project and kind."""
    return ("problem", item.problem_id) if item.problem_id else (item.kind, item.project_id)


def _watch_items(meeting, entries, day, *, start: int) -> list[AgendaItem]:
    """The office adds the problems still open that day (not already on the agenda) as
    items to follow up: what an office does when a week brings nothing new."""
    listed = {e.problem.pk for e in entries if e.problem is not None}
    items = []
    for p in open_problems(meeting.programme, day):
        if p.pk in listed:
            continue
        items.append(
            AgendaItem(
                meeting=meeting,
                kind=AgendaKind.FREE,
                problem=p,
                project=p.project,
                title=f"重点问题跟踪：{p.project.name}（{p.get_category_display()}）",
                summary=problem_summary(p),
                sort=(start + len(items) + 1) * 10,
            )
        )
    return AgendaItem.objects.bulk_create(items)


def _follow_up(pending, *, before, office, programme) -> None:
    """Apply the follow-up steps dated before `before` (report done, confirm)."""
    for decision, (_days, report, confirm) in pending:
        events = []
        if report and _at(report) < before and decision.status == TaskStatus.ISSUED:
            actor = _unit_user(programme, decision.lead_unit, office)
            decision.status = TaskStatus.ANSWERED
            decision.answer = "已按会议要求完成，相关材料已报指挥部办公室。"
            decision.answered_at = _at(report, 15)
            decision.version += 1
            events.append(
                _event(
                    decision,
                    TaskEvent.Kind.ANSWER,
                    decision.answered_at,
                    actor,
                    decision.answer,
                    decision.lead_unit,
                )
            )
        if confirm and _at(confirm) < before and decision.status == TaskStatus.ANSWERED:
            decision.status = TaskStatus.ACCEPTED
            decision.accepted_at = _at(confirm, 9)
            decision.version += 1
            events.append(
                _event(
                    decision, TaskEvent.Kind.ACCEPT, decision.accepted_at, office, "经核实已办结"
                )
            )
        if events:
            decision.save()
            TaskEvent.objects.bulk_create(events)
