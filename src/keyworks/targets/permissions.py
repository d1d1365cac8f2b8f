"""Who may see and do what in targets: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from keyworks.core.permissions import fetch, restriction
from keyworks.ledger.models import Project
from keyworks.orgs.models import Role
from keyworks.orgs.roles import (
    has_role,
    is_active_user,
    is_district_of,
    is_office,
    is_own_task_force,
    is_superuser,
    own_region_ids,
    own_task_force_ids,
    programme_ids,
)

from .models import EDITABLE_STATUSES, AnnualTarget, TargetStatus

# --- targets -----------------------------------------------------------------
# Annual targets (年度目标). The project's task force creates, edits, submits and revises;
# the office reviews item by item. Office, leaders, inspectors and departments read the
# whole programme's targets; district coordinators those of projects in their districts;
# a task force its own project's. Anyone else: 404.

TARGET_ACTIONS = frozenset({"view", "create", "edit", "submit", "review", "revise"})
TARGET_WIDE_READ = {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.DEPARTMENT}


def target_projects(user) -> QuerySet[Project]:
    """Projects whose annual targets the user may read."""
    if is_superuser(user):
        return Project.objects.all()
    wide = programme_ids(user, *TARGET_WIDE_READ)
    condition = Q(programme_id__in=wide) | Q(task_force_id__in=own_task_force_ids(user))
    regions = own_region_ids(user)
    if regions:
        condition |= Q(programme_id__in=programme_ids(user, Role.DISTRICT), districts__in=regions)
    return Project.objects.filter(pk__in=Project.objects.filter(condition).values("pk"))


@restriction(AnnualTarget)
def restrict_targets(targets, user, action: str = "view"):
    """view: the target versions a user may open (the list, the API)."""
    if action != "view":
        raise ValueError(f"unknown target list action {action!r}")
    return targets.filter(project__in=target_projects(user))


def can_target(user, action: str, obj) -> bool:
    """May `user` do `action`? `obj` is a Project for "view"/"create", else an AnnualTarget.
    "revise" is asked of the accepted version being revised."""
    if action not in TARGET_ACTIONS:
        raise ValueError(f"unknown target action {action!r}")
    if not is_active_user(user):
        return False
    project = obj if isinstance(obj, Project) else obj.project
    if action == "view":
        if is_superuser(user) or has_role(user, project.programme_id, *TARGET_WIDE_READ):
            return True
        return is_own_task_force(user, project) or is_district_of(user, project)
    if project.is_archived:
        return False
    if action == "review":
        return obj.status == TargetStatus.SUBMITTED and is_office(user, project.programme_id)
    if not is_own_task_force(user, project):
        return False
    if action == "create":
        return True
    if action in {"edit", "submit"}:
        return obj.status in EDITABLE_STATUSES
    return obj.status == TargetStatus.ACCEPTED  # revise


def require_target(user, action: str, obj) -> None:
    if not can_target(user, action, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


def get_target(user, pk, action: str = "view"):
    """Fetch a target version for `action`: 404 if the user cannot see it, 403 if not allowed."""
    return fetch(
        AnnualTarget.objects.restrict(user).select_related(
            "project", "project__programme", "project__task_force"
        ),
        pk=pk,
        allowed=lambda target: can_target(user, action, target),
        not_found=_("年度目标不存在"),
    )


def get_target_project(user, pk, action: str = "view") -> Project:
    """A project on the targets pages: 404 unless the user may read its targets."""
    return fetch(
        target_projects(user).select_related("programme", "task_force"),
        pk=pk,
        allowed=lambda project: can_target(user, action, project),
        not_found=_("项目不存在"),
    )
