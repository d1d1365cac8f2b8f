"""Dispatch meeting services: every write checks permission, validates, writes, appends
the decision's event where there is one, and audits, in one transaction (a decision's
steps: core.workflow)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit import services as audit_log
from keyworks.audit.services import diff, record_change, snapshot
from keyworks.core.calendar import local_today
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import check_version, required_text
from keyworks.core.workflow import Workflow, bump, lock
from keyworks.orgs.models import Unit
from keyworks.tasks import services as task_services
from keyworks.tasks.models import TaskEvent, TaskKind

from .agenda import compile_agenda
from .models import AgendaItem, AgendaKind, Decision, Meeting, MeetingStatus
from .permissions import can_decision, can_open_meeting, require_meeting

Kind = TaskEvent.Kind
INFO_FIELDS = ("title", "date", "place", "chair", "attendees")


class ConcurrentEditError(BaseConcurrentEditError):
    message = gettext_lazy("该内容已被他人修改，您的操作未保存。请刷新页面后重试。")

    def __str__(self) -> str:
        return str(self.message)


def default_title(number: int) -> str:
    return f"第{number}次周调度会"


def _audit(obj, meeting, *, by, action, before=None, after=None, reason=""):
    record_change(
        by=by,
        action=action,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
        project_id=getattr(obj, "project_id", None),
        programme_id=meeting.programme_id,
    )


def _snap(obj) -> dict:
    data = snapshot(obj)
    data.pop("version", None)
    return data


def _locked_meeting(meeting, by, action="edit") -> Meeting:
    current = lock(meeting)
    require_meeting(by, action, current)
    return current


# --- meetings --------------------------------------------------------------------------


@transaction.atomic
def open_meeting(programme, data: dict, *, by) -> Meeting:
    """The office opens the week's meeting; the agenda is compiled from the data as it
    stands at the end of the meeting day. One meeting is open at a time per programme."""
    if not can_open_meeting(by, programme):
        raise PermissionDenied(_("只有指挥部办公室可以召开调度会"))
    day = data.get("date")
    if not isinstance(day, datetime.date):
        raise ValidationError({"date": _("请填写会议日期")})
    if Meeting.objects.filter(programme=programme, status=MeetingStatus.OPEN).exists():
        raise ValidationError(_("上一次调度会尚未结束，请先结束会议"))
    last = Meeting.objects.filter(programme=programme).aggregate(n=Max("number"))["n"] or 0
    number = data.get("number") or last + 1
    if Meeting.objects.filter(programme=programme, number=number).exists():
        raise ValidationError({"number": _("第%(number)s次会议已存在") % {"number": number}})
    if Meeting.objects.filter(programme=programme, date__gt=day).exists():
        raise ValidationError({"date": _("已有更晚日期的会议")})
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                programme=programme,
                number=number,
                title=(data.get("title") or "").strip() or default_title(number),
                date=day,
                place=(data.get("place") or "").strip(),
                chair=(data.get("chair") or "").strip(),
                attendees=(data.get("attendees") or "").strip(),
                opened_by=by,
                opened_at=timezone.now(),
            )
    except IntegrityError:
        raise ConcurrentEditError() from None
    _audit(meeting, meeting, by=by, action="create", after=_snap(meeting))
    items = [
        AgendaItem(
            meeting=meeting,
            kind=entry.kind,
            problem=entry.problem,
            project_id=entry.project_id,
            carried=entry.carried,
            title=entry.title[:200],
            summary=entry.summary,
            sort=(i + 1) * 10,
        )
        for i, entry in enumerate(compile_agenda(programme, day, before_meeting=meeting))
    ]
    AgendaItem.objects.bulk_create(items)
    return meeting


@transaction.atomic
def update_meeting(meeting, data: dict, *, by, expected_version=None) -> Meeting:
    """Title, date, place, chair and attendees, while the meeting is open."""
    current = _locked_meeting(meeting, by)
    check_version(current, expected_version, ConcurrentEditError)
    before = _snap(current)
    for field in INFO_FIELDS:
        if field in data and data[field] is not None:
            value = data[field]
            setattr(current, field, value.strip() if isinstance(value, str) else value)
    if not current.title:
        raise ValidationError({"title": _("请填写会议名称")})
    bump(current)
    b, a = diff(before, _snap(current))
    _audit(current, current, by=by, action="update", before=b, after=a)
    return current


@transaction.atomic
def close_meeting(meeting, *, by, expected_version=None) -> Meeting:
    """Closing locks the agenda and the decisions' content (their follow-up goes on)."""
    current = _locked_meeting(meeting, by)
    check_version(current, expected_version, ConcurrentEditError)
    current.status = MeetingStatus.CLOSED
    current.closed_at = timezone.now()
    bump(current)
    _audit(
        current,
        current,
        by=by,
        action="close",
        before={"status": MeetingStatus.OPEN},
        after={"status": MeetingStatus.CLOSED},
    )
    return current


# --- agenda ----------------------------------------------------------------------------


def _locked_item(item, by) -> AgendaItem:
    current = lock(item, "meeting")
    _locked_meeting(current.meeting, by)
    return current


@transaction.atomic
def add_item(meeting, *, by, title: str, summary: str = "") -> AgendaItem:
    """A free item (其他事项) at the end of the agenda."""
    current = _locked_meeting(meeting, by)
    title = required_text(title, "title", _("请填写议题"))
    last = current.items.aggregate(s=Max("sort"))["s"] or 0
    item = AgendaItem.objects.create(
        meeting=current,
        kind=AgendaKind.FREE,
        title=title[:200],
        summary=(summary or "").strip(),
        sort=last + 10,
    )
    _audit(item, current, by=by, action="create", after=_snap(item))
    return item


@transaction.atomic
def edit_item(item, *, by, title=None, summary=None, expected_version=None) -> AgendaItem:
    current = _locked_item(item, by)
    check_version(current, expected_version, ConcurrentEditError)
    before = _snap(current)
    if title is not None:
        current.title = required_text(title, "title", _("请填写议题"))[:200]
    if summary is not None:
        current.summary = summary.strip()
    bump(current)
    b, a = diff(before, _snap(current))
    _audit(current, current.meeting, by=by, action="update", before=b, after=a)
    return current


@transaction.atomic
def remove_item(item, *, by, expected_version=None) -> None:
    """Remove an item from the agenda; not once decisions were recorded on it."""
    current = _locked_item(item, by)
    check_version(current, expected_version, ConcurrentEditError)
    if current.decisions.exists():
        raise ValidationError(_("该议题已有议定事项，不能移除"))
    before = _snap(current)
    meeting = current.meeting
    _audit(current, meeting, by=by, action="delete", before=before)
    current.delete()


@transaction.atomic
def reorder(meeting, item_ids: list[int], *, by) -> None:
    """Put the agenda in the order of `item_ids` (all of the meeting's items)."""
    current = _locked_meeting(meeting, by)
    items = {i.pk: i for i in current.items.select_for_update()}
    if sorted(item_ids) != sorted(items):
        raise ValidationError({"items": _("须列出本次会议的全部议题")})
    before = {pk: items[pk].sort for pk in items}
    for position, pk in enumerate(item_ids, start=1):
        items[pk].sort = position * 10
    AgendaItem.objects.bulk_update(items.values(), ["sort"])
    _audit(
        current,
        current,
        by=by,
        action="reorder",
        before={"order": sorted(before, key=lambda pk: (before[pk], pk))},
        after={"order": list(item_ids)},
    )


def move_item(item, step: int, *, by) -> None:
    """Move an item one place up (-1) or down (+1)."""
    ids = list(item.meeting.items.order_by("sort", "id").values_list("pk", flat=True))
    i = ids.index(item.pk)
    j = min(max(i + step, 0), len(ids) - 1)
    ids[i], ids[j] = ids[j], ids[i]
    reorder(item.meeting, ids, by=by)


# --- decisions -------------------------------------------------------------------------
# A decision is a 督办 item (tasks.Task of kind "decision"): it is created and followed
# through the tasks services (answer = reported done, accept = confirmed, return); the
# meeting's own steps (edit while the meeting is open, progress notes) write to the same
# record and the same history (TaskEvent).


FLOW = Workflow(
    events=TaskEvent,
    may=can_decision,
    log=audit_log,
    scope=lambda d: {"project_id": d.project_id, "programme_id": d.programme_id},
    stale=task_services.ConcurrentEditError,
    related=("meeting", "meeting__programme", "lead_unit"),
    subject=task_services.as_task,
)


def _decision_fields(data: dict) -> dict:
    errors = {}
    text = (data.get("text") or "").strip()
    if not text:
        errors["text"] = _("请填写议定事项")
    unit = data.get("unit")
    if not isinstance(unit, Unit):
        errors["unit"] = _("请选择责任单位")
    deadline = data.get("deadline")
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = _("请填写完成时限")
    if errors:
        raise ValidationError(errors)
    return {"text": text, "lead_unit": unit, "deadline": deadline}


def _subject(item) -> dict:
    """What the 督办 item is about: the agenda item's problem or project, and the meeting."""
    problem = item.problem or (item.carried.problem if item.carried_id else None)
    project = item.project or (item.carried.project if item.carried_id else None)
    meeting = item.meeting
    return {
        "problem": problem,
        "project": None if problem is not None else project,
        "subject_label": f"{meeting.title}（{meeting.date:%Y-%m-%d}）",
        "subject_url": reverse("meetings:meeting_detail", args=[meeting.pk]),
    }


@transaction.atomic
def record_decision(item, data: dict, *, by) -> Decision:
    """A decision on an agenda item: text, responsible unit and deadline (all required),
    issued as a 督办 item of kind "decision" in the office's name."""
    current = _locked_item(item, by)
    fields = _decision_fields(data)
    meeting = current.meeting
    last = current.decisions.aggregate(s=Max("sort"))["s"] or 0
    # Issued on the meeting's day (a meeting entered afterwards keeps its date): the
    # deadline may not be before it.
    issued_on = min(meeting.date, local_today())
    return task_services.create_task(
        by,
        programme=meeting.programme,
        kind=TaskKind.DECISION,
        text=fields["text"],
        lead_unit=fields["lead_unit"],
        deadline=fields["deadline"],
        **_subject(current),
        issued_on=issued_on,
        record=Decision,
        extra={"meeting": meeting, "item": current, "sort": last + 1},
    )


@transaction.atomic
def edit_decision(decision, data: dict, *, by, expected_version=None) -> Decision:
    """Its text, unit or deadline, while the meeting is open and it is not reported done.
    The event keeps the text as edited (the as-of list shows the text of its day)."""
    current = FLOW.lock(decision)
    FLOW.check(current, by=by, step="edit", expected_version=expected_version)
    merged = {
        "text": data.get("text", current.text),
        "unit": data.get("unit") or current.lead_unit,
        "deadline": data.get("deadline") or current.deadline,
    }
    fields = _decision_fields(merged)
    if fields["deadline"] < current.issued_on:
        raise ValidationError({"deadline": _("完成时限不能早于会议日期")})
    before = FLOW.state(current)
    for field, value in fields.items():
        setattr(current, field, value)
    bump(current)
    TaskEvent.record(current, by=by, kind=Kind.EDIT, note=current.text, unit=current.lead_unit)
    FLOW.audit(current, by=by, action="update", before=before, after=FLOW.state(current))
    return current


@transaction.atomic
def add_note(decision, note: str, *, by) -> Decision:
    """A progress note (进展情况) by the responsible unit or the office. No version check:
    notes are separate events and never overwrite each other."""
    note = required_text(note, "note", _("请填写进展情况"))
    return FLOW.step(decision, "note", by=by, kind=Kind.NOTE, note=note)


def report_done(decision, note: str, *, by, expected_version=None) -> Decision:
    """The responsible unit reports the decision carried out (the task's answer)."""
    note = required_text(note, "note", _("请填写完成情况"))
    return task_services.answer(decision, by=by, text=note, expected_version=expected_version)


def confirm(decision, *, by, note: str = "", expected_version=None) -> Decision:
    """The office checks and confirms a decision reported done (the task accepted, 办结)."""
    return task_services.accept(decision, by=by, note=note, expected_version=expected_version)


def return_decision(decision, *, by, note: str, expected_version=None) -> Decision:
    """The office finds a decision reported done not carried out and sends it back."""
    return task_services.return_task(decision, by=by, note=note, expected_version=expected_version)
