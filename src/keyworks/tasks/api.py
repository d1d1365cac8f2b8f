"""Tracked tasks over JSON (督办事项: supervision items, leaders' instructions, decisions).

The list uses `TaskFilter`, the same filter as the page and the export (incl. `as_of`).
Permissions come from `permissions.py`: a task you cannot see is 404, an action you may not
take 403, a stale `version` 409. Writes go through `tasks.services`."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from keyworks.coordination.models import Problem
from keyworks.core import calendar
from keyworks.core.pagination import AsOfPagination, Rows
from keyworks.core.schemas import READ_ERRORS, WRITE_ERRORS, Day, EventOut, Version, event_out
from keyworks.core.validators import is_safe_link
from keyworks.ledger.permissions import choose_programme, get_programme, get_project
from keyworks.orgs.models import Unit, User
from keyworks.reporting.models import MonthlyReport

from . import permissions, services
from .filters import TaskFilter
from .models import Task, TaskKind, TaskStatus

router = Router(tags=["tasks"])

STATUS_LABELS = dict(TaskStatus.choices)  # lazy: each answer in its language
KIND_LABELS = dict(TaskKind.choices)  # lazy: each answer in its language


class Ref(Schema):
    id: int
    name: str


class TaskItem(Schema):
    id: int
    programme: str
    kind: str = Field(description=" | ".join(TaskKind.values))
    kind_label: str
    text: str
    project: Ref | None
    problem_id: int | None
    report_id: int | None
    subject_label: str
    subject_url: str = Field(description=gettext_lazy("http(s) 地址或本站路径"))
    issued_by: Ref
    issued_on: datetime.date
    lead_unit: Ref
    assisting_units: list[Ref]
    deadline: datetime.date
    status: str = Field(description=gettext_lazy("状态（截至 as_of，否则为当前）"))
    status_label: str
    answer: str | None = Field(description=gettext_lazy("最新反馈（截至 as_of）"))
    overdue: bool
    version: int = Field(description=gettext_lazy("办理时原样提交"))


class TaskEventOut(EventOut):
    unit: Ref | None


class TaskDetail(TaskItem):
    recorded_by: Ref
    answered_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    events: list[TaskEventOut]
    can: dict[str, bool] = Field(description=gettext_lazy("可执行的操作"))


class TaskQuery(Schema):
    programme: str | None = Field(None, description=gettext_lazy("计划代码"))
    as_of: Day | None = Field(None, description=gettext_lazy("截至日期（YYYY-MM-DD）"))
    q: str | None = Field(None, description=gettext_lazy("关键词"))
    kind: str | None = Field(None, description=" | ".join(TaskKind.values))
    status: str | None = Field(None, description=" | ".join(TaskStatus.values))
    state: str | None = Field(None, description="open (default) | closed | all")
    unit: int | None = Field(None, description=gettext_lazy("责任单位 ID（牵头或配合）"))
    project: int | None = Field(None, description=gettext_lazy("项目 ID"))
    overdue: bool | None = Field(None, description=gettext_lazy("仅逾期"))


class TaskCreate(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    programme: str | None = Field(None, description=gettext_lazy("计划代码"))
    kind: str = Field(description=" | ".join(TaskKind.values))
    text: str = Field(max_length=5000)
    lead_unit: int = Field(description=gettext_lazy("牵头责任单位 ID"))
    assisting_units: list[int] = Field([], description=gettext_lazy("配合单位 ID"))
    deadline: Day
    project: int | None = None
    problem: int | None = None
    report: int | None = None
    subject_label: str = Field("", max_length=200)
    subject_url: str = Field("", max_length=300)
    issued_by: int | None = Field(None, description=gettext_lazy("批示领导的用户 ID（领导批示）"))
    issued_on: Day | None = Field(None, description=gettext_lazy("交办日期，默认今天"))


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=5000)
    version: Version | None = Field(None, description="the version you read; 409 if stale")


def ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": getattr(obj, "full_name", "") or str(obj)}


def task_item(task: Task, *, day: datetime.date) -> dict:
    status = getattr(task, "status_then", None) or task.status
    answer = getattr(task, "answer_then", task.answer or None)
    return {
        "id": task.pk,
        "programme": task.programme.code,
        "kind": task.kind,
        "kind_label": str(KIND_LABELS.get(task.kind, task.kind)),
        "text": task.text,
        "project": ref(task.project),
        "problem_id": task.problem_id,
        "report_id": task.report_id,
        "subject_label": task.subject_label,
        "subject_url": task.subject_url if is_safe_link(task.subject_url) else "",
        "issued_by": ref(task.issued_by),
        "issued_on": task.issued_on,
        "lead_unit": ref(task.lead_unit),
        "assisting_units": [ref(u) for u in sorted(task.assisting_units.all(), key=lambda u: u.pk)],
        "deadline": task.deadline,
        "status": status,
        "status_label": str(STATUS_LABELS.get(status, status)),
        "answer": answer,
        "overdue": Task.was_overdue(status, task.deadline, day),
        "version": task.version,
    }


def task_detail(user, pk: int) -> dict:
    task = (
        Task.objects.filter(pk=pk)
        .select_related("programme", "project", "lead_unit", "issued_by", "recorded_by")
        .prefetch_related("assisting_units")
        .get()
    )
    events = task.events.select_related("actor", "unit").order_by("at", "id")
    data = task_item(task, day=calendar.local_today())
    data.update(
        recorded_by=ref(task.recorded_by),
        answered_at=task.answered_at,
        accepted_at=task.accepted_at,
        events=[event_out(e, unit=ref(e.unit)) for e in events],
        can=permissions.task_steps(user, task),
    )
    return data


@router.get("/tasks", response={200: list[TaskItem], **READ_ERRORS})
@paginate(AsOfPagination)
def list_tasks(request, filters: Query[TaskQuery]):
    """督办事项清单（与页面同一筛选，`as_of` 为截至某日的清单）
    / The task list, filtered like the page; `as_of` gives the list as it stood at the end
    of that day. Outsiders (in no programme) get an empty page."""
    user = request.auth
    programme = choose_programme(user, filters.programme)
    if programme is None:
        return Rows(Task.objects.none(), as_of=filters.as_of)
    base = Task.objects.restrict(user).filter(programme=programme)
    task_filter = TaskFilter(request.GET, queryset=base, programme=programme)
    if not task_filter.is_valid():
        raise ValidationError({k: list(v) for k, v in task_filter.errors.items()})
    day = task_filter.as_of_date or calendar.local_today()
    return Rows(task_filter.qs, lambda t: task_item(t, day=day), as_of=task_filter.as_of_date)


@router.get("/tasks/{int:task_id}", response={200: TaskDetail, **READ_ERRORS})
def get_task(request, task_id: int):
    """一个督办事项及其办理记录 / One task with its history."""
    task = permissions.get_task(request.auth, task_id)
    return task_detail(request.auth, task.pk)


def _lookup(model, pk, field, label, queryset=None):
    if pk is None:
        return None
    obj = (queryset if queryset is not None else model.objects).filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: label % {"id": pk}})
    return obj


@router.post("/tasks", response={201: TaskDetail, **WRITE_ERRORS})
def create_task(request, payload: TaskCreate):
    """交办督导事项（办公室、督导）、录入领导批示（领导、办公室）或会议议定事项（办公室）
    / Issue a supervision item (office, inspector), record a leader's instruction (leader,
    office) or a meeting decision (office)."""
    user = request.auth
    programme = get_programme(user, payload.programme) if payload.programme else None
    programme = programme or choose_programme(user, None)
    if programme is None:
        raise Http404(_("项目计划不存在"))
    project = None
    if payload.project is not None:
        project = get_project(user, payload.project)
    problems = Problem.objects.restrict(user)
    reports = MonthlyReport.objects.restrict(user)
    assisting = list(Unit.objects.filter(pk__in=payload.assisting_units))
    if len(assisting) != len(set(payload.assisting_units)):
        raise ValidationError({"assisting_units": _("未知的单位 ID")})
    task = services.create_task(
        user,
        programme=programme,
        kind=payload.kind,
        text=payload.text,
        lead_unit=_lookup(Unit, payload.lead_unit, "lead_unit", _("未知的单位 ID：%(id)s")),
        deadline=payload.deadline,
        assisting_units=assisting,
        project=project,
        problem=_lookup(None, payload.problem, "problem", _("未知的问题 ID：%(id)s"), problems),
        report=_lookup(None, payload.report, "report", _("未知的月报 ID：%(id)s"), reports),
        subject_label=payload.subject_label,
        subject_url=payload.subject_url,
        issued_by=_lookup(User, payload.issued_by, "issued_by", _("未知的用户 ID：%(id)s")),
        issued_on=payload.issued_on,
    )
    return Status(201, task_detail(user, task.pk))


def act(request, task_id: int, step, **data):
    """Take `step` on the task with `data` (a stale version: ConcurrentEditError, 409 in
    api/errors.py); answer with the task as it is now."""
    task = permissions.get_task(request.auth, task_id)
    step(task, by=request.auth, **data)
    return task_detail(request.auth, task.pk)


STEP = {200: TaskDetail, **WRITE_ERRORS}


@router.post("/tasks/{int:task_id}/answer", response=STEP)
def answer_task(request, task_id: int, payload: ActionIn):
    """牵头单位反馈办理情况（须填写） / The lead unit answers (text required)."""
    return act(
        request, task_id, services.answer, text=payload.note, expected_version=payload.version
    )


@router.post("/tasks/{int:task_id}/accept", response=STEP)
def accept_task(request, task_id: int, payload: ActionIn):
    """交办人或办公室验收办结 / The issuer or the office accepts the answer (closes it)."""
    return act(
        request, task_id, services.accept, note=payload.note, expected_version=payload.version
    )


@router.post("/tasks/{int:task_id}/return", response=STEP)
def return_task(request, task_id: int, payload: ActionIn):
    """交办人或办公室退回（须说明理由） / The issuer or the office returns it, with a comment."""
    return act(
        request, task_id, services.return_task, note=payload.note, expected_version=payload.version
    )
