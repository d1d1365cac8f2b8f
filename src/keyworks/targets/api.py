"""Annual targets (年度目标) over JSON.

Same rules as the pages: a target you cannot see is 404, an action you may not take 403,
a stale `version` 409. Writes go through `targets.services`. Amounts (万元) travel as
strings with two decimals."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from keyworks.core.schemas import READ_ERRORS, WRITE_ERRORS, Version, money
from keyworks.ledger.permissions import choose_programme

from . import permissions, services
from .models import AnnualTarget, ItemState, TargetStatus

router = Router()

# Field descriptions in the OpenAPI schema are plain Chinese, not messages: pydantic turns
# them into text once, when the schemas are built, so they cannot follow each request.

MONEY_HELP = '万元，两位小数的字符串，如 "1234.50"'
MAX_PAGE_SIZE = 500
ACTIONS = ("edit", "submit", "review", "revise")


# --- schemas -------------------------------------------------------------------------


class ProjectRef(Schema):
    id: int
    seq: int
    name: str


class ItemOut(Schema):
    id: int
    kind: str = Field(description="milestone | indicator")
    name: str
    planned_date: datetime.date | None
    unit: str
    value: str | None
    state: str = Field(description=" | ".join(ItemState.values))
    comment: str


class TargetItem(Schema):
    id: int
    programme: str
    project: ProjectRef
    year: int
    revision: int = Field(description="版本号（第N版）")
    status: str = Field(description=" | ".join(TargetStatus.values))
    status_label: str
    is_current: bool = Field(description="现行（最新通过）版本")
    investment: str = Field(description=MONEY_HELP)
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    version: int = Field(description="修改时原样提交")


class TargetDetail(TargetItem):
    reason: str
    investment_state: str
    investment_comment: str
    milestones: list[ItemOut]
    indicators: list[ItemOut]
    can: dict[str, bool] = Field(description="可执行的操作")


class TargetPage(Schema):
    count: int
    items: list[TargetItem]


class TargetQuery(Schema):
    programme: str | None = Field(None, description="计划代码")
    year: int | None = Field(None, description="年度（默认计划年度）")
    project: int | None = Field(None, description="项目 ID")
    status: str | None = Field(None, description=" | ".join(TargetStatus.values))
    current: bool | None = Field(None, description="仅现行版本")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class MilestoneIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(max_length=100)
    planned_date: datetime.date


class IndicatorIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(max_length=100)
    unit: str = Field(max_length=20)
    value: Decimal


class ContentIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    investment: Decimal = Field(description=MONEY_HELP)
    milestones: list[MilestoneIn] = []
    indicators: list[IndicatorIn] = []
    submit: bool = Field(False, description="保存后立即提交审核")


class TargetCreate(ContentIn):
    project: int = Field(description="项目 ID")
    year: int | None = Field(None, description="年度（默认计划年度）")


class TargetPatch(ContentIn):
    version: Version = Field(description="the version you read; 409 if someone saved since")


class ReviseIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(max_length=2000, description="调整理由（必填）")
    investment: Decimal | None = Field(None, description=MONEY_HELP + "；默认沿用")
    milestones: list[MilestoneIn] | None = None
    indicators: list[IndicatorIn] | None = None
    submit: bool = False


class SubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: Version | None = Field(None, description="可选，过期则 409")


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    item: str | int = Field(description='"investment" 或条目 ID')
    decision: str = Field(description="accept | return")
    comment: str = Field("", max_length=2000, description="退回时必填")


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decisions: list[DecisionIn] = Field(description="每个待审核条目一项")
    version: Version | None = Field(None, description="可选，过期则 409")


# --- helpers -------------------------------------------------------------------------


def item_out(item) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "name": item.name,
        "planned_date": item.planned_date,
        "unit": item.unit,
        "value": None if item.value is None else f"{item.value:.2f}",
        "state": item.state,
        "comment": item.comment,
    }


def target_item(target: AnnualTarget, current_ids: set[int]) -> dict:
    project = target.project
    return {
        "id": target.pk,
        "programme": project.programme.code,
        "project": {"id": project.pk, "seq": project.seq, "name": project.name},
        "year": target.year,
        "revision": target.revision,
        "status": target.status,
        "status_label": target.get_status_display(),
        "is_current": target.pk in current_ids,
        "investment": money(target.investment),
        "submitted_at": target.submitted_at,
        "reviewed_at": target.reviewed_at,
        "version": target.version,
    }


def target_detail(user, pk: int) -> dict:
    target = (
        AnnualTarget.objects.restrict(user)
        .select_related("project", "project__programme")
        .prefetch_related("items")
        .get(pk=pk)
    )
    current = services.accepted_target(target.project, target.year)
    data = target_item(target, {current.pk} if current else set())
    data.update(
        reason=target.reason,
        investment_state=target.investment_state,
        investment_comment=target.investment_comment,
        milestones=[item_out(i) for i in services.milestones(target)],
        indicators=[item_out(i) for i in services.indicators(target)],
        can={action: permissions.can_target(user, action, target) for action in ACTIONS},
    )
    return data


def content(payload) -> dict:
    return {
        "investment": payload.investment,
        "milestones": [m.model_dump() for m in payload.milestones],
        "indicators": [i.model_dump() for i in payload.indicators],
    }


def current_ids(targets) -> set[int]:
    """Ids of the current (highest accepted) version per project and year among `targets`."""
    best: dict[tuple[int, int], tuple[int, int]] = {}
    for pk, project_id, year, revision in targets.filter(status=TargetStatus.ACCEPTED).values_list(
        "pk", "project_id", "year", "revision"
    ):
        key = (project_id, year)
        if key not in best or revision > best[key][0]:
            best[key] = (revision, pk)
    return {pk for _revision, pk in best.values()}


# --- endpoints -----------------------------------------------------------------------


@router.get("/targets", response={200: TargetPage, **READ_ERRORS}, tags=["targets"])
def list_targets(request, filters: Query[TargetQuery]):
    """年度目标（每个版本一条） / Annual target versions the caller may read, one row per
    version. Outsiders (in no programme) get an empty page."""
    user = request.auth
    programme = choose_programme(user, filters.programme)
    if programme is None:
        return {"count": 0, "items": []}
    year = services.check_year(filters.year) if filters.year else programme.year
    qs = AnnualTarget.objects.restrict(user).filter(project__programme=programme, year=year)
    if filters.project is not None:
        qs = qs.filter(project_id=filters.project)
    if filters.status:
        if filters.status not in TargetStatus.values:
            raise ValidationError(
                {"status": _("未知状态：%(status)s") % {"status": filters.status}}
            )
        qs = qs.filter(status=filters.status)
    current = current_ids(qs)
    if filters.current:
        qs = qs.filter(pk__in=current)
    qs = qs.select_related("project", "project__programme").order_by(
        "project__seq", "project_id", "revision"
    )
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [target_item(t, current) for t in qs[start : start + filters.page_size]]
    return {"count": count, "items": items}


@router.get(
    "/targets/{int:target_id}", response={200: TargetDetail, **READ_ERRORS}, tags=["targets"]
)
def get_target(request, target_id: int):
    """一个版本及其条目和审核意见 / One version with its items and review comments."""
    target = permissions.get_target(request.auth, target_id)
    return target_detail(request.auth, target.pk)


@router.post("/targets", response={201: TargetDetail, **WRITE_ERRORS}, tags=["targets"])
def create_target(request, payload: TargetCreate):
    """本专班填报年度目标（第1版）；`submit` 为真则同时提交
    / The project's task force files its target (first version); `submit` submits it."""
    user = request.auth
    project = permissions.get_target_project(user, payload.project, "create")
    year = payload.year or project.programme.year
    target = services.create_target(project, year, content(payload), by=user)
    if payload.submit:
        target = services.submit_target(target, by=user)
    return Status(201, target_detail(user, target.pk))


@router.patch(
    "/targets/{int:target_id}", response={200: TargetDetail, **WRITE_ERRORS}, tags=["targets"]
)
def edit_target(request, target_id: int, payload: TargetPatch):
    """修改草稿或被退回的版本（已通过的条目不能改） / Edit a draft or returned version."""
    user = request.auth
    target = permissions.get_target(user, target_id)
    target = services.save_target(
        target, content(payload), by=user, expected_version=payload.version
    )
    if payload.submit:
        target = services.submit_target(target, by=user)
    return target_detail(user, target.pk)


@router.post(
    "/targets/{int:target_id}/submit",
    response={200: TargetDetail, **WRITE_ERRORS},
    tags=["targets"],
)
def submit_target(request, target_id: int, payload: SubmitIn):
    """提交审核（重复提交无副作用） / Submit for review (idempotent)."""
    user = request.auth
    target = permissions.get_target(user, target_id)
    services.submit_target(target, by=user, expected_version=payload.version)
    return target_detail(user, target.pk)


@router.post(
    "/targets/{int:target_id}/review",
    response={200: TargetDetail, **WRITE_ERRORS},
    tags=["targets"],
)
def review_target(request, target_id: int, payload: ReviewIn):
    """办公室逐项审核：每个待审核条目 accept 或 return（附意见）；全部通过即锁定
    / The office decides each pending item; all accepted locks the version."""
    user = request.auth
    target = permissions.get_target(user, target_id)
    decisions = {}
    for d in payload.decisions:
        key = "investment" if d.item == "investment" else f"item-{d.item}"
        decisions[key] = (d.decision, d.comment)
    services.review_target(target, decisions, by=user, expected_version=payload.version)
    return target_detail(user, target.pk)


@router.post(
    "/targets/{int:target_id}/revise",
    response={201: TargetDetail, **WRITE_ERRORS},
    tags=["targets"],
)
def revise_target(request, target_id: int, payload: ReviseIn):
    """对现行版本提出调整（新版本，须说明理由）；未给出的内容沿用现行版本
    / Revise the current version: a new version with a reason; omitted content is kept."""
    user = request.auth
    target = permissions.get_target(user, target_id)
    data = services.target_data(target)
    if payload.investment is not None:
        data["investment"] = payload.investment
    if payload.milestones is not None:
        data["milestones"] = [m.model_dump() for m in payload.milestones]
    if payload.indicators is not None:
        data["indicators"] = [i.model_dump() for i in payload.indicators]
    new = services.revise_target(target, by=user, reason=payload.reason, data=data)
    if payload.submit:
        new = services.submit_target(new, by=user)
    return Status(201, target_detail(user, new.pk))
