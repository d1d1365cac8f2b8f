"""Monthly reports, measures and warning lights over JSON.

Permissions come from each app's `permissions.py` (a report you cannot see is 404, one you may only
read is 403 for changes); every write goes through `reporting.services`. Amounts (万元)
and percentages travel as strings so that no client ever sees float noise.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from keyworks.core.calendar import parse_month
from keyworks.core.schemas import READ_ERRORS, WRITE_ERRORS, Version, exact, money
from keyworks.ledger.permissions import choose_programme

from . import lights as lights_module
from . import permissions, services, since_start
from .measures import (
    TIMELINESS_LABELS,
    default_month,
    elapsed_share,
    project_measures,
    rollup,
)
from .models import MonthlyReport, ReportStatus
from .registry import FIGURES, headline

router = Router()

MONEY_HELP = gettext_lazy('万元，两位小数的字符串，如 "1234.50"')
MONTH_HELP = gettext_lazy("月份（YYYY-MM）")
MAX_PAGE_SIZE = 500
ACTIONS = ("edit", "submit", "review", "accept", "return", "request_correction")


# --- schemas -------------------------------------------------------------------------


class ProjectRef(Schema):
    id: int
    seq: int
    name: str


class ReportItem(Schema):
    id: int
    programme: str
    project: ProjectRef
    month: str = Field(description=MONTH_HELP)
    status: str = Field(description=" | ".join(ReportStatus.values))
    status_label: str
    completed_this_month: str = Field(description=MONEY_HELP)
    ytd_total: str | None = Field(description=MONEY_HELP)
    since_start_total: str | None = Field(
        description=format_lazy(
            "{}{}",
            gettext_lazy(
                "开工累计：项目首份月报前台账上的累计完成投资 + 此后已采纳月报（含本月）；"
                "提交时计算、采纳时确定，草稿和退回的月报为按当前数据计算的值。"
            ),
            MONEY_HELP,
        )
    )
    next_plan_investment: str = Field(description=MONEY_HELP)
    submitted_at: datetime.datetime | None
    is_late: bool
    reviewed_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    version: int = Field(description=gettext_lazy("修改时原样提交"))
    updated_at: datetime.datetime


class ReportDetail(ReportItem):
    milestones_reached: str
    output_figures: str
    progress_text: str
    next_plan_milestones: str
    next_plan_content: str
    review_comment: str
    decision_comment: str
    due_at: datetime.datetime
    can: dict[str, bool] = Field(description=gettext_lazy("可执行的操作"))


class ReportPage(Schema):
    count: int
    items: list[ReportItem]


class ReportQuery(Schema):
    programme: str | None = Field(None, description=gettext_lazy("计划代码"))
    month: str | None = Field(None, description=MONTH_HELP)
    project: int | None = Field(None, description=gettext_lazy("项目 ID"))
    status: str | None = Field(None, description=" | ".join(ReportStatus.values))
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class DraftFields(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    completed_this_month: Decimal | None = Field(None, description=MONEY_HELP)
    milestones_reached: str | None = Field(None, max_length=5000)
    output_figures: str | None = Field(None, max_length=5000)
    progress_text: str | None = Field(None, max_length=5000)
    next_plan_investment: Decimal | None = Field(None, description=MONEY_HELP)
    next_plan_milestones: str | None = Field(None, max_length=5000)
    next_plan_content: str | None = Field(None, max_length=5000)


class ReportStart(DraftFields):
    project: int = Field(description=gettext_lazy("项目 ID"))
    month: str = Field(description=MONTH_HELP)
    version: Version | None = Field(
        None,
        description=gettext_lazy("修改已存在的月报时必填（读取时的 version），否则 409"),
    )


class ReportPatch(DraftFields):
    version: Version = Field(description=gettext_lazy("修改时原样提交"))


class SubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: Version | None = Field(None, description=gettext_lazy("可选，过期则 409"))


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field("", max_length=2000, description=gettext_lazy("意见"))
    version: Version | None = Field(None, description=gettext_lazy("可选，过期则 409"))


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(max_length=2000, description=gettext_lazy("退回意见（必填）"))
    version: Version | None = Field(None, description=gettext_lazy("可选，过期则 409"))


class RollupOut(Schema):
    key: int | None
    label: str
    projects: int
    annual_target: str = Field(description=MONEY_HELP)
    ytd_completed: str = Field(description=MONEY_HELP)
    completion_rate: str | None = Field(description="% (0.1)")
    elapsed: str = Field(description=gettext_lazy("序时进度 %"))
    gap: str | None = Field(description=gettext_lazy("完成率 − 序时进度（百分点）"))
    new_projects: int
    started: int
    start_rate: str | None
    milestones_due: int
    milestones_on_time: int
    milestone_rate: str | None
    reports: dict[str, int] = Field(description=" | ".join(TIMELINESS_LABELS))
    report_rate: str | None


class MeasuresOut(Schema):
    programme: str
    month: str
    elapsed: str
    programme_total: RollupOut | None
    by_category: list[RollupOut]
    by_district: list[RollupOut]


class LightOut(Schema):
    project: ProjectRef
    color: str = Field(description=" | ".join(lights_module.COLORS))
    label: str
    reasons: list[str]
    completion_rate: str | None
    gap: str | None
    report: str
    paused: bool


class FigureOut(Schema):
    key: str
    label: str
    definition: str
    unit: str
    value: str | int | None  # amounts and percentages as decimal strings


class FiguresOut(Schema):
    programme: str
    month: str
    figures: list[FigureOut]


class LightsOut(Schema):
    programme: str
    month: str
    counts: dict[str, int]
    items: list[LightOut]


# --- helpers -------------------------------------------------------------------------


def text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def project_ref(project) -> dict:
    return {"id": project.pk, "seq": project.seq, "name": project.name}


def report_item(report: MonthlyReport, since: Decimal | None = None) -> dict:
    """`since`: the report's 开工累计 when the caller has it (`since_start.shown_many`)."""
    return {
        "id": report.pk,
        "programme": report.project.programme.code,
        "project": project_ref(report.project),
        "month": f"{report.month:%Y-%m}",
        "status": report.status,
        "status_label": report.get_status_display(),
        "completed_this_month": money(report.completed_this_month),
        "ytd_total": money(report.ytd_total),
        "since_start_total": money(since_start.shown(report) if since is None else since),
        "next_plan_investment": money(report.next_plan_investment),
        "submitted_at": report.submitted_at,
        "is_late": report.is_late,
        "reviewed_at": report.reviewed_at,
        "decided_at": report.decided_at,
        "version": report.version,
        "updated_at": report.updated_at,
    }


def report_detail(user, pk: int) -> dict:
    report = (
        MonthlyReport.objects.restrict(user)
        .select_related("project", "project__programme")
        .get(pk=pk)
    )
    data = report_item(report)
    data.update(
        milestones_reached=report.milestones_reached,
        output_figures=report.output_figures,
        progress_text=report.progress_text,
        next_plan_milestones=report.next_plan_milestones,
        next_plan_content=report.next_plan_content,
        review_comment=report.review_comment,
        decision_comment=report.decision_comment,
        due_at=services.due_at(report.project.programme, report.month),
        can={action: permissions.can_report(user, action, report) for action in ACTIONS},
    )
    return data


def draft_data(payload: DraftFields) -> dict:
    data = payload.model_dump(exclude_unset=True, include=set(DraftFields.model_fields))
    for field in services.MONEY_FIELDS:
        if field in data:
            if data[field] is None:
                raise ValidationError({field: _("请填写金额")})
            data[field] = exact(data[field], 2)
    for field, value in list(data.items()):
        if value is None:
            data[field] = ""
    return data


# --- reports -------------------------------------------------------------------------


@router.get(
    "/reports",
    response={200: ReportPage, **READ_ERRORS},
    tags=["reports"],
    description=gettext_lazy("月报列表（您可见的项目）"),
)
def list_reports(request, filters: Query[ReportQuery]):
    """Monthly reports of the projects you may see, newest month first. Outsiders (in no programme)
    get an empty page."""
    user = request.auth
    programme = choose_programme(user, filters.programme)
    if programme is None:
        return {"count": 0, "items": []}
    qs = MonthlyReport.objects.restrict(user).filter(project__programme=programme)
    month = parse_month(filters.month)
    if month is not None:
        qs = qs.filter(month=month)
    if filters.project is not None:
        qs = qs.filter(project_id=filters.project)
    if filters.status:
        if filters.status not in ReportStatus.values:
            raise ValidationError(
                {"status": _("未知的状态：%(status)s") % {"status": filters.status}}
            )
        qs = qs.filter(status=filters.status)
    qs = qs.order_by("-month", "project__seq", "id")
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    page = list(
        qs.select_related("project", "project__programme")[start : start + filters.page_size]
    )
    since = since_start.shown_many(page)
    return {"count": count, "items": [report_item(r, since[r.pk]) for r in page]}


@router.get(
    "/reports/{int:report_id}",
    response={200: ReportDetail, **READ_ERRORS},
    tags=["reports"],
    description=gettext_lazy("一份月报；`can` 列出您可执行的操作"),
)
def get_report(request, report_id: int):
    """One report; `can` lists what you may do."""
    report = permissions.get_report(request.auth, report_id)
    return report_detail(request.auth, report.pk)


@router.post(
    "/reports",
    response={200: ReportDetail, 201: ReportDetail, **WRITE_ERRORS},
    tags=["reports"],
    description=gettext_lazy(
        "开始（或取回）某项目某月的月报草稿，可同时保存字段；新建返回 201，已存在返回 200。"
        "已存在的月报须带读取时的 `version` 才能修改字段，否则 409。"
    ),
)
def start_report(request, payload: ReportStart):
    """Start (or fetch) the draft for a project and month, optionally saving fields; 201 when this
    call created it, 200 when it already existed. Fields sent for a report that exists are saved
    only with the `version` you read (409 without it or when stale)."""
    user = request.auth
    project = permissions.get_reportable_project(user, payload.project)
    month = parse_month(payload.month)
    if month is None:
        raise ValidationError({"month": _("请填写月份（YYYY-MM）")})
    report, created = services.start_draft(
        project, month, draft_data(payload), by=user, expected_version=payload.version
    )
    return Status(201 if created else 200, report_detail(user, report.pk))


@router.patch(
    "/reports/{int:report_id}",
    response={200: ReportDetail, **WRITE_ERRORS},
    tags=["reports"],
    description=gettext_lazy("保存草稿（或退回的月报）；须提交读取时的 version，过期则 409。"),
)
def save_draft(request, report_id: int, payload: ReportPatch):
    """Save a draft (or returned) report; send the `version` you read (409 if stale)."""
    user = request.auth
    report = permissions.get_report(user, report_id)
    # A stale version raises ConcurrentEditError, which api/errors.py answers with 409.
    services.save_draft(report, draft_data(payload), by=user, expected_version=payload.version)
    return report_detail(user, report.pk)


@router.post(
    "/reports/{int:report_id}/submit",
    response={200: ReportDetail, **WRITE_ERRORS},
    tags=["reports"],
    description=gettext_lazy("提交月报（本专班）；重复提交不产生变化"),
)
def submit_report(request, report_id: int, payload: SubmitIn | None = None):
    """Submit (own task force); submitting twice changes nothing."""
    user = request.auth
    report = permissions.get_report(user, report_id)
    version = payload.version if payload is not None else None
    services.submit(report, by=user, expected_version=version)
    return report_detail(user, report.pk)


@router.post(
    "/reports/{int:report_id}/review",
    response={200: ReportDetail, **WRITE_ERRORS},
    tags=["reports"],
    description=gettext_lazy("县区审核已提交的月报"),
)
def review_report(request, report_id: int, payload: CommentIn | None = None):
    """The district coordinator reviews a submitted report."""
    user = request.auth
    report = permissions.get_report(user, report_id)
    payload = payload or CommentIn()
    services.review(report, by=user, comment=payload.comment, expected_version=payload.version)
    return report_detail(user, report.pk)


@router.post(
    "/reports/{int:report_id}/accept",
    response={200: ReportDetail, **WRITE_ERRORS},
    tags=["reports"],
    description=gettext_lazy("办公室采纳"),
)
def accept_report(request, report_id: int, payload: CommentIn | None = None):
    """The office accepts a report."""
    user = request.auth
    report = permissions.get_report(user, report_id)
    payload = payload or CommentIn()
    services.accept(report, by=user, comment=payload.comment, expected_version=payload.version)
    return report_detail(user, report.pk)


@router.post(
    "/reports/{int:report_id}/return",
    response={200: ReportDetail, **WRITE_ERRORS},
    tags=["reports"],
    description=gettext_lazy("办公室退回（须填写意见）"),
)
def return_report(request, report_id: int, payload: ReturnIn):
    """The office returns a report, with a comment."""
    user = request.auth
    report = permissions.get_report(user, report_id)
    services.return_report(
        report, by=user, comment=payload.comment, expected_version=payload.version
    )
    return report_detail(user, report.pk)


# --- measures and lights ---------------------------------------------------------------


class MeasuresQuery(Schema):
    programme: str | None = Field(None, description=gettext_lazy("计划代码"))
    month: str | None = Field(None, description=f"{MONTH_HELP}; default: the last finished")


def measured_programme(user, filters: MeasuresQuery):
    programme = choose_programme(user, filters.programme)
    if programme is None:
        raise Http404(_("项目计划不存在"))
    if not permissions.can_view_measures(user, programme):
        raise PermissionDenied(_("您没有权限查看考核指标"))
    month = parse_month(filters.month) or default_month(programme)
    return programme, month


def rollup_out(group) -> dict:
    return {
        "key": group.key,
        "label": group.label,
        "projects": group.projects,
        "annual_target": money(group.annual_target),
        "ytd_completed": money(group.ytd_completed),
        "completion_rate": text(group.completion_rate),
        "elapsed": text(group.elapsed),
        "gap": text(group.gap),
        "new_projects": group.new_projects,
        "started": group.started,
        "start_rate": text(group.start_rate),
        "milestones_due": group.milestones_due,
        "milestones_on_time": group.milestones_on_time,
        "milestone_rate": text(group.milestone_rate),
        "reports": dict(group.reports),
        "report_rate": text(group.report_rate),
    }


@router.get(
    "/measures",
    response={200: MeasuresOut, **READ_ERRORS},
    tags=["measures"],
    description=gettext_lazy("考核指标：全计划合计及按类别、县区汇总（暂停项目不计）"),
)
def get_measures(request, filters: Query[MeasuresQuery]):
    """Programme figures and rollups by category and district (paused projects left out)."""
    programme, month = measured_programme(request.auth, filters)
    measures = project_measures(programme, month)
    totals = rollup(measures, "programme")
    return {
        "programme": programme.code,
        "month": f"{month:%Y-%m}",
        "elapsed": text(elapsed_share(month)),
        "programme_total": rollup_out(totals[0]) if totals else None,
        "by_category": [rollup_out(g) for g in rollup(measures, "category")],
        "by_district": [rollup_out(g) for g in rollup(measures, "district")],
    }


@router.get(
    "/figures",
    response={200: FiguresOut, **READ_ERRORS},
    tags=["measures"],
    description=gettext_lazy("各项总体指标及其口径（指标登记表）"),
)
def get_figures(request, filters: Query[MeasuresQuery]):
    """Every headline figure with its definition."""
    programme, month = measured_programme(request.auth, filters)
    values = headline(programme, month, user=request.auth)
    return {
        "programme": programme.code,
        "month": f"{month:%Y-%m}",
        "figures": [
            {
                "key": figure.key,
                "label": str(figure.label),
                "definition": str(figure.definition),
                "unit": str(figure.unit),
                "value": text(values[figure.key])
                if isinstance(values[figure.key], Decimal)
                else values[figure.key],
            }
            for figure in FIGURES
        ],
    }


@router.get(
    "/lights",
    response={200: LightsOut, **READ_ERRORS},
    tags=["measures"],
    description=gettext_lazy("每个项目的红黄绿灯及原因"),
)
def get_lights(request, filters: Query[MeasuresQuery]):
    """Each project's warning light with its reasons."""
    programme, month = measured_programme(request.auth, filters)
    measures = project_measures(programme, month)
    lights = lights_module.project_lights(programme, month, measures=measures)
    items = [
        {
            "project": {"id": m.project_id, "seq": m.seq, "name": m.name},
            "color": lights[pk].color,
            "label": lights[pk].label,
            "reasons": lights[pk].reasons,
            "completion_rate": text(m.completion_rate),
            "gap": text(m.gap),
            "report": m.report,
            "paused": m.paused,
        }
        for pk, m in measures.items()
    ]
    return {
        "programme": programme.code,
        "month": f"{month:%Y-%m}",
        "counts": lights_module.count_lights(lights),
        "items": items,
    }
