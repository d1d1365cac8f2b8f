"""Automatic escalation (自动升级) by the programme's `EscalationRule`.

A problem still being handled (not resolved, closed or voided) goes up one level when
- it is at least `overdue_days` past its deadline, counted from the deadline or, once it
  has been escalated, from its latest escalation (by hand or automatic); or
- nothing at all has happened to it (no event of any kind) for at least `stuck_days`.
One level per run, never above `max_level`. An escalation is an event, so the rule has to
fire anew from it: running twice on a day escalates nothing the second time.

Days are whole calendar days in Asia/Shanghai."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q

from keyworks.audit.services import record_change, snapshot
from keyworks.core.calendar import SHANGHAI, local_today
from keyworks.ledger.models import Programme

from . import services
from .models import HANDLING_STATUSES, EscalationLevel, EscalationRule, Problem, ProblemEvent
from .permissions import can_edit_escalation_rule

SYSTEM_USERNAME = "keyworks-system"
RULE_FIELDS = ("enabled", "overdue_days", "stuck_days", "max_level")
LEVEL_LABELS = dict(EscalationLevel.choices)


class RuleConcurrentEditError(services.BaseConcurrentEditError):
    message = (
        "自动升级规则已被他人修改，您的修改未保存。请刷新后重试。"
        " / The escalation rules were changed by someone else; nothing was saved."
    )


def system_user():
    """The account automatic escalations are recorded under (cannot sign in)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"full_name": "系统自动升级", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def rule_for(programme: Programme) -> EscalationRule:
    """The programme's rule, or the (disabled) defaults if none was saved yet."""
    rule = EscalationRule.objects.filter(programme=programme).first()
    return rule or EscalationRule(programme=programme)


@transaction.atomic
def save_rule(programme: Programme, data: dict, *, by, expected_version=None) -> EscalationRule:
    """The office sets the programme's rule (audited, optimistic locking)."""
    if not can_edit_escalation_rule(by, programme):
        raise PermissionDenied("只有指挥部办公室可以设置自动升级规则 / Office only")
    rule = EscalationRule.objects.select_for_update().filter(programme=programme).first()
    if rule is not None and expected_version is not None and rule.version != expected_version:
        raise RuleConcurrentEditError()
    before = snapshot(rule, list(RULE_FIELDS)) if rule else None
    rule = rule or EscalationRule(programme=programme)
    for field in RULE_FIELDS:
        if field in data:
            setattr(rule, field, data[field])
    if int(rule.max_level) not in EscalationLevel.values:
        raise ValidationError({"max_level": "协调层级无效 / Invalid level"})
    rule.full_clean(exclude=["programme", "version"])
    if before is not None:
        rule.version += 1
    rule.save()
    after = snapshot(rule, list(RULE_FIELDS))
    record_change(
        by=by,
        action="update" if before else "create",
        obj=rule,
        before=before,
        after=after,
        programme_id=programme.pk,
    )
    return rule


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


def run(programme: Programme, day: datetime.date | None = None, *, dry_run=False) -> list[Due]:
    """Escalate what is due; return what was (or, with `dry_run`, would be) escalated."""
    day = day or local_today()
    if day > local_today():
        raise ValidationError("不能按未来日期升级 / The date may not be in the future")
    found = due(programme, day)
    if dry_run:
        return found
    by = system_user()
    done = []
    for item in found:
        if services.auto_escalate(item.problem, by=by, level=item.level, note=item.note):
            done.append(item)
    return done
