"""The task & problem list over JSON.

The list uses `ProblemFilter`, the same filter as the page and the export (incl. `as_of`:
the list as it stood at the end of that day). Permissions come from `permissions.py`: a
problem you cannot see is 404, an action you may not take 403; discipline clues (纪检)
are shown to inspectors and the office only. Writes go through `coordination.services`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from keyworks.core import calendar
from keyworks.core.pagination import AsOfPagination, Rows
from keyworks.core.schemas import READ_ERRORS, WRITE_ERRORS, Day, EventOut, Version, event_out
from keyworks.ledger.permissions import choose_programme, get_programme, get_project
from keyworks.orgs.models import Unit

from . import escalation, measures, permissions, services
from .filters import ProblemFilter
from .models import EscalationLevel, Problem, ProblemCategory, ProblemEvent, ProblemStatus

router = Router(tags=["problems"])

STATUS_LABELS = dict(ProblemStatus.choices)  # lazy: each answer in its language
LEVEL_LABELS = dict(EscalationLevel.choices)  # lazy: each answer in its language
CATEGORY_LABELS = dict(ProblemCategory.choices)  # lazy: each answer in its language
DISCIPLINE_HELP = gettext_lazy("仅督导与办公室可见（否则为 null）")


# --- schemas -------------------------------------------------------------------------


class ProjectRef(Schema):
    id: int
    seq: int
    name: str


class UnitRef(Schema):
    id: int
    name: str


class ProblemItem(Schema):
    id: int
    programme: str
    project: ProjectRef
    category: str = Field(description=" | ".join(ProblemCategory.values))
    category_label: str
    description: str
    need: str
    lead_unit: UnitRef | None
    assisting_units: list[UnitRef]
    deadline: datetime.date
    status: str = Field(description=gettext_lazy("状态（截至 as_of，否则为当前）"))
    status_label: str
    level: int | None = Field(description=gettext_lazy("协调层级（截至 as_of）"))
    level_label: str
    progress: str | None = Field(description=gettext_lazy("最新办理情况"))
    overdue: bool
    raised_at: datetime.datetime
    discipline_flag: bool | None = Field(description=DISCIPLINE_HELP)
    version: int = Field(description=gettext_lazy("办理时原样提交"))


class ProblemEventOut(EventOut):
    level: int
    unit: UnitRef | None


class ProblemDetail(ProblemItem):
    deadline_reason: str
    resolution_note: str
    resolved_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    void_reason: str
    raised_by: str
    discipline_note: str | None = Field(description=DISCIPLINE_HELP)
    events: list[ProblemEventOut]
    can: dict[str, bool] = Field(description=gettext_lazy("可执行的操作"))


class ProblemQuery(Schema):
    programme: str | None = Field(None, description=gettext_lazy("计划代码"))
    as_of: Day | None = Field(
        None, description=gettext_lazy("截至日期 YYYY-MM-DD（当日结束时的清单）")
    )
    q: str | None = Field(None, description=gettext_lazy("关键词"))
    project: int | None = Field(None, description=gettext_lazy("项目 ID"))
    category: str | None = Field(None, description=" | ".join(ProblemCategory.values))
    status: str | None = Field(None, description=" | ".join(ProblemStatus.values))
    state: str | None = Field(None, description="open (default) | closed | all")
    lead_unit: int | None = Field(None, description=gettext_lazy("牵头单位 ID"))
    overdue: bool | None = Field(None, description=gettext_lazy("仅逾期"))


class ProblemCreate(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    project: int = Field(description=gettext_lazy("项目 ID"))
    category: str = Field(description=" | ".join(ProblemCategory.values))
    description: str = Field(max_length=5000)
    need: str = Field("", max_length=5000)
    deadline: Day
    deadline_reason: str = Field("", max_length=5000)
    lead_unit: int | None = Field(None, description=gettext_lazy("牵头责任单位 ID"))
    assisting_units: list[int] = Field([], description=gettext_lazy("配合单位 ID"))


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(max_length=5000)


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=5000)
    version: Version | None = Field(None, description="the version you read; 409 if stale")


class EscalateIn(ActionIn):
    level: int = Field(description=" | ".join(str(v) for v in EscalationLevel.values))


class VoidIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=5000)
    version: Version | None = Field(None, description="the version you read; 409 if stale")


# --- reading -------------------------------------------------------------------------


def unit_ref(unit: Unit | None) -> dict | None:
    return None if unit is None else {"id": unit.pk, "name": unit.name}


def problem_item(problem: Problem, *, day: datetime.date, discipline: bool) -> dict:
    status = getattr(problem, "status_then", None) or problem.status
    level = getattr(problem, "level_then", problem.level)
    project = problem.project
    return {
        "id": problem.pk,
        "programme": project.programme.code,
        "project": {"id": project.pk, "seq": project.seq, "name": project.name},
        "category": problem.category,
        "category_label": str(CATEGORY_LABELS.get(problem.category, problem.category)),
        "description": problem.description,
        "need": problem.need,
        "lead_unit": unit_ref(problem.lead_unit),
        "assisting_units": [
            unit_ref(u) for u in sorted(problem.assisting_units.all(), key=lambda u: u.pk)
        ],
        "deadline": problem.deadline,
        "status": status,
        "status_label": str(STATUS_LABELS.get(status, status)),
        "level": level,
        "level_label": str(LEVEL_LABELS.get(level, "")),
        "progress": getattr(problem, "progress", None),
        "overdue": Problem.was_overdue(status, problem.deadline, day),
        "raised_at": problem.raised_at,
        "discipline_flag": problem.discipline_flag if discipline else None,
        "version": problem.version,
    }


def problem_detail(user, pk: int) -> dict:
    problem = (
        Problem.objects.filter(pk=pk)
        .select_related("project", "project__programme", "lead_unit", "raised_by")
        .prefetch_related("assisting_units")
        .get()
    )
    discipline = permissions.can_see_discipline(user, problem.project.programme_id)
    latest_note = problem.events.filter(kind=ProblemEvent.Kind.NOTE).order_by("-at", "-id").first()
    problem.progress = latest_note.note if latest_note else None
    events = problem.events.select_related("actor", "unit").order_by("at", "id")
    if not discipline:
        events = events.filter(confidential=False)
    data = problem_item(problem, day=calendar.local_today(), discipline=discipline)
    data.update(
        deadline_reason=problem.deadline_reason,
        resolution_note=problem.resolution_note,
        resolved_at=problem.resolved_at,
        closed_at=problem.closed_at,
        void_reason=problem.void_reason,
        raised_by=str(problem.raised_by),
        discipline_note=problem.discipline_note if discipline else None,
        events=[event_out(e, level=e.level, unit=unit_ref(e.unit)) for e in events],
        can=permissions.problem_steps(user, problem),
    )
    return data


@router.get("/problems", response={200: list[ProblemItem], **READ_ERRORS})
@paginate(AsOfPagination)
def list_problems(request, filters: Query[ProblemQuery]):
    """任务问题清单（与页面同一筛选，`as_of` 为截至某日的清单）
    / The problem list, filtered exactly like the page; `as_of` gives the list as it stood
    at the end of that day. Outsiders (in no programme) get an empty page."""
    user = request.auth
    programme = choose_programme(user, filters.programme)
    if programme is None:
        return Rows(Problem.objects.none(), as_of=filters.as_of)
    base = Problem.objects.restrict(user).filter(project__programme=programme)
    problem_filter = ProblemFilter(request.GET, queryset=base, programme=programme)
    if not problem_filter.is_valid():
        raise ValidationError({k: list(v) for k, v in problem_filter.errors.items()})
    day = problem_filter.as_of_date or calendar.local_today()
    discipline = permissions.can_see_discipline(user, programme.pk)
    return Rows(
        problem_filter.qs,
        lambda p: problem_item(p, day=day, discipline=discipline),
        as_of=problem_filter.as_of_date,
    )


@router.get("/problems/{int:problem_id}", response={200: ProblemDetail, **READ_ERRORS})
def get_problem(request, problem_id: int):
    """一个问题及其办理记录；纪检线索仅督导与办公室可见
    / One problem with its history; discipline clues for inspectors and the office only."""
    problem = permissions.get_problem(request.auth, problem_id)
    return problem_detail(request.auth, problem.pk)


# --- writing -------------------------------------------------------------------------


def units_by_id(lead: int | None, assisting: list[int]) -> tuple[Unit | None, list[Unit]]:
    ids = set(assisting) | ({lead} if lead is not None else set())
    known = {u.pk: u for u in Unit.objects.filter(pk__in=ids).exclude(kind=Unit.Kind.ENTERPRISE)}
    errors = {}
    if lead is not None and lead not in known:
        errors["lead_unit"] = [_("未知的单位 ID：%(ids)s") % {"ids": lead}]
    unknown = [str(pk) for pk in assisting if pk not in known]
    if unknown:
        errors["assisting_units"] = [_("未知的单位 ID：%(ids)s") % {"ids": "、".join(unknown)}]
    if errors:
        raise ValidationError(errors)
    return known.get(lead), [known[pk] for pk in assisting]


@router.post("/problems", response={201: ProblemDetail, **WRITE_ERRORS})
def raise_problem(request, payload: ProblemCreate):
    """提出问题（本专班、办公室、所在县区、督导）；有牵头单位即交办
    / Raise a problem (own task force, office, its district, inspectors); with a lead unit
    it is assigned at once."""
    user = request.auth
    project = get_project(user, payload.project)
    lead, assisting = units_by_id(payload.lead_unit, payload.assisting_units)
    data = payload.model_dump(exclude={"project", "lead_unit", "assisting_units"})
    data.update(lead_unit=lead, assisting_units=assisting)
    problem = services.raise_problem(project, data, by=user)
    return Status(201, problem_detail(user, problem.pk))


@router.post(
    "/problems/{int:problem_id}/notes",
    response={201: ProblemDetail, **WRITE_ERRORS},
    tags=["problems"],
)
def add_note(request, problem_id: int, payload: NoteIn):
    """记录办理情况 / Add a handling note."""
    user = request.auth
    problem = permissions.get_problem(user, problem_id)
    services.add_note(problem, payload.note, by=user)
    return Status(201, problem_detail(user, problem.pk))


def act(request, problem_id: int, step, **data):
    """Take `step` on the problem with `data` (a stale version: ConcurrentEditError, 409 in
    api/errors.py); answer with the problem as it is now."""
    problem = permissions.get_problem(request.auth, problem_id)
    step(problem, by=request.auth, **data)
    return problem_detail(request.auth, problem.pk)


STEP = {200: ProblemDetail, **WRITE_ERRORS}


@router.post("/problems/{int:problem_id}/resolve", response=STEP)
def resolve_problem(request, problem_id: int, payload: ActionIn):
    """牵头单位报办结（须填写解决情况） / The lead unit reports it resolved, with a note."""
    return act(
        request, problem_id, services.resolve, note=payload.note, expected_version=payload.version
    )


@router.post("/problems/{int:problem_id}/close", response=STEP)
def close_problem(request, problem_id: int, payload: ActionIn):
    """办公室销号 / The office closes (销号) a problem."""
    return act(
        request, problem_id, services.close, note=payload.note, expected_version=payload.version
    )


@router.post("/problems/{int:problem_id}/escalate", response=STEP)
def escalate_problem(request, problem_id: int, payload: EscalateIn):
    """升级协调层级（办公室、所在县区） / Escalate to a higher level (office, its district)."""
    return act(
        request,
        problem_id,
        services.escalate,
        level=payload.level,
        note=payload.note,
        expected_version=payload.version,
    )


@router.post("/problems/{int:problem_id}/return", response=STEP)
def return_problem(request, problem_id: int, payload: ActionIn):
    """办公室退回已报办结的问题（须说明理由） / The office returns a resolved problem."""
    return act(
        request,
        problem_id,
        services.return_problem,
        note=payload.note,
        expected_version=payload.version,
    )


@router.post("/problems/{int:problem_id}/void", response=STEP)
def void_problem(request, problem_id: int, payload: VoidIn):
    """办公室作废（须说明理由；问题从不删除） / The office voids a problem, with a reason."""
    return act(
        request, problem_id, services.void, reason=payload.reason, expected_version=payload.version
    )


# --- measures and automatic escalation -----------------------------------------------


class UnitMeasureOut(Schema):
    unit_id: int | None = Field(description=gettext_lazy("牵头单位 ID（未交办为 null）"))
    unit: str
    open: int = Field(description=gettext_lazy("未销号"))
    avg_days: float | None = Field(description=gettext_lazy("平均办理天数"))
    closed: int = Field(description=gettext_lazy("已销号"))
    on_time: int = Field(description=gettext_lazy("按期销号"))
    on_time_rate: float | None = Field(description=gettext_lazy("按期销号率 %"))
    resolved: int = Field(description=gettext_lazy("报过办结"))
    returned: int = Field(description=gettext_lazy("报办结后被退回"))
    reopened_rate: float | None = Field(description=gettext_lazy("退回率 %"))


class WeekOut(Schema):
    week: str = Field(description=gettext_lazy("ISO 周，如 2025-W07"))
    start: datetime.date = Field(description=gettext_lazy("该周星期一"))
    raised: int
    closed: int


class MeasureQuery(Schema):
    programme: str | None = Field(None, description=gettext_lazy("计划代码"))


class WeekQuery(MeasureQuery):
    weeks: int = Field(26, ge=1, le=104, description=gettext_lazy("周数"))


class RuleOut(Schema):
    programme: str
    enabled: bool
    overdue_days: int
    stuck_days: int
    max_level: int
    max_level_label: str
    version: int
    can_change: bool


class RuleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    enabled: bool
    overdue_days: int = Field(ge=0, le=365)
    stuck_days: int = Field(ge=0, le=365)
    max_level: int = Field(ge=2, le=5, description="2 | 3 | 4 | 5")
    version: Version | None = Field(None, description="the version you read; 409 if stale")


def measured_problems(user, code: str | None):
    programme = choose_programme(user, code)
    if programme is None:
        return None
    return Problem.objects.restrict(user).filter(project__programme=programme)


@router.get(
    "/problems/measures/units",
    response={200: list[UnitMeasureOut], **READ_ERRORS},
    tags=["problems"],
)
def unit_measures(request, filters: Query[MeasureQuery]):
    """各牵头单位：未销号、平均办理天数、按期销号率、退回率（作废不计）
    / Per lead unit: open, average days open, on-time closure rate, reopened rate."""
    problems = measured_problems(request.auth, filters.programme)
    return [] if problems is None else measures.unit_measures(problems)


@router.get("/problems/measures/weekly", response={200: list[WeekOut], **READ_ERRORS})
def weekly_measures(request, filters: Query[WeekQuery]):
    """按 ISO 周统计新增与销号问题数（最早的周在前）
    / Problems raised and closed per ISO week, oldest first."""
    problems = measured_problems(request.auth, filters.programme)
    return [] if problems is None else measures.weekly(problems, weeks=filters.weeks)


def rule_out(user, programme) -> dict:
    rule = escalation.rule_for(programme)
    return {
        "programme": programme.code,
        "enabled": rule.enabled,
        "overdue_days": rule.overdue_days,
        "stuck_days": rule.stuck_days,
        "max_level": rule.max_level,
        "max_level_label": str(LEVEL_LABELS.get(rule.max_level, "")),
        "version": rule.version,
        "can_change": permissions.can_edit_escalation_rule(user, programme),
    }


@router.get(
    "/programmes/{code}/escalation-rule",
    response={200: RuleOut, **READ_ERRORS},
    tags=["problems"],
)
def get_escalation_rule(request, code: str):
    """自动升级规则（计划内所有人可读） / The programme's automatic escalation rule."""
    programme = get_programme(request.auth, code)
    return rule_out(request.auth, programme)


@router.put(
    "/programmes/{code}/escalation-rule",
    response={200: RuleOut, **WRITE_ERRORS},
    tags=["problems"],
)
def put_escalation_rule(request, code: str, payload: RuleIn):
    """设置自动升级规则（办公室） / Set the automatic escalation rule (office)."""
    user = request.auth
    programme = get_programme(user, code)
    data = payload.model_dump(exclude={"version"})
    services.save_escalation_rule(programme, data, by=user, expected_version=payload.version)
    return rule_out(user, programme)
