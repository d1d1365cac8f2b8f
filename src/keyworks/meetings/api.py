"""The weekly dispatch meeting (一星期一调度) over JSON.

Same permissions as the pages (`permissions.py`): a meeting or decision you cannot see is
404, an action you may not take 403, a stale `version` 409. Writes go through
`meetings.services`."""

import datetime
import io

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from keyworks.core.calendar import check_day, local_today
from keyworks.core.schemas import READ_ERRORS, WRITE_ERRORS, Day, EventOut, Version, event_out
from keyworks.ledger.permissions import choose_programme, get_programme, require
from keyworks.orgs.models import Unit
from keyworks.tasks.models import TaskStatus

from . import permissions, services
from .excel_export import XLSX_CONTENT_TYPE, export_filename, write_decisions_xlsx
from .filters import filter_decisions, label_rows, programme_decisions
from .minutes import DOCX_CONTENT_TYPE, minutes_title, write_minutes
from .models import AgendaKind, Meeting
from .views import agenda_items

router = Router(tags=["meetings"])

STATUS_HELP = " | ".join(TaskStatus.values)


# --- schemas -------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    name: str


class DecisionOut(Schema):
    id: int
    meeting: int
    meeting_title: str
    item: int
    text: str
    unit: UnitRef
    deadline: datetime.date
    status: str = Field(description=STATUS_HELP)
    status_label: str
    overdue: bool
    done_note: str = Field(description=gettext_lazy("完成情况（责任单位的反馈）"))
    progress: str | None = Field(None, description=gettext_lazy("最新进展情况（列表：截至 as_of）"))
    project_name: str = Field("", description=gettext_lazy("项目名称（列表）"))
    version: int = Field(description=gettext_lazy("办理时原样提交"))


class DecisionDetail(DecisionOut):
    events: list[EventOut]
    can: dict[str, bool]


class ItemOut(Schema):
    id: int
    kind: str = Field(description=" | ".join(AgendaKind.values))
    kind_label: str
    title: str
    summary: str
    sort: int
    problem: int | None
    project: int | None
    carried: int | None = Field(description=gettext_lazy("延续的议定事项 ID"))
    version: int
    decisions: list[DecisionOut]


class MeetingOut(Schema):
    id: int
    programme: str
    number: int
    title: str
    date: datetime.date
    place: str
    chair: str
    attendees: str
    status: str = Field(description="open | closed")
    version: int


class MeetingDetail(MeetingOut):
    items: list[ItemOut]
    can_edit: bool


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    programme: str | None = Field(None, description=gettext_lazy("计划代码"))
    date: datetime.date
    title: str = Field("", max_length=100)
    place: str = Field("", max_length=100)
    chair: str = Field("", max_length=100)
    attendees: str = Field("", max_length=5000)


class MeetingPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=100)
    date: datetime.date | None = None
    place: str | None = Field(None, max_length=100)
    chair: str | None = Field(None, max_length=100)
    attendees: str | None = Field(None, max_length=5000)
    version: Version | None = None


class VersionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: Version | None = None


class ItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    summary: str = Field("", max_length=5000)


class ItemPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=5000)
    version: Version | None = None


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    items: list[int] = Field(description=gettext_lazy("全部议题 id，按新顺序"))


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=5000)
    unit: int | None = Field(None, description=gettext_lazy("责任单位 ID"))
    deadline: Day | None = None


class DecisionPatch(DecisionIn):
    text: str | None = Field(None, max_length=5000)
    version: Version | None = None


class ProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(description="note | report | confirm | return")
    note: str = Field("", max_length=5000)
    version: Version | None = None


class DecisionQuery(Schema):
    programme: str | None = None
    as_of: Day | None = Field(
        None, description=gettext_lazy("截至日期 YYYY-MM-DD：该日结束时的清单")
    )
    q: str | None = Field(None, description=gettext_lazy("关键词（含已办结）"))
    status: str | None = Field(None, description=STATUS_HELP)
    unit: int | None = None
    meeting: int | None = None
    overdue: bool | None = None


# --- reading -------------------------------------------------------------------------


def decision_out(d, today) -> dict:
    return {
        "id": d.pk,
        "meeting": d.meeting_id,
        "meeting_title": d.meeting.title,
        "item": d.item_id,
        "text": d.text,
        "unit": {"id": d.lead_unit_id, "name": d.lead_unit.name},
        "deadline": d.deadline,
        "status": d.status,
        "status_label": d.get_status_display(),
        "overdue": d.is_overdue(today),
        "done_note": d.answer,
        "version": d.version,
    }


def meeting_out(m) -> dict:
    return {
        "id": m.pk,
        "programme": m.programme.code,
        "number": m.number,
        "title": m.title,
        "date": m.date,
        "place": m.place,
        "chair": m.chair,
        "attendees": m.attendees,
        "status": m.status,
        "version": m.version,
    }


def meeting_detail(user, meeting) -> dict:
    meeting.refresh_from_db()
    today = local_today()
    items = agenda_items(meeting, today)
    data = meeting_out(meeting)
    data["can_edit"] = permissions.meeting_editable(user, meeting)
    data["items"] = [
        {
            "id": i.pk,
            "kind": i.kind,
            "kind_label": i.get_kind_display(),
            "title": i.title,
            "summary": i.summary,
            "sort": i.sort,
            "problem": i.problem_id,
            "project": i.project_id,
            "carried": i.carried_id,
            "version": i.version,
            "decisions": [decision_out(d, today) for d in i.decision_list],
        }
        for i in items
    ]
    return data


def decision_detail(user, decision) -> dict:
    decision.refresh_from_db()
    data = decision_out(decision, local_today())
    data["events"] = [
        event_out(e) for e in decision.events.select_related("actor").order_by("at", "id")
    ]
    data["can"] = permissions.decision_steps(user, decision)
    return data


@router.get("/meetings", response={200: list[MeetingOut], **READ_ERRORS})
def list_meetings(request, programme: str | None = None):
    """周调度会列表（新的在前） / The programme's meetings, newest first."""
    user = request.auth
    chosen = choose_programme(user, programme)
    if chosen is None:
        return []
    meetings = Meeting.objects.restrict(user).filter(programme=chosen).select_related("programme")
    return [meeting_out(m) for m in meetings.order_by("-date", "-number")]


def list_rows(user, filters: DecisionQuery):
    """(programme, labelled rows, day) for the list and its export; programme None for a
    user of no programme."""
    chosen = choose_programme(user, filters.programme)
    if chosen is None:
        return None, [], None
    check_day(filters.as_of, field="as_of")
    values = filters.model_dump(exclude={"programme"})
    qs = filter_decisions(programme_decisions(user, chosen), values)
    day = filters.as_of or local_today()
    return chosen, label_rows(qs, day), day


@router.get("/meetings/decisions", response={200: list[DecisionOut], **READ_ERRORS})
def list_decisions(request, filters: Query[DecisionQuery]):
    """议定事项跟踪（可按截至日期、关键词、状态、责任单位、会议、逾期筛选；`as_of`
    为该日结束时的状态） / Decisions across meetings, filtered like the page; with
    `as_of` each row's status, progress and overdue flag are those of that day."""
    _programme, rows, day = list_rows(request.auth, filters)
    result = []
    for d in rows:
        data = decision_out(d, day)
        data.update(
            text=d.text_then or d.text,
            status=d.status_then,
            status_label=d.status_label,
            overdue=d.overdue,
            progress=d.progress_then,
            project_name=d.project_name or "",
        )
        result.append(data)
    return result


@router.get("/meetings/decisions/export.xlsx", response={200: None, **READ_ERRORS})
def export_decisions(request, filters: Query[DecisionQuery]):
    """议定事项清单 .xlsx（与列表同一筛选） / The filtered list as .xlsx."""
    user = request.auth
    programme, rows, day = list_rows(user, filters)
    if programme is None:
        raise Http404(_("项目计划不存在"))
    require(user, "export", programme)
    today = local_today()
    buffer = io.BytesIO()
    write_decisions_xlsx(programme, rows, buffer, day=day, today=today)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name = export_filename(programme, day)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@router.get("/meetings/decisions/{int:decision_id}", response={200: DecisionDetail, **READ_ERRORS})
def get_decision(request, decision_id: int):
    """一项议定事项及其办理记录 / One decision with its history."""
    decision = permissions.get_decision(request.auth, decision_id)
    return decision_detail(request.auth, decision)


@router.get("/meetings/{int:meeting_id}", response={200: MeetingDetail, **READ_ERRORS})
def get_meeting(request, meeting_id: int):
    """一次会议：议程与各议题的议定事项 / One meeting: its agenda and decisions."""
    meeting = permissions.get_meeting(request.auth, meeting_id)
    return meeting_detail(request.auth, meeting)


@router.get("/meetings/{int:meeting_id}/minutes.docx", response={200: None, **READ_ERRORS})
def minutes(request, meeting_id: int):
    """会议纪要 .docx / The minutes as a Word document."""
    meeting = permissions.get_meeting(request.auth, meeting_id, "export")
    buffer = io.BytesIO()
    write_minutes(meeting, agenda_items(meeting), buffer)
    response = HttpResponse(buffer.getvalue(), content_type=DOCX_CONTENT_TYPE)
    name = f"{minutes_title(meeting)}.docx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- writing -------------------------------------------------------------------------


@router.post("/meetings", response={201: MeetingDetail, **WRITE_ERRORS})
def open_meeting(request, payload: MeetingIn):
    """办公室召开本周调度会，议程按数据生成 / The office opens a meeting; the agenda is
    compiled from the data (carry-over, new, overdue, escalated, red lights, factors)."""
    user = request.auth
    programme = get_programme(user, payload.programme) if payload.programme else None
    programme = programme or choose_programme(user, None)
    if programme is None:
        raise Http404(_("项目计划不存在"))
    data = payload.model_dump(exclude={"programme"})
    meeting = services.open_meeting(programme, data, by=user)
    return Status(201, meeting_detail(user, meeting))


@router.patch("/meetings/{int:meeting_id}", response={200: MeetingDetail, **WRITE_ERRORS})
def update_meeting(request, meeting_id: int, payload: MeetingPatch):
    """修改会议信息（会议结束前） / Edit the meeting's details while it is open."""
    user = request.auth
    meeting = permissions.get_meeting(user, meeting_id, "edit")
    data = payload.model_dump(exclude={"version"}, exclude_none=True)
    services.update_meeting(meeting, data, by=user, expected_version=payload.version)
    return meeting_detail(user, meeting)


@router.post("/meetings/{int:meeting_id}/close", response={200: MeetingDetail, **WRITE_ERRORS})
def close_meeting(request, meeting_id: int, payload: VersionIn):
    """结束会议：锁定议程与议定事项 / Close the meeting: agenda and decisions lock."""
    user = request.auth
    meeting = permissions.get_meeting(user, meeting_id, "edit")
    services.close_meeting(meeting, by=user, expected_version=payload.version)
    return meeting_detail(user, meeting)


@router.post("/meetings/{int:meeting_id}/agenda", response={201: MeetingDetail, **WRITE_ERRORS})
def add_item(request, meeting_id: int, payload: ItemIn):
    """增加议题（其他事项） / Add a free item to the agenda."""
    user = request.auth
    meeting = permissions.get_meeting(user, meeting_id, "edit")
    services.add_item(meeting, by=user, title=payload.title, summary=payload.summary)
    return Status(201, meeting_detail(user, meeting))


@router.put(
    "/meetings/{int:meeting_id}/agenda/order", response={200: MeetingDetail, **WRITE_ERRORS}
)
def reorder(request, meeting_id: int, payload: OrderIn):
    """调整议程顺序 / Reorder the agenda."""
    user = request.auth
    meeting = permissions.get_meeting(user, meeting_id, "edit")
    services.reorder(meeting, payload.items, by=user)
    return meeting_detail(user, meeting)


def item_of(user, meeting_id: int, item_id: int):
    meeting = permissions.get_meeting(user, meeting_id, "edit")
    item = meeting.items.filter(pk=item_id).first()
    if item is None:
        raise Http404(_("议题不存在"))
    return meeting, item


@router.patch(
    "/meetings/{int:meeting_id}/agenda/{int:item_id}", response={200: MeetingDetail, **WRITE_ERRORS}
)
def edit_item(request, meeting_id: int, item_id: int, payload: ItemPatch):
    """修改议题 / Edit an agenda item's title or summary."""
    user = request.auth
    meeting, item = item_of(user, meeting_id, item_id)
    services.edit_item(
        item,
        by=user,
        title=payload.title,
        summary=payload.summary,
        expected_version=payload.version,
    )
    return meeting_detail(user, meeting)


@router.delete(
    "/meetings/{int:meeting_id}/agenda/{int:item_id}", response={200: MeetingDetail, **WRITE_ERRORS}
)
def remove_item(request, meeting_id: int, item_id: int):
    """移除议题（已有议定事项的不能移除） / Remove an item (not once it has decisions)."""
    user = request.auth
    meeting, item = item_of(user, meeting_id, item_id)
    services.remove_item(item, by=user)
    return meeting_detail(user, meeting)


def unit_or_none(pk: int | None):
    if pk is None:
        return None
    unit = Unit.objects.exclude(kind=Unit.Kind.ENTERPRISE).filter(pk=pk).first()
    if unit is None:
        raise ValidationError({"unit": _("未知的单位 ID：%(ids)s") % {"ids": pk}})
    return unit


@router.post(
    "/meetings/{int:meeting_id}/agenda/{int:item_id}/decisions",
    response={201: DecisionDetail, **WRITE_ERRORS},
)
def record_decision(request, meeting_id: int, item_id: int, payload: DecisionIn):
    """记录议定事项（事项、责任单位、完成时限均必填） / Record a decision on an item."""
    user = request.auth
    _meeting, item = item_of(user, meeting_id, item_id)
    data = {"text": payload.text, "unit": unit_or_none(payload.unit), "deadline": payload.deadline}
    decision = services.record_decision(item, data, by=user)
    return Status(201, decision_detail(user, decision))


@router.patch(
    "/meetings/decisions/{int:decision_id}", response={200: DecisionDetail, **WRITE_ERRORS}
)
def edit_decision(request, decision_id: int, payload: DecisionPatch):
    """修改议定事项（会议结束前，办公室） / Edit a decision while the meeting is open."""
    user = request.auth
    decision = permissions.get_decision(user, decision_id)
    data = {"text": payload.text, "unit": unit_or_none(payload.unit), "deadline": payload.deadline}
    services.edit_decision(decision, data, by=user, expected_version=payload.version)
    return decision_detail(user, decision)


@router.post(
    "/meetings/decisions/{int:decision_id}/progress",
    response={200: DecisionDetail, **WRITE_ERRORS},
)
def progress(request, decision_id: int, payload: ProgressIn):
    """办理：note 报送进展、report 报完成（责任单位）；confirm 确认办结、return 退回（办公室）
    / Follow-up: note, report done (the unit); confirm or return (the office)."""
    user = request.auth
    decision = permissions.get_decision(user, decision_id)
    note, version = payload.note, payload.version
    if payload.action == "note":
        services.add_note(decision, note, by=user)
    elif payload.action == "report":
        services.report_done(decision, note, by=user, expected_version=version)
    elif payload.action == "confirm":
        services.confirm(decision, by=user, note=note, expected_version=version)
    elif payload.action == "return":
        services.return_decision(decision, by=user, note=note, expected_version=version)
    else:
        raise ValidationError({"action": _("action 须为 note/report/confirm/return")})
    return decision_detail(user, decision)
