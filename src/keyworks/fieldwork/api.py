"""Field work over JSON: progress updates (/api/updates) and on-site verification visits
(/api/visits). Same rules as the pages (`permissions.py`): outsiders get 404, a role that may
read but not act gets 403. Photos are sent as multipart to `…/photos`."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from keyworks.core.schemas import READ_ERRORS, WRITE_ERRORS, Version
from keyworks.ledger.permissions import choose_programme, get_project

from . import permissions, services
from .models import ProgressUpdate, Visit, VisitStatus

router = Router()

# Field descriptions in the OpenAPI schema are plain Chinese, not messages: pydantic turns
# them into text once, when the schemas are built, so they cannot follow each request.
MAX_PAGE_SIZE = 500


class ProjectRef(Schema):
    id: int
    seq: int
    name: str


class PhotoOut(Schema):
    id: int
    url: str
    taken_at: datetime.datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    flags: list[str] = Field([], description="核验照片的标记原因")


class UpdateOut(Schema):
    id: int
    project: ProjectRef
    text: str
    percent_complete: int
    problems_noticed: str
    raised_problem: int | None = Field(description="由此提出的问题 ID")
    posted_by: str
    posted_at: datetime.datetime
    photos: list[PhotoOut]


class UpdatePage(Schema):
    count: int
    items: list[UpdateOut]


class UpdateIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    project: int = Field(description="项目 ID")
    text: str = Field(max_length=5000)
    percent_complete: int = Field(ge=0, le=100)
    problems_noticed: str = Field("", max_length=5000)


class VisitOut(Schema):
    id: int
    project: ProjectRef
    month: datetime.date
    visit_date: datetime.date
    people: str
    verified_investment: Decimal = Field(description="核实年度累计完成投资（万元）")
    verified_percent: int | None
    findings: str
    reported_investment: Decimal | None = Field(description="月报年度累计（万元）")
    gap_percent: Decimal | None
    threshold_percent: Decimal
    status: str = Field(description=" | ".join(VisitStatus.values))
    status_label: str
    resolution_note: str
    resolved_at: datetime.datetime | None
    recorded_by: str
    version: int
    photos: list[PhotoOut]


class VisitPage(Schema):
    count: int
    items: list[VisitOut]


class VisitIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    project: int = Field(description="项目 ID")
    month: datetime.date = Field(description="核验月份（任一日）")
    visit_date: datetime.date
    people: str = Field(max_length=200)
    verified_investment: Decimal = Field(description="万元，截至当月末的年度累计")
    verified_percent: int | None = Field(None, ge=0, le=100)
    findings: str = Field("", max_length=10000)


class ResolveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(max_length=5000)
    version: Version | None = Field(None, description="the version you read; 409 if stale")


class ListQuery(Schema):
    programme: str | None = Field(None, description="计划代码")
    project: int | None = Field(None, description="项目 ID")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class VisitQuery(ListQuery):
    status: str | None = Field(None, description=" | ".join(VisitStatus.values))


def user_name(user) -> str:
    return user.full_name or user.username


def project_ref(project) -> dict:
    return {"id": project.pk, "seq": project.seq, "name": project.name}


def photo_out(photo, url_name: str, owner_pk: int) -> dict:
    return {
        "id": photo.pk,
        "url": reverse(url_name, args=[owner_pk, photo.pk]),
        "taken_at": photo.taken_at,
        "latitude": photo.latitude,
        "longitude": photo.longitude,
        "flags": getattr(photo, "flags", []),
    }


def update_out(update: ProgressUpdate) -> dict:
    return {
        "id": update.pk,
        "project": project_ref(update.project),
        "text": update.text,
        "percent_complete": update.percent_complete,
        "problems_noticed": update.problems_noticed,
        "raised_problem": update.raised_problem_id,
        "posted_by": user_name(update.posted_by),
        "posted_at": update.posted_at,
        "photos": [photo_out(p, "fieldwork:update_photo", update.pk) for p in update.photos.all()],
    }


def visit_out(visit: Visit) -> dict:
    return {
        "id": visit.pk,
        "project": project_ref(visit.project),
        "month": visit.month,
        "visit_date": visit.visit_date,
        "people": visit.people,
        "verified_investment": visit.verified_investment,
        "verified_percent": visit.verified_percent,
        "findings": visit.findings,
        "reported_investment": visit.reported_investment,
        "gap_percent": visit.gap_percent,
        "threshold_percent": visit.threshold_percent,
        "status": visit.status,
        "status_label": visit.get_status_display(),
        "resolution_note": visit.resolution_note,
        "resolved_at": visit.resolved_at,
        "recorded_by": user_name(visit.recorded_by),
        "version": visit.version,
        "photos": [photo_out(p, "fieldwork:visit_photo", visit.pk) for p in visit.photos.all()],
    }


def _page(qs, query: ListQuery, out) -> dict:
    count = qs.count()
    start = (query.page - 1) * query.page_size
    return {"count": count, "items": [out(o) for o in qs[start : start + query.page_size]]}


def _in_programme(user, qs, query: ListQuery):
    programme = choose_programme(user, query.programme)
    if programme is None:
        return qs.none()
    qs = qs.filter(project__programme=programme)
    if query.project is not None:
        qs = qs.filter(project_id=query.project)
    return qs


# --- progress updates -------------------------------------------------------------------


@router.get("/updates", response={200: UpdatePage, **READ_ERRORS}, tags=["fieldwork"])
def list_updates(request, query: Query[ListQuery]):
    """进度更新（最新在前），本计划所有人可读 / Progress updates, newest first."""
    qs = _in_programme(request.auth, ProgressUpdate.objects.restrict(request.auth), query)
    qs = qs.select_related("project", "posted_by").prefetch_related("photos")
    return _page(qs, query, update_out)


@router.get(
    "/updates/{int:update_id}", response={200: UpdateOut, **READ_ERRORS}, tags=["fieldwork"]
)
def get_update(request, update_id: int):
    """一条进度更新 / One progress update."""
    return update_out(permissions.get_update(request.auth, update_id))


@router.post("/updates", response={201: UpdateOut, **WRITE_ERRORS}, tags=["fieldwork"])
def post_update(request, payload: UpdateIn):
    """本项目专班填报进度更新（照片另传） / The project's task force posts an update."""
    user = request.auth
    project = get_project(user, payload.project)
    update = services.post_update(project, payload.model_dump(exclude={"project"}), by=user)
    return Status(201, update_out(permissions.get_update(user, update.pk)))


@router.post(
    "/updates/{int:update_id}/photos",
    response={201: UpdateOut, **WRITE_ERRORS},
    tags=["fieldwork"],
)
def add_update_photos(request, update_id: int, photos: File[list[UploadedFile]]):
    """为进度更新追加照片（multipart，字段名 photos） / Add photos to an update."""
    user = request.auth
    update = permissions.get_update(user, update_id)
    if update.posted_by_id != user.pk:
        raise PermissionDenied(_("只能为自己填报的更新追加照片"))
    services.add_update_photos(update, photos, by=user)
    return Status(201, update_out(permissions.get_update(user, update.pk)))


# --- visits -----------------------------------------------------------------------------


@router.get("/visits", response={200: VisitPage, **READ_ERRORS}, tags=["fieldwork"])
def list_visits(request, query: Query[VisitQuery]):
    """实地核验记录（办公室、领导、督导、本项目专班可读）；status=disputed 为争议清单
    / Verification visits; status=disputed lists the disputes."""
    qs = _in_programme(request.auth, Visit.objects.restrict(request.auth), query)
    if query.status:
        qs = qs.filter(status=query.status)
    qs = qs.select_related("project", "recorded_by").prefetch_related("photos")
    return _page(qs, query, visit_out)


@router.get("/visits/{int:visit_id}", response={200: VisitOut, **READ_ERRORS}, tags=["fieldwork"])
def get_visit(request, visit_id: int):
    """一次实地核验 / One verification visit."""
    return visit_out(permissions.get_visit(request.auth, visit_id))


@router.post("/visits", response={201: VisitOut, **WRITE_ERRORS}, tags=["fieldwork"])
def record_visit(request, payload: VisitIn):
    """督导或办公室记录实地核验；差异超过阈值即为争议 / Record a visit (inspector, office)."""
    user = request.auth
    project = get_project(user, payload.project)
    visit = services.record_visit(project, payload.model_dump(exclude={"project"}), by=user)
    return Status(201, visit_out(permissions.get_visit(user, visit.pk)))


@router.post(
    "/visits/{int:visit_id}/photos", response={201: VisitOut, **WRITE_ERRORS}, tags=["fieldwork"]
)
def add_visit_photos(request, visit_id: int, photos: File[list[UploadedFile]]):
    """追加核验照片（multipart，字段名 photos）；不合规的照片被标记而非拒收
    / Add photos; those out of the window or too far away are flagged, not refused."""
    user = request.auth
    visit = permissions.get_visit(user, visit_id)
    services.add_visit_photos(visit, photos, by=user)
    return Status(201, visit_out(permissions.get_visit(user, visit.pk)))


@router.post(
    "/visits/{int:visit_id}/resolve", response={200: VisitOut, **WRITE_ERRORS}, tags=["fieldwork"]
)
def resolve_visit(request, visit_id: int, payload: ResolveIn):
    """办公室处理争议（须填写意见） / The office resolves a dispute with a note."""
    user = request.auth
    visit = permissions.get_visit(user, visit_id, "resolve")
    services.resolve_dispute(visit, payload.note, by=user, expected_version=payload.version)
    return visit_out(permissions.get_visit(user, visit.pk))
