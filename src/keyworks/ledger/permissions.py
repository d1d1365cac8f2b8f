"""Who may see and do what in ledger: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from keyworks.core.permissions import DENIED, fetch, restriction
from keyworks.orgs.models import Role
from keyworks.orgs.roles import (
    is_active_user,
    is_district_of,
    is_office,
    is_own_task_force,
    is_superuser,
    own_region_ids,
    own_task_force_ids,
    programme_ids,
)

from .models import Programme, Project

# Fields a district coordinator may change on the projects located in its district.
DISTRICT_FIELDS = frozenset({"address", "longitude", "latitude", "geometry", "district_progress"})
OFFICE_ONLY_FIELDS = frozenset({"programme", "seq", "category", "grade", "task_force", "code"})

# --- rows a user may see -------------------------------------------------------------


@restriction(Programme)
def restrict_programmes(programmes, user, action: str = "view"):
    """view: the programmes the user holds a role in; manage: those whose people, imports
    and change log the user manages (office)."""
    if action not in {"view", "manage"}:
        raise ValueError(f"unknown programme action {action!r}")
    if is_superuser(user):
        return programmes
    roles = (Role.OFFICE,) if action == "manage" else ()
    return programmes.filter(pk__in=programme_ids(user, *roles))


@restriction(Project)
def restrict_projects(projects, user, action: str = "view"):
    """view: everyone in a programme reads its whole ledger; change: the projects the
    user may change at least one field of."""
    if action not in {"view", "change"}:
        raise ValueError(f"unknown project action {action!r}")
    if is_superuser(user):
        return projects
    if action == "view":
        return projects.filter(programme_id__in=programme_ids(user))
    condition = Q(programme_id__in=programme_ids(user, Role.OFFICE)) | Q(
        task_force_id__in=own_task_force_ids(user)
    )
    regions = own_region_ids(user)
    if regions:
        condition |= Q(programme_id__in=programme_ids(user, Role.DISTRICT), districts__in=regions)
    return projects.filter(condition).distinct()


def can_view_project(user, project: Project) -> bool:
    return is_superuser(user) or project.programme_id in programme_ids(user)


def editable_fields(user, project: Project) -> frozenset[str] | None:
    """The ledger fields the user may change on `project`; None means every field."""
    if project.is_archived:
        return frozenset()
    if is_office(user, project.programme_id):
        return None
    fields: set[str] = set()
    if is_own_task_force(user, project):
        fields |= LEDGER_FIELDS - OFFICE_ONLY_FIELDS
    if is_district_of(user, project):
        fields |= DISTRICT_FIELDS
    return frozenset(fields)


def can_view_contacts(user, project: Project) -> bool:
    """Phones: office, and the project's own task force only."""
    return is_office(user, project.programme_id) or is_own_task_force(user, project)


def can(user, action: str, obj) -> bool:
    """May `user` do `action` on `obj` (a Project or a Programme)?"""
    if not is_active_user(user):
        return False
    if isinstance(obj, Project):
        if not can_view_project(user, obj):
            return False
        if action in {"view", "export", "view_history"}:
            return True
        if action == "change":
            fields = editable_fields(user, obj)
            return fields is None or bool(fields)
        if action == "view_contacts":
            return can_view_contacts(user, obj)
        if action in {"change_task_force", "change_milestones", "add_photo"}:
            if obj.is_archived:
                return False
            return is_office(user, obj.programme_id) or is_own_task_force(user, obj)
        if action in {"archive", "restore"}:
            return is_office(user, obj.programme_id)
        raise ValueError(f"unknown project action {action!r}")
    if isinstance(obj, Programme):
        if action in {"view", "export"}:
            return is_superuser(user) or obj.pk in programme_ids(user)
        if action in {"create_project", "import", "manage_people", "view_audit"}:
            return is_office(user, obj.pk)
        raise ValueError(f"unknown programme action {action!r}")
    raise ValueError(f"no rules for {type(obj).__name__}")


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied (403) unless `can`."""
    if not can(user, action, obj):
        raise PermissionDenied(DENIED)


def get_project(user, pk, action: str = "view") -> Project:
    """Fetch a project for `action`: 404 if the user cannot see it, 403 if read-only."""
    return fetch(
        Project.objects.restrict(user).select_related("programme", "task_force"),
        pk=pk,
        allowed=lambda project: can(user, action, project),
        not_found=_("项目不存在"),
    )


def choose_programme(user, code: str | None) -> Programme | None:
    """`code` among the user's programmes (404 if not visible), else their newest one."""
    programmes = Programme.objects.restrict(user)
    if code:
        programme = programmes.filter(code=code).first()
        if programme is None:
            raise Http404(_("项目计划不存在"))
        return programme
    return programmes.order_by("-year", "code").first()


def get_programme(user, code_or_pk, action: str = "view") -> Programme:
    lookup = {"pk": code_or_pk} if str(code_or_pk).isdigit() else {"code": code_or_pk}
    return fetch(
        Programme.objects.restrict(user),
        allowed=lambda programme: can(user, action, programme),
        not_found=_("项目计划不存在"),
        **lookup,
    )


LEDGER_FIELDS = frozenset(
    {
        "programme",
        "seq",
        "name",
        "code",
        "category",
        "grade",
        "stage",
        "districts",
        "address",
        "longitude",
        "latitude",
        "geometry",
        "owner",
        "responsible_unit",
        "task_force",
        "total_investment",
        "completed_investment",
        "annual_investment",
        "planned_start",
        "planned_finish",
        "actual_start",
        "actual_finish",
        "content",
        "annual_target",
        "output_indicators",
        "district_progress",
    }
)
