"""Tracked-task services: supervision items (督导清单), leaders' instructions (领导批示) and
meeting decisions. Every write checks the permission, validates, writes, appends a
TaskEvent and audits in one transaction (the plumbing: core.workflow).

The stable entry point for other apps is `create_task` (the meetings app calls it with
kind="decision" and `record=Decision` for each meeting decision; its steps are these)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit import services as audit_log
from keyworks.core.calendar import SHANGHAI, local_today, planned_error
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import required_text
from keyworks.core.validators import LINK_MESSAGE, is_safe_link
from keyworks.core.workflow import Workflow
from keyworks.orgs.models import Role
from keyworks.orgs.roles import is_leader, is_office

from .models import Task, TaskEvent, TaskKind, TaskStatus
from .permissions import can_issue_task, can_task

Kind = TaskEvent.Kind


class ConcurrentEditError(BaseConcurrentEditError):
    """Somebody acted on the task after this user opened it."""

    message = gettext_lazy("该督办事项已被他人处理，您的操作未保存。请刷新页面查看最新状态后重试。")

    def __str__(self) -> str:
        return str(self.message)


def as_task(task: Task) -> Task:
    """A task as its change records name it: a meeting decision (a subclass, one record)
    is recorded as the task it is, whichever page acted on it."""
    if type(task) is Task:
        return task
    return Task(pk=task.pk, kind=task.kind, text=task.text)


FLOW = Workflow(
    events=TaskEvent,
    may=can_task,
    log=audit_log,
    scope=lambda t: {"project_id": t.project_id, "programme_id": t.programme_id},
    many=("assisting_units",),
    stale=ConcurrentEditError,
    final=gettext_lazy("该事项已办结，不能再办理"),
    subject=as_task,
)


def _issuer(actor, programme, kind: str, issued_by):
    """Who the task is issued in the name of. Instructions are a leader's: the office may
    record them on any leader's behalf, a leader only their own."""
    office = is_office(actor, programme.pk)
    if kind == TaskKind.INSTRUCTION:
        issuer = issued_by or actor
        if not is_leader(issuer, programme.pk):
            raise ValidationError({"issued_by": _("请选择作出批示的领导")})
        if issuer.pk != actor.pk and not office:
            raise PermissionDenied(_("只能录入本人的批示"))
        return issuer
    if issued_by is not None and issued_by.pk != actor.pk:
        if not office or not can_issue_task(issued_by, programme, kind):
            raise ValidationError({"issued_by": _("交办人无权交办此类事项")})
        return issued_by
    return actor


def _subject(programme, project, problem, report):
    """Check the optional links belong to `programme`; a problem or report names its project."""
    errors = {}
    for name, obj in (("problem", problem), ("report", report)):
        if obj is None:
            continue
        if project is None:
            project = obj.project
        elif obj.project_id != project.pk:
            errors[name] = _("所选事项不属于该项目")
    if project is not None and project.programme_id != programme.pk:
        errors["project"] = _("项目不属于该项目计划")
    if errors:
        raise ValidationError(errors)
    return project


@transaction.atomic
def create_task(
    actor,
    *,
    programme,
    kind: str,
    text: str,
    lead_unit,
    deadline: datetime.date,
    assisting_units=(),
    project=None,
    problem=None,
    report=None,
    subject_label: str = "",
    subject_url: str = "",
    issued_by=None,
    issued_on: datetime.date | None = None,
    record: type[Task] = Task,
    extra: dict | None = None,
) -> Task:
    """Issue a tracked task and return it (status 已交办).

    - `actor`: the user recording it; must be allowed to issue `kind` in `programme`
      (supervision: office/inspector; instruction: leader/office; decision: office).
    - `kind`: "supervision" | "instruction" | "decision" (`TaskKind`).
    - `lead_unit` (orgs.Unit) answers; `assisting_units` help (the lead is dropped from them).
    - `deadline` (date): not before `issued_on` (default today, Asia/Shanghai).
    - `project` / `problem` / `report`: optional links inside `programme` (a problem or
      report fills in its project); `subject_label` / `subject_url`: free reference, e.g.
      a meeting ("2025年第12次周调度会", "/meetings/12/"); the link is an http(s) address
      or a path on this site (never `javascript:` or `//host`).
    - `issued_by`: the issuer if not `actor` (the leader for an instruction the office
      records); accepts/returns answers together with the office.
    - `record`, `extra`: a subclass of Task to create and its own fields (the meetings
      app passes `Decision` with its meeting, agenda item and order).

    Raises PermissionDenied (not allowed) or ValidationError (field → message)."""
    if kind not in TaskKind.values:
        raise ValidationError({"kind": _("事项类型无效")})
    if not can_issue_task(actor, programme, kind):
        raise PermissionDenied(_("您没有权限交办此类事项"))
    issuer = _issuer(actor, programme, kind, issued_by)
    issued_on = issued_on or local_today()
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("请填写事项内容")
    if lead_unit is None:
        errors["lead_unit"] = _("请选择牵头责任单位")
    if deadline is None:
        errors["deadline"] = _("请填写办理时限")
    elif deadline < issued_on:
        errors["deadline"] = _("办理时限不能早于交办日期")
    elif refusal := planned_error(deadline, programme.year):
        errors["deadline"] = refusal
    if issued_on > local_today():
        errors["issued_on"] = _("交办日期不能晚于今天")
    subject_url = (subject_url or "").strip()
    if subject_url and not is_safe_link(subject_url):
        errors["subject_url"] = LINK_MESSAGE
    if errors:
        raise ValidationError(errors)
    project = _subject(programme, project, problem, report)
    task = record.objects.create(
        **(extra or {}),
        programme=programme,
        kind=kind,
        text=text,
        project=project,
        problem=problem,
        report=report,
        subject_label=(subject_label or "").strip()[:200],
        subject_url=subject_url[:300],
        lead_unit=lead_unit,
        deadline=deadline,
        issued_by=issuer,
        recorded_by=actor,
        issued_on=issued_on,
        issued_at=timezone.now(),
    )
    task.assisting_units.set([u for u in assisting_units if u.pk != lead_unit.pk])
    FLOW.created(task, by=actor, kind=Kind.ISSUE, note=text, unit=lead_unit)
    return task


@transaction.atomic
def answer(task: Task, *, by, text: str, expected_version=None) -> Task:
    """The lead unit answers (反馈); the task waits for the issuer's acceptance. A unit may
    answer again (a fuller answer) until it is accepted."""
    text = required_text(text, "note", _("请填写反馈内容"))
    answered = {"status": TaskStatus.ANSWERED, "answer": text, "answered_at": timezone.now()}
    unit = task.lead_unit
    return FLOW.step(
        task, "answer", answered, by=by, version=expected_version, note=text, unit=unit
    )


@transaction.atomic
def accept(task: Task, *, by, note: str = "", expected_version=None) -> Task:
    """The issuer (or the office) accepts the answer: the task is closed (办结)."""
    note = (note or "").strip()
    accepted = {"status": TaskStatus.ACCEPTED, "accepted_at": timezone.now()}
    return FLOW.step(task, "accept", accepted, by=by, version=expected_version, note=note)


@transaction.atomic
def return_task(task: Task, *, by, note: str, expected_version=None) -> Task:
    """The issuer (or the office) returns the answer to the unit, with a comment."""
    note = required_text(note, "note", _("退回时请说明理由"))
    returned = {"status": TaskStatus.RETURNED}
    return FLOW.step(task, "return", returned, by=by, version=expected_version, note=note)


def leaders(programme):
    """The programme's leaders (for the instruction form)."""
    from keyworks.orgs.models import User

    return User.objects.filter(
        roles__programme=programme, roles__role=Role.LEADER, is_active=True
    ).distinct()


def unit_measures(tasks, today: datetime.date | None = None) -> list[dict]:
    """Per lead unit: tasks open, overdue, accepted, and the on-time closure rate
    (accepted by the deadline / accepted, in %). One query. For issue 4 point 9."""
    today = today or local_today()
    rows: dict = {}
    values = tasks.values("lead_unit_id", "lead_unit__name", "status", "deadline", "accepted_at")
    for t in values.order_by("lead_unit__name", "lead_unit_id"):
        row = rows.setdefault(
            t["lead_unit_id"],
            {
                "unit_id": t["lead_unit_id"],
                "unit": t["lead_unit__name"],
                "open": 0,
                "overdue": 0,
                "accepted": 0,
                "on_time": 0,
            },
        )
        if t["status"] == TaskStatus.ACCEPTED:
            row["accepted"] += 1
            row["on_time"] += t["accepted_at"].astimezone(SHANGHAI).date() <= t["deadline"]
        else:
            row["open"] += 1
            row["overdue"] += t["deadline"] < today
    for row in rows.values():
        row["on_time_rate"] = (
            round(100 * row["on_time"] / row["accepted"], 1) if row["accepted"] else None
        )
    return list(rows.values())
