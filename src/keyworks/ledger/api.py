"""The ledger over JSON: programmes and projects.

Amounts (万元) and coordinates are Decimal and travel as strings ("10000.00") so that no
client ever sees float noise; they are accepted as strings or JSON numbers (parsed as
Decimal). Permissions come from each app's `permissions.py`; writes go through `ledger.services`.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from keyworks.core.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    BadRequestOut,
    Error,
    Version,
    exact,
    money,
)
from keyworks.orgs.models import Region, Unit

from . import permissions, services
from .filters import ProjectFilter
from .models import Grade, Programme, Project, Stage, districts_prefetch

router = Router()

# Field descriptions in the OpenAPI schema are plain Chinese, not messages: pydantic turns
# them into text once, when the schemas are built, so they cannot follow each request.

MONEY_HELP = '万元，两位小数的字符串，如 "1234.50"'
MAX_PAGE_SIZE = 500


# --- output schemas ----------------------------------------------------------------


class RegionRef(Schema):
    id: int
    code: str | None
    name: str


class UnitRef(Schema):
    id: int
    name: str


class CategoryOut(Schema):
    id: int
    code: str
    name: str


class ProgrammeOut(Schema):
    code: str
    name: str
    year: int
    region: RegionRef
    parent: str | None = Field(description="上级计划代码")
    report_due_day: int
    is_demo: bool


class ProgrammeDetail(ProgrammeOut):
    categories: list[CategoryOut]
    can_create_project: bool


class ProjectItem(Schema):
    id: int
    programme: str
    seq: int
    name: str
    code: str
    category: CategoryOut
    grade: str
    grade_label: str
    stage: str
    stage_label: str
    districts: list[RegionRef]
    address: str
    longitude: str | None = Field(description="经度（字符串）")
    latitude: str | None = Field(description="纬度（字符串）")
    owner: UnitRef | None
    responsible_unit: UnitRef | None
    lead_official: str
    total_investment: str = Field(description=MONEY_HELP)
    completed_investment: str = Field(
        description="累计完成投资，即今天的开工累计 = completed_before_reports + 已采纳月报。"
        + MONEY_HELP
    )
    completed_before_reports: str = Field(
        description="首份月报前的累计完成投资（只读：随手工修改累计完成投资同额变动）。"
        + MONEY_HELP
    )
    annual_investment: str | None = Field(description=MONEY_HELP)
    planned_start: datetime.date | None
    planned_finish: datetime.date | None
    actual_start: datetime.date | None
    actual_finish: datetime.date | None
    archived: bool
    version: int = Field(description="修改时原样提交")
    updated_at: datetime.datetime


class ProjectPage(Schema):
    count: int
    items: list[ProjectItem]


class MilestoneOut(Schema):
    id: int
    name: str
    planned_date: datetime.date
    actual_date: datetime.date | None
    duration_days: int | None = None


class MemberOut(Schema):
    name: str
    position: str
    unit_name: str
    phone: str | None = Field(description="仅办公室与本专班可见，否则为空（null）")


class TaskForceOut(Schema):
    id: int
    name: str
    lead_official: str
    lead_title: str
    members: list[MemberOut]


class ProjectDetail(ProjectItem):
    content: str
    annual_target: str
    output_indicators: str
    district_progress: str
    geometry: Any = None
    archived_at: datetime.datetime | None
    archive_reason: str
    created_at: datetime.datetime
    milestones: list[MilestoneOut]
    task_force: TaskForceOut | None
    can_change: bool
    editable_fields: list[str] = Field(description="可修改的字段")
    warnings: list[str] = Field(description="提醒（非错误）")


# --- input schemas -----------------------------------------------------------------


class ProjectQuery(Schema):
    programme: str | None = Field(None, description="计划代码，默认最新一年")
    category: str | None = Field(None, description="类别代码")
    district: str | None = Field(None, description="区划代码（无代码的功能区用名称）")
    stage: str | None = Field(None, description=" | ".join(Stage.values))
    grade: str | None = Field(None, description=" | ".join(Grade.values))
    responsible_unit: str | None = Field(None, description="责任单位 ID")
    q: str | None = Field(None, description="关键词（名称、代码、建设内容、地点、业主）")
    archived: str | None = Field(None, description="exclude (default) | include | only")
    sort: str | None = Field(
        None,
        description="seq (default) | name | -total | total | -completed | planned_start | -updated",
    )
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class ProjectFields(Schema):
    """Ledger fields a client may send; units by id, category by code, districts by codes."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, str_strip_whitespace=True)

    seq: int | None = Field(None, ge=1)
    name: str | None = None
    code: str | None = Field(None, description="全国投资项目代码")
    category: str | None = Field(None, description="类别代码")
    grade: Grade | None = None
    stage: Stage | None = None
    districts: list[str] | None = Field(None, description="区划代码")
    address: str | None = None
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    geometry: list | dict | None = None
    owner: int | None = Field(None, description="业主单位 ID（企业）")
    responsible_unit: int | None = Field(None, description="责任单位 ID")
    total_investment: Decimal | None = Field(None, description=MONEY_HELP)
    completed_investment: Decimal | None = Field(None, description=MONEY_HELP)
    annual_investment: Decimal | None = Field(None, description=MONEY_HELP)
    planned_start: datetime.date | None = None
    planned_finish: datetime.date | None = None
    actual_start: datetime.date | None = None
    actual_finish: datetime.date | None = None
    content: str | None = Field(None, max_length=5000)
    annual_target: str | None = Field(None, max_length=5000)
    output_indicators: str | None = Field(None, max_length=5000)
    district_progress: str | None = Field(None, max_length=5000)
    reason: str = Field("", max_length=500, description="修改说明，记入变更记录")


class ProjectCreate(ProjectFields):
    programme: str = Field(description="计划代码")
    name: str
    category: str = Field(description="类别代码")
    total_investment: Decimal = Field(description=MONEY_HELP)


class ProjectPatch(ProjectFields):
    version: Version = Field(description="the version you read; 409 if someone saved since")


# --- reading -------------------------------------------------------------------------


programme_for = permissions.choose_programme


def plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def unit_ref(unit: Unit | None) -> dict | None:
    return None if unit is None else {"id": unit.pk, "name": unit.name}


def region_ref(region: Region) -> dict:
    return {"id": region.pk, "code": region.code, "name": region.name}


def programme_out(programme: Programme) -> dict:
    return {
        "code": programme.code,
        "name": programme.name,
        "year": programme.year,
        "region": region_ref(programme.region),
        "parent": programme.parent.code if programme.parent_id else None,
        "report_due_day": programme.report_due_day,
        "is_demo": programme.is_demo,
    }


def project_item(project: Project) -> dict:
    category = project.category
    return {
        "id": project.pk,
        "programme": project.programme.code,
        "seq": project.seq,
        "name": project.name,
        "code": project.code,
        "category": {"id": category.pk, "code": category.code, "name": category.name},
        "grade": project.grade,
        "grade_label": project.get_grade_display(),
        "stage": project.stage,
        "stage_label": project.get_stage_display(),
        "districts": [region_ref(r) for r in project.districts.all()],
        "address": project.address,
        "longitude": plain(project.longitude),
        "latitude": plain(project.latitude),
        "owner": unit_ref(project.owner),
        "responsible_unit": unit_ref(project.responsible_unit),
        "lead_official": project.task_force.lead_official if project.task_force else "",
        "total_investment": money(project.total_investment),
        "completed_investment": money(project.completed_investment),
        "completed_before_reports": money(project.completed_before_reports),
        "annual_investment": money(project.annual_investment),
        "planned_start": project.planned_start,
        "planned_finish": project.planned_finish,
        "actual_start": project.actual_start,
        "actual_finish": project.actual_finish,
        "archived": project.is_archived,
        "version": project.version,
        "updated_at": project.updated_at,
    }


# Ledger fields the API writes (geometry, seq and the rest of ProjectFields).
API_FIELDS = frozenset(ProjectFields.model_fields) - {"reason"}


def project_detail(user, project: Project) -> dict:
    show_phones = permissions.can(user, "view_contacts", project)
    task_force = project.task_force
    editable = permissions.editable_fields(user, project)
    data = project_item(project)
    data.update(
        content=project.content,
        annual_target=project.annual_target,
        output_indicators=project.output_indicators,
        district_progress=project.district_progress,
        geometry=project.geometry,
        archived_at=project.archived_at,
        archive_reason=project.archive_reason,
        created_at=project.created_at,
        milestones=[
            {
                "id": m.pk,
                "name": m.name,
                "planned_date": m.planned_date,
                "actual_date": m.actual_date,
                "duration_days": m.duration_days,
            }
            for m in project.milestones.all()
        ],
        task_force=None
        if task_force is None
        else {
            "id": task_force.pk,
            "name": task_force.name,
            "lead_official": task_force.lead_official,
            "lead_title": task_force.lead_title,
            "members": [
                {
                    "name": m.name,
                    "position": m.position,
                    "unit_name": m.unit_name,
                    "phone": m.phone if show_phones else None,
                }
                for m in task_force.members.all()
            ],
        },
        can_change=permissions.can(user, "change", project),
        editable_fields=sorted(API_FIELDS if editable is None else API_FIELDS & editable),
        warnings=services.ledger_warnings(project),
    )
    return data


def with_relations(queryset):
    return queryset.select_related(
        "programme", "category", "owner", "responsible_unit", "task_force"
    ).prefetch_related(districts_prefetch())


def load_detail(pk: int) -> Project:
    return (
        with_relations(Project.objects.filter(pk=pk))
        .prefetch_related("milestones", "task_force__members")
        .get()
    )


@router.get(
    "/programmes",
    response={200: list[ProgrammeOut], 400: BadRequestOut, 401: Error},
    tags=["programmes"],
)
def list_programmes(request):
    """您可见的项目计划（最新年度在前） / The programmes you belong to, newest first."""
    programmes = Programme.objects.restrict(request.auth).select_related("region", "parent")
    return [programme_out(p) for p in programmes.order_by("-year", "code", "pk")]


@router.get(
    "/programmes/{code}", response={200: ProgrammeDetail, **READ_ERRORS}, tags=["programmes"]
)
def get_programme(request, code: str):
    """一个项目计划及其类别 / One programme with its categories."""
    programme = programme_for(request.auth, code)
    data = programme_out(programme)
    data["categories"] = [
        {"id": c.pk, "code": c.code, "name": c.name}
        for c in programme.categories.order_by("sort", "code", "pk")
    ]
    data["can_create_project"] = permissions.can(request.auth, "create_project", programme)
    return data


def translate_filters(params: QueryDict, programme: Programme) -> QueryDict:
    """The API names categories and districts by code; ProjectFilter takes ids."""
    data = params.copy()
    errors = {}
    if data.get("category"):
        category = programme.categories.filter(code=data["category"]).first()
        if category is None:
            errors["category"] = [_("未知的项目类别：%(code)s") % {"code": data["category"]}]
        else:
            data["category"] = str(category.pk)
    if data.get("district"):
        region = (
            programme_regions(programme)
            .filter(Q(code=data["district"]) | Q(name=data["district"]))
            .first()
        )
        if region is None:
            errors["district"] = [_("未知的县(市、区)：%(codes)s") % {"codes": data["district"]}]
        else:
            data["district"] = str(region.pk)
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/projects", response={200: ProjectPage, **READ_ERRORS}, tags=["projects"])
def list_projects(request, filters: Query[ProjectQuery]):
    """项目台账（与台账页面同一筛选） / The ledger, filtered exactly like the ledger page.

    Outsiders (in no programme) get an empty page."""
    user = request.auth
    programme = programme_for(user, filters.programme)
    if programme is None:
        return {"count": 0, "items": []}
    base = Project.objects.restrict(user).filter(programme=programme)
    project_filter = ProjectFilter(
        translate_filters(request.GET, programme), queryset=base, programme=programme
    )
    if not project_filter.is_valid():
        raise ValidationError({k: list(v) for k, v in project_filter.errors.items()})
    qs = project_filter.qs
    qs = qs.order_by(*(qs.query.order_by or Project._meta.ordering), "pk")  # stable pages
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    page = with_relations(qs)[start : start + filters.page_size]
    return {"count": count, "items": [project_item(p) for p in page]}


@router.get(
    "/projects/{int:project_id}", response={200: ProjectDetail, **READ_ERRORS}, tags=["projects"]
)
def get_project(request, project_id: int):
    """项目详情；电话仅办公室和本专班可见 / One project; phones for office and own task force."""
    project = permissions.get_project(request.auth, project_id)
    return project_detail(request.auth, load_detail(project.pk))


# --- writing -------------------------------------------------------------------------


def programme_regions(programme: Programme):
    return Region.objects.filter(Q(parent=programme.region_id) | Q(pk=programme.region_id))


def model_data(programme: Programme, fields: dict) -> dict:
    """Client values → model values: codes and ids resolved within `programme`."""
    data = dict(fields)
    errors: dict[str, list[str]] = {}
    if "category" in data:
        category = programme.categories.filter(code=data["category"] or "").first()
        if category is None:
            errors["category"] = [_("未知的项目类别：%(code)s") % {"code": data["category"]}]
        data["category"] = category
    if "districts" in data:
        values = data["districts"] or []
        regions = list(programme_regions(programme).filter(Q(code__in=values) | Q(name__in=values)))
        known = {r.code for r in regions} | {r.name for r in regions}
        unknown = [v for v in values if v not in known]
        if unknown:
            errors["districts"] = [_("未知的县(市、区)：%(codes)s") % {"codes": "、".join(unknown)}]
        data["districts"] = regions
    units = {
        "owner": Q(kind=Unit.Kind.ENTERPRISE),
        "responsible_unit": ~Q(kind=Unit.Kind.ENTERPRISE),
    }
    for field, condition in units.items():
        if data.get(field) is not None:
            unit = Unit.objects.filter(condition, pk=data[field]).first()
            if unit is None:
                errors[field] = [_("未知的单位 ID：%(id)s") % {"id": data[field]}]
            data[field] = unit
    for field in ("total_investment", "completed_investment", "annual_investment"):
        if field in data:
            data[field] = exact(data[field], 2)
    for field in ("longitude", "latitude"):
        if field in data:
            data[field] = exact(data[field], 6)
    if errors:
        raise ValidationError(errors)
    return data


@router.post("/projects", response={201: ProjectDetail, **WRITE_ERRORS}, tags=["projects"])
def create_project(request, payload: ProjectCreate):
    """新建项目（办公室） / Create a project (programme office).

    Completed investment above total is accepted with a warning in `warnings`."""
    user = request.auth
    programme = permissions.get_programme(user, payload.programme, "create_project")
    fields = payload.model_dump(exclude_unset=True, exclude={"programme", "reason"})
    project = services.create_project(
        programme, model_data(programme, fields), by=user, reason=payload.reason
    )
    return Status(201, project_detail(user, load_detail(project.pk)))


@router.patch(
    "/projects/{int:project_id}", response={200: ProjectDetail, **WRITE_ERRORS}, tags=["projects"]
)
def update_project(request, project_id: int, payload: ProjectPatch):
    """修改项目的部分字段；须提交读取时的 version，过期则 409。
    / Change some fields; send the `version` you read (409 if someone saved since)."""
    user = request.auth
    project = permissions.get_project(user, project_id, "change")
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "reason"})
    project = services.update_project(
        project,
        model_data(project.programme, fields),
        by=user,
        expected_version=payload.version,
        reason=payload.reason,
    )
    return project_detail(user, load_detail(project.pk))
