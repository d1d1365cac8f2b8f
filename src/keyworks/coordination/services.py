"""Problem list services: every write checks, validates, writes, appends a ProblemEvent
and audits in one transaction (the plumbing: core.workflow). Also the writes of automatic
escalation: its rule, and the run that escalates what the rule finds due (escalation.py)."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit import services as audit_log
from keyworks.audit.services import record_change, snapshot
from keyworks.core.calendar import local_today, planned_error
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import check_version, insert_first, required_text
from keyworks.core.permissions import DENIED
from keyworks.core.workflow import Workflow, bump
from keyworks.fieldwork.services import link_raised_problem
from keyworks.ledger.models import Programme, Project
from keyworks.orgs.roles import own_unit_ids

from . import escalation
from .models import (
    HANDLING_STATUSES,
    EscalationLevel,
    EscalationRule,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemStatus,
)
from .permissions import can_edit_escalation_rule, can_problem, can_raise_problem

Kind = ProblemEvent.Kind


class ConcurrentEditError(BaseConcurrentEditError):
    """Somebody changed the problem's status after this user opened it."""

    message = gettext_lazy("该问题已被他人处理，您的操作未保存。请刷新页面查看最新状态后重试。")

    def __str__(self) -> str:
        return str(self.message)


FLOW = Workflow(
    events=ProblemEvent,
    may=can_problem,
    log=audit_log,
    scope=lambda p: {"project_id": p.project_id, "programme_id": p.project.programme_id},
    many=("assisting_units",),
    stale=ConcurrentEditError,
    related=("project", "project__programme"),
    final=gettext_lazy("该问题已销号或作废，不能再办理"),
)


def _check_units(lead_unit, assisting_units) -> list:
    assisting = [u for u in (assisting_units or []) if lead_unit is None or u.pk != lead_unit.pk]
    return assisting


@transaction.atomic
def raise_problem(project: Project, data: dict, *, by, from_update=None) -> Problem:
    """A new problem on `project`. `data`: category, description, need, deadline,
    deadline_reason, lead_unit, assisting_units. With a lead unit it is assigned at once.
    `from_update`: the id of the progress update it was raised from (转为问题), linked to
    it when `by` may see that update of the same project."""
    if not can_raise_problem(by, project):
        raise PermissionDenied(_("您没有权限对该项目提出问题"))
    errors = {}
    category = data.get("category")
    if category not in ProblemCategory.values:
        errors["category"] = _("请选择问题类别")
    description = (data.get("description") or "").strip()
    if not description:
        errors["description"] = _("请填写问题描述")
    deadline = data.get("deadline")
    reason = (data.get("deadline_reason") or "").strip()
    if deadline is None:
        errors["deadline"] = _("请填写办理时限")
    elif refusal := planned_error(deadline, project.programme.year):
        errors["deadline"] = refusal
    elif deadline < local_today() and not reason:
        errors["deadline_reason"] = _("办理时限早于今天，请说明理由")
    if errors:
        raise ValidationError(errors)
    lead = data.get("lead_unit")
    problem = Problem.objects.create(
        project=project,
        category=category,
        description=description,
        need=(data.get("need") or "").strip(),
        deadline=deadline,
        deadline_reason=reason,
        lead_unit=lead,
        # With a lead unit it is assigned at once: saved in that state, audited in it.
        status=ProblemStatus.RAISED if lead is None else ProblemStatus.ASSIGNED,
        raised_by=by,
        raised_at=timezone.now(),
    )
    problem.assisting_units.set(_check_units(lead, data.get("assisting_units")))
    ProblemEvent.record(
        problem, by=by, kind=Kind.RAISE, note=description, status=ProblemStatus.RAISED
    )
    if lead is not None:
        ProblemEvent.record(problem, by=by, kind=Kind.ASSIGN, unit=lead)
    FLOW.audit(problem, by=by, action="create", after=FLOW.state(problem), reason=reason)
    if from_update:
        link_raised_problem(from_update, problem, by=by)
    return problem


@transaction.atomic
def assign(
    problem: Problem,
    *,
    by,
    lead_unit,
    assisting_units=(),
    deadline=None,
    note="",
    expected_version=None,
) -> Problem:
    if lead_unit is None:
        raise ValidationError({"lead_unit": _("请选择牵头责任单位")})
    if refusal := planned_error(deadline, problem.project.programme.year):
        raise ValidationError({"deadline": refusal})

    def apply(p):
        p.lead_unit = lead_unit
        if deadline is not None:
            p.deadline = deadline
        if p.status in (ProblemStatus.RAISED, ProblemStatus.RETURNED):
            p.status = ProblemStatus.ASSIGNED
        p.save()
        p.assisting_units.set(_check_units(lead_unit, assisting_units))

    return FLOW.step(
        problem, "assign", apply, by=by, version=expected_version, note=note, unit=lead_unit
    )


def acting_unit(user, problem: Problem):
    """The unit a department user acts for on `problem` (lead first), if any."""
    units = own_unit_ids(user, problem.project.programme_id)
    if problem.lead_unit_id in units:
        return problem.lead_unit
    return next((u for u in problem.assisting_units.all() if u.pk in units), None)


@transaction.atomic
def add_note(problem: Problem, text: str, *, by) -> ProblemEvent:
    """A handling note (办理情况). Notes are separate rows and check no version: two
    handlers writing at the same time both keep their notes. The first note on an
    assigned problem moves it to in progress (and only then is the version bumped)."""
    text = required_text(text, "note", _("请填写办理情况"))

    def apply(p):
        if p.status in (ProblemStatus.ASSIGNED, ProblemStatus.RETURNED):
            p.status = ProblemStatus.IN_PROGRESS

    current = FLOW.step(
        problem, "note", apply, by=by, note=text, unit=acting_unit(by, problem), always_bump=False
    )
    return current.events.order_by("-at", "-id").first()


@transaction.atomic
def resolve(problem: Problem, *, by, note: str, expected_version=None) -> Problem:
    """The lead unit reports the problem solved, with a resolution note."""
    note = required_text(note, "note", _("请填写解决情况"))
    resolved = {
        "status": ProblemStatus.RESOLVED,
        "resolution_note": note,
        "resolved_at": timezone.now(),
    }
    unit = acting_unit(by, problem)
    return FLOW.step(
        problem, "resolve", resolved, by=by, version=expected_version, note=note, unit=unit
    )


@transaction.atomic
def close(problem: Problem, *, by, note: str = "", expected_version=None) -> Problem:
    """销号: the office checks the problem solved and closes it. A resolution note is
    required (the lead unit's, or the office's own given here)."""
    note = (note or "").strip()

    def apply(p):
        if not note and not p.resolution_note.strip():
            raise ValidationError({"note": _("销号前须有解决情况说明")})
        if not p.resolution_note.strip():
            p.resolution_note = note
        p.status = ProblemStatus.CLOSED
        p.closed_at = timezone.now()
        if p.resolved_at is None:
            p.resolved_at = p.closed_at

    return FLOW.step(problem, "close", apply, by=by, version=expected_version, note=note)


@transaction.atomic
def return_problem(problem: Problem, *, by, note: str, expected_version=None) -> Problem:
    """The office finds a resolved problem not solved and sends it back to the units."""
    note = required_text(note, "note", _("退回时请说明理由"))
    returned = {"status": ProblemStatus.RETURNED}
    return FLOW.step(problem, "return", returned, by=by, version=expected_version, note=note)


@transaction.atomic
def escalate(problem: Problem, *, by, level: int, note: str, expected_version=None) -> Problem:
    """Raise the coordination level by hand (automatic rules: `run_escalation`)."""
    note = required_text(note, "note", _("请说明升级理由"))
    level = int(level)
    if level not in EscalationLevel.values:
        raise ValidationError({"level": _("协调层级无效")})

    def apply(p):
        if level <= p.level:
            raise ValidationError({"level": _("只能升级到更高层级")})
        p.level = level

    return FLOW.step(problem, "escalate", apply, by=by, version=expected_version, note=note)


@transaction.atomic
def void(problem: Problem, *, by, reason: str, expected_version=None) -> Problem:
    """A problem is never deleted; the office voids it with a reason."""
    reason = required_text(reason, "reason", _("请说明作废理由"))
    voided = {"status": ProblemStatus.VOIDED, "void_reason": reason}
    return FLOW.step(problem, "void", voided, by=by, version=expected_version, note=reason)


@transaction.atomic
def flag_discipline(problem: Problem, *, by, note: str) -> Problem:
    """An inspector flags the problem as a discipline clue (纪检绿色通道). The clue is
    confidential: its event is marked so, and the change record keeps only the flag. It
    changes nothing the units act on, so it checks and bumps no version."""
    note = required_text(note, "note", _("请填写线索说明"))
    current = FLOW.lock(problem)
    if not (current.allows("flag") and can_problem(by, "flag", current)):
        raise PermissionDenied(DENIED)
    current.discipline_flag = True
    current.discipline_note = note
    current.save(update_fields=["discipline_flag", "discipline_note"])
    ProblemEvent.record(current, by=by, kind=Kind.FLAG, note=note, confidential=True)
    flagged = {"discipline_flag": True}
    FLOW.audit(current, by=by, action="flag", before={"discipline_flag": False}, after=flagged)
    return current


# --- automatic escalation ---------------------------------------------------------------

SYSTEM_USERNAME = "keyworks-system"
RULE_FIELDS = ("enabled", "overdue_days", "stuck_days", "max_level")


class RuleConcurrentEditError(BaseConcurrentEditError):
    message = gettext_lazy("自动升级规则已被他人修改，您的修改未保存。请刷新后重试。")

    def __str__(self) -> str:
        return str(self.message)


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


@transaction.atomic
def save_escalation_rule(
    programme: Programme, data: dict, *, by, expected_version=None
) -> EscalationRule:
    """The office sets the programme's rule (audited, optimistic locking)."""
    if not can_edit_escalation_rule(by, programme):
        raise PermissionDenied(_("只有指挥部办公室可以设置自动升级规则"))
    rule = EscalationRule.objects.select_for_update().filter(programme=programme).first()
    if rule is not None:
        check_version(rule, expected_version, RuleConcurrentEditError)
    before = snapshot(rule, list(RULE_FIELDS)) if rule else None
    rule = rule or EscalationRule(programme=programme)
    for field in RULE_FIELDS:
        if field in data:
            setattr(rule, field, data[field])
    if int(rule.max_level) not in EscalationLevel.values:
        raise ValidationError({"max_level": _("协调层级无效")})
    rule.full_clean(exclude=["programme", "version"])
    if before is not None:
        rule.version += 1
        rule.save()
    elif not insert_first(rule, expected_version, RuleConcurrentEditError):
        return save_escalation_rule(programme, data, by=by)  # saved first by someone else
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


@transaction.atomic
def auto_escalate(problem: Problem, *, by, level: int, note: str) -> bool:
    """One level up by the programme's rule, as the system user. Skips (False) a problem
    that meanwhile left handling or already reached `level`."""
    current = FLOW.lock(problem)
    if current.status not in HANDLING_STATUSES or current.level >= level:
        return False
    before = FLOW.state(current)
    current.level = level
    bump(current)
    ProblemEvent.record(current, by=by, kind=Kind.ESCALATE, note=note)
    after = FLOW.state(current)
    FLOW.audit(current, by=by, action=Kind.ESCALATE, before=before, after=after, reason=note)
    return True


def run_escalation(
    programme: Programme, day: datetime.date | None = None, *, dry_run=False
) -> list[escalation.Due]:
    """Escalate what the rule finds due (escalation.due); return what was (or, with
    `dry_run`, would be) escalated. Each problem in its own transaction."""
    day = day or local_today()
    if day > local_today():
        raise ValidationError(_("不能按未来日期升级"))
    found = escalation.due(programme, day)
    if dry_run:
        return found
    by = system_user()
    return [
        item
        for item in found
        if auto_escalate(item.problem, by=by, level=item.level, note=item.note)
    ]
