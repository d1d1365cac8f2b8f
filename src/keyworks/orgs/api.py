"""Who am I, and the reference lists (regions, units) clients need to fill a project."""

from django.db.models import Q
from ninja import Field, Query, Router, Schema

from keyworks.core.schemas import BadRequestOut

from .models import Region, RoleAssignment, Unit
from .roles import is_superuser, programme_ids

router = Router()

# Field descriptions in the OpenAPI schema are plain Chinese, not messages: pydantic turns
# them into text once, when the schemas are built, so they cannot follow each request.


class Error(Schema):
    detail: str


class UnitRef(Schema):
    id: int
    name: str


class RoleOut(Schema):
    programme: str = Field(description="计划代码")
    role: str
    role_label: str
    task_force: int | None = Field(description="专班 ID")
    project: int | None = Field(description="该专班的项目 ID")
    region: str | None = Field(description="区划代码")
    unit: int | None = Field(description="部门 ID")


class MeOut(Schema):
    username: str
    full_name: str
    title: str
    unit: UnitRef | None
    roles: list[RoleOut]


class RegionOut(Schema):
    id: int
    code: str | None
    name: str
    kind: str
    kind_label: str
    parent: str | None = Field(description="上级区划代码")


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    credit_code: str
    region: str | None = Field(description="所在区域代码")


class RegionQuery(Schema):
    parent: str | None = Field(None, description="上级区划代码")


class UnitQuery(Schema):
    kind: str | None = Field(None, description=" | ".join(Unit.Kind.values))
    q: str | None = Field(None, description="名称、简称或信用代码")


def in_a_programme(user) -> bool:
    """Reference lists are for people in at least one programme; outsiders get []."""
    return is_superuser(user) or bool(programme_ids(user))


@router.get("/me", response={200: MeOut, 400: BadRequestOut, 401: Error}, tags=["me"])
def me(request):
    """当前用户及其角色 / The signed-in user and their roles."""
    user = request.auth
    assignments = (
        RoleAssignment.objects.filter(user=user)
        .select_related("programme", "region", "task_force__project")
        .order_by("programme__code", "role", "pk")
    )
    roles = []
    for a in assignments:
        project = getattr(a.task_force, "project", None) if a.task_force_id else None
        roles.append(
            {
                "programme": a.programme.code,
                "role": a.role,
                "role_label": a.get_role_display(),
                "task_force": a.task_force_id,
                "project": project.pk if project else None,
                "region": a.region.code if a.region_id else None,
                "unit": a.unit_id,
            }
        )
    unit = user.unit
    return {
        "username": user.get_username(),
        "full_name": user.full_name,
        "title": user.title,
        "unit": {"id": unit.pk, "name": unit.name} if unit else None,
        "roles": roles,
    }


@router.get(
    "/regions", response={200: list[RegionOut], 400: BadRequestOut, 401: Error}, tags=["reference"]
)
def list_regions(request, filters: Query[RegionQuery]):
    """行政区域（可按上级代码筛选） / Regions, optionally the children of `parent`."""
    if not in_a_programme(request.auth):
        return []
    regions = Region.objects.select_related("parent").order_by("sort", "code", "name", "pk")
    if filters.parent:
        regions = regions.filter(parent__code=filters.parent)
    return [
        {
            "id": r.pk,
            "code": r.code,
            "name": r.name,
            "kind": r.kind,
            "kind_label": r.get_kind_display(),
            "parent": r.parent.code if r.parent_id else None,
        }
        for r in regions
    ]


@router.get(
    "/units", response={200: list[UnitOut], 400: BadRequestOut, 401: Error}, tags=["reference"]
)
def list_units(request, filters: Query[UnitQuery]):
    """单位（部门、县区政府、企业…） / Units: departments, district offices, enterprises…"""
    if not in_a_programme(request.auth):
        return []
    units = Unit.objects.select_related("region").order_by("kind", "name", "pk")
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        units = units.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(credit_code__iexact=q)
        )
    return [
        {
            "id": u.pk,
            "name": u.name,
            "short_name": u.short_name,
            "kind": u.kind,
            "kind_label": u.get_kind_display(),
            "credit_code": u.credit_code,
            "region": u.region.code if u.region_id else None,
        }
        for u in units
    ]
