"""Automatic escalation (自动升级) by the programme's `EscalationRule`.

A problem still being handled (not resolved, closed or voided) goes up one level when
- it is at least `overdue_days` past its deadline, counted from the deadline or, once it
  has been escalated, from its latest escalation (by hand or automatic); or
- nothing at all has happened to it (no event of any kind) for at least `stuck_days`.
One level per run, never above `max_level`. An escalation is an event, so the rule has to
fire anew from it: running twice on a day escalates nothing the second time.

Days are whole calendar days in Asia/Shanghai. This module reads; the writes (the rule,
the escalations) are in services.py: `save_escalation_rule`, `run_escalation`."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Q

from keyworks.core.calendar import SHANGHAI, local_today
from keyworks.ledger.models import Programme

from .models import HANDLING_STATUSES, EscalationLevel, EscalationRule, Problem, ProblemEvent

LEVEL_LABELS = dict(EscalationLevel.choices)


def rule_for(programme: Programme) -> EscalationRule:
    """The programme's rule, or the (disabled) defaults if none was saved yet."""
    rule = EscalationRule.objects.filter(programme=programme).first()
    return rule or EscalationRule(programme=programme)


def _day(at: datetime.datetime | None) -> datetime.date | None:
    return at.astimezone(SHANGHAI).date() if at is not None else None


@dataclass(frozen=True)
class Due:
    """A problem the rule escalates, to which level, and why (the event's note)."""

    problem: Problem
    level: int
    note: str


def reasons(problem, rule: EscalationRule, day: datetime.date) -> list[str]:
    """Why `rule` escalates `problem` on `day` (empty: it does not). `problem` carries
    `last_event_at` and `last_escalation_at` (see `candidates`)."""
    found = []
    escalated = _day(problem.last_escalation_at)
    if rule.overdue_days and problem.deadline < day:
        overdue = (day - problem.deadline).days
        since = (day - escalated).days if escalated and escalated > problem.deadline else None
        counted = overdue if since is None else since
        if counted >= rule.overdue_days:
            after = "" if since is None else f"，距上次升级{since}天"
            found.append(f"逾期{overdue}天{after}，达到逾期{rule.overdue_days}天升级规则")
    last = _day(problem.last_event_at)
    if rule.stuck_days and last is not None:
        idle = (day - last).days
        if idle >= rule.stuck_days:
            found.append(f"{idle}天无办理记录，达到{rule.stuck_days}天无进展升级规则")
    return found


def candidates(programme: Programme, rule: EscalationRule):
    Kind = ProblemEvent.Kind
    return (
        Problem.objects.filter(
            project__programme=programme,
            status__in=HANDLING_STATUSES,
            level__lt=rule.max_level,
        )
        .annotate(
            last_event_at=Max("events__at"),
            last_escalation_at=Max("events__at", filter=Q(events__kind=Kind.ESCALATE)),
        )
        .select_related("project")
        .order_by("pk")
    )


def due(programme: Programme, day: datetime.date | None = None) -> list[Due]:
    """The problems the programme's rule escalates as of `day` (default today)."""
    day = day or local_today()
    rule = rule_for(programme)
    if not rule.enabled:
        return []
    result = []
    for problem in candidates(programme, rule):
        found = reasons(problem, rule, day)
        if found:
            level = problem.level + 1
            note = f"{'；'.join(found)}，自动升级至{LEVEL_LABELS[level]}"
            result.append(Due(problem, level, note))
    return result
