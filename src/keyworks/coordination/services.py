"""Problem list services: every write checks, validates, writes, appends a ProblemEvent
and audits in one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from keyworks.audit.services import diff, record_change, snapshot
from keyworks.core.calendar import local_today
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import check_version, required_text
from keyworks.ledger.models import Project
from keyworks.orgs.roles import own_unit_ids

from .models import (
    FINAL_STATUSES,
    HANDLING_STATUSES,
    EscalationLevel,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemStatus,
)
from .permissions import can_raise_problem, require_problem

Kind = ProblemEvent.Kind


class ConcurrentEditError(BaseConcurrentEditError):
    """Somebody changed the problem's status after this user opened it."""

    message = (
        "该问题已被他人处理，您的操作未保存。请刷新页面查看最新状态后重试。"
        " / This problem was changed by someone else since you opened it; your action was"
        " not saved. Reload and try again."
    )


def _snapshot(problem: Problem) -> dict:
    data = snapshot(problem)
    data.pop("version", None)
    data["assisting_units"] = sorted(u.pk for u in problem.assisting_units.all())
    return data


def _audit(problem, *, by, action, before=None, after=None, reason=""):
    record_change(
        by=by,
        action=action,
        obj=problem,
        before=before,
        after=after,
        reason=reason,
        project_id=problem.project_id,
        programme_id=problem.project.programme_id,
    )


def _event(
    problem, *, by, kind, note="", unit=None, confidential=False, status=None
) -> ProblemEvent:
    return ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        at=timezone.now(),
        status=status or problem.status,
        level=problem.level,
        actor=by,
        unit=unit,
        note=note,
        confidential=confidential,
    )


def _locked(problem: Problem) -> Problem:
    return (
        Problem.objects.select_for_update()
        .select_related("project", "project__programme")
        .get(pk=problem.pk)
    )


def _bump(problem: Problem) -> Problem:
    problem.version = F("version") + 1
    problem.save()
    problem.refresh_from_db()
    return problem


def _check_units(lead_unit, assisting_units) -> list:
    assisting = [u for u in (assisting_units or []) if lead_unit is None or u.pk != lead_unit.pk]
    return assisting


@transaction.atomic
def raise_problem(project: Project, data: dict, *, by) -> Problem:
    """A new problem on `project`. `data`: category, description, need, deadline,
    deadline_reason, lead_unit, assisting_units. With a lead unit it is assigned at once."""
    if not can_raise_problem(by, project):
        raise PermissionDenied("您没有权限对该项目提出问题 / You may not raise problems here")
    errors = {}
    category = data.get("category")
    if category not in ProblemCategory.values:
        errors["category"] = "请选择问题类别 / Choose a category"
    description = (data.get("description") or "").strip()
    if not description:
        errors["description"] = "请填写问题描述 / Describe the problem"
    deadline = data.get("deadline")
    reason = (data.get("deadline_reason") or "").strip()
    if deadline is None:
        errors["deadline"] = "请填写办理时限 / Give a deadline"
    elif deadline < local_today() and not reason:
        errors["deadline_reason"] = (
            "办理时限早于今天，请说明理由 / The deadline is in the past; give a reason"
        )
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
    _event(problem, by=by, kind=Kind.RAISE, note=description, status=ProblemStatus.RAISED)
    if lead is not None:
        _event(problem, by=by, kind=Kind.ASSIGN, unit=lead)
    _audit(problem, by=by, action="create", after=_snapshot(problem), reason=reason)
    return problem


def _transition(problem, *, by, permission, kind, apply, expected_version, note="", unit=None):
    current = _locked(problem)
    if current.status in FINAL_STATUSES:
        require_problem(by, "view", current)
        raise ValidationError(
            "该问题已销号或作废，不能再办理 / This problem is closed or voided; no further action"
        )
    require_problem(by, permission, current)
    check_version(current, expected_version, ConcurrentEditError)
    before = _snapshot(current)
    apply(current)
    _bump(current)
    b, a = diff(before, _snapshot(current))
    _event(current, by=by, kind=kind, note=note, unit=unit)
    _audit(current, by=by, action=kind, before=b, after=a, reason=note)
    return current


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
        raise ValidationError({"lead_unit": "请选择牵头责任单位 / Choose the lead unit"})

    def apply(p):
        p.lead_unit = lead_unit
        if deadline is not None:
            p.deadline = deadline
        if p.status in (ProblemStatus.RAISED, ProblemStatus.RETURNED):
            p.status = ProblemStatus.ASSIGNED
        p.save()
        p.assisting_units.set(_check_units(lead_unit, assisting_units))

    return _transition(
        problem,
        by=by,
        permission="assign",
        kind=Kind.ASSIGN,
        apply=apply,
        expected_version=expected_version,
        note=note,
        unit=lead_unit,
    )


def acting_unit(user, problem: Problem):
    """The unit a department user acts for on `problem` (lead first), if any."""
    units = own_unit_ids(user, problem.project.programme_id)
    if problem.lead_unit_id in units:
        return problem.lead_unit
    return next((u for u in problem.assisting_units.all() if u.pk in units), None)


@transaction.atomic
def add_note(problem: Problem, text: str, *, by) -> ProblemEvent:
    """A handling note (办理情况). Notes are separate rows: two handlers writing at the
    same time both keep their notes. The first note on an assigned problem moves it to
    in progress."""
    text = required_text(text, "note", "请填写办理情况 / Write the handling note")
    current = _locked(problem)
    if current.status in FINAL_STATUSES:
        require_problem(by, "view", current)
        raise ValidationError("该问题已销号或作废 / This problem is closed or voided")
    require_problem(by, "note", current)
    before = _snapshot(current)
    if current.status in (ProblemStatus.ASSIGNED, ProblemStatus.RETURNED):
        current.status = ProblemStatus.IN_PROGRESS
        _bump(current)
    event = _event(current, by=by, kind=Kind.NOTE, note=text, unit=acting_unit(by, current))
    b, a = diff(before, _snapshot(current))
    _audit(current, by=by, action="note", before=b, after=a or None, reason=text)
    return event


@transaction.atomic
def resolve(problem: Problem, *, by, note: str, expected_version=None) -> Problem:
    """The lead unit reports the problem solved, with a resolution note."""
    note = required_text(note, "note", "请填写解决情况 / Write how it was resolved")

    def apply(p):
        p.status = ProblemStatus.RESOLVED
        p.resolution_note = note
        p.resolved_at = timezone.now()

    return _transition(
        problem,
        by=by,
        permission="resolve",
        kind=Kind.RESOLVE,
        apply=apply,
        expected_version=expected_version,
        note=note,
        unit=acting_unit(by, problem),
    )


@transaction.atomic
def close(problem: Problem, *, by, note: str = "", expected_version=None) -> Problem:
    """销号: the office checks the problem solved and closes it. A resolution note is
    required (the lead unit's, or the office's own given here)."""
    note = (note or "").strip()

    def apply(p):
        if not note and not p.resolution_note.strip():
            raise ValidationError(
                {"note": "销号前须有解决情况说明 / A resolution note is required to close"}
            )
        if not p.resolution_note.strip():
            p.resolution_note = note
        p.status = ProblemStatus.CLOSED
        p.closed_at = timezone.now()
        if p.resolved_at is None:
            p.resolved_at = p.closed_at

    return _transition(
        problem,
        by=by,
        permission="close",
        kind=Kind.CLOSE,
        apply=apply,
        expected_version=expected_version,
        note=note,
    )


@transaction.atomic
def return_problem(problem: Problem, *, by, note: str, expected_version=None) -> Problem:
    """The office finds a resolved problem not solved and sends it back to the units."""
    note = required_text(note, "note", "退回时请说明理由 / Give a reason for returning")

    def apply(p):
        p.status = ProblemStatus.RETURNED

    return _transition(
        problem,
        by=by,
        permission="return",
        kind=Kind.RETURN,
        apply=apply,
        expected_version=expected_version,
        note=note,
    )


@transaction.atomic
def escalate(problem: Problem, *, by, level: int, note: str, expected_version=None) -> Problem:
    """Raise the coordination level by hand (automatic rules: escalation.py)."""
    note = required_text(note, "note", "请说明升级理由 / Give a reason for escalating")
    level = int(level)
    if level not in EscalationLevel.values:
        raise ValidationError({"level": "协调层级无效 / Invalid level"})

    def apply(p):
        if level <= p.level:
            raise ValidationError({"level": "只能升级到更高层级 / Escalate to a higher level only"})
        p.level = level

    return _transition(
        problem,
        by=by,
        permission="escalate",
        kind=Kind.ESCALATE,
        apply=apply,
        expected_version=expected_version,
        note=note,
    )


@transaction.atomic
def auto_escalate(problem: Problem, *, by, level: int, note: str) -> bool:
    """One level up by the programme's rule (escalation.py), as the system user. Skips
    (False) a problem that meanwhile left handling or already reached `level`."""
    current = _locked(problem)
    if current.status not in HANDLING_STATUSES or current.level >= level:
        return False
    before = _snapshot(current)
    current.level = level
    _bump(current)
    b, a = diff(before, _snapshot(current))
    _event(current, by=by, kind=Kind.ESCALATE, note=note)
    _audit(current, by=by, action=Kind.ESCALATE, before=b, after=a, reason=note)
    return True


@transaction.atomic
def void(problem: Problem, *, by, reason: str, expected_version=None) -> Problem:
    """A problem is never deleted; the office voids it with a reason."""
    reason = required_text(reason, "reason", "请说明作废理由 / Give a reason for voiding")

    def apply(p):
        p.status = ProblemStatus.VOIDED
        p.void_reason = reason

    return _transition(
        problem,
        by=by,
        permission="void",
        kind=Kind.VOID,
        apply=apply,
        expected_version=expected_version,
        note=reason,
    )


@transaction.atomic
def flag_discipline(problem: Problem, *, by, note: str) -> Problem:
    """An inspector flags the problem as a discipline clue (纪检绿色通道)."""
    note = required_text(note, "note", "请填写线索说明 / Describe the clue")
    current = _locked(problem)
    require_problem(by, "flag", current)
    current.discipline_flag = True
    current.discipline_note = note
    current.save(update_fields=["discipline_flag", "discipline_note"])
    _event(current, by=by, kind=Kind.FLAG, note=note, confidential=True)
    _audit(
        current,
        by=by,
        action="flag",
        before={"discipline_flag": False},
        after={"discipline_flag": True},
    )
    return current
