"""Who may see and do what in fieldwork: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.db.models import Q
from django.utils.translation import gettext as _

from keyworks.core.permissions import fetch, restriction
from keyworks.ledger.models import Project
from keyworks.orgs.models import Role
from keyworks.orgs.roles import (
    has_role,
    is_active_user,
    is_office,
    is_own_task_force,
    is_superuser,
    own_task_force_ids,
    programme_ids,
)

from .models import ProgressUpdate, Visit

# --- fieldwork ---------------------------------------------------------------
# Progress updates: everyone in the programme reads them; a task force posts them for its
# own project. On-site visits: inspectors and the office record them; the findings are
# read by office, leaders, inspectors and the project's own task force; only the office
# resolves a dispute and edits the programme's field-work thresholds.

FIELDWORK_VISIT_READERS = {Role.OFFICE, Role.LEADER, Role.INSPECTOR}


@restriction(ProgressUpdate)
def restrict_updates(updates, user, action: str = "view"):
    """view: the progress updates of the programmes the user is in."""
    if action != "view":
        raise ValueError(f"unknown progress update list action {action!r}")
    if is_superuser(user):
        return updates
    return updates.filter(project__programme_id__in=programme_ids(user))


def can_post_update(user, project: Project) -> bool:
    if not is_active_user(user) or project.is_archived:
        return False
    return is_own_task_force(user, project)


@restriction(Visit)
def restrict_visits(visits, user, action: str = "view"):
    """view: the visits whose findings the user may read (office, leaders, inspectors;
    the project's own task force)."""
    if action != "view":
        raise ValueError(f"unknown visit list action {action!r}")
    if is_superuser(user):
        return visits
    wide = programme_ids(user, *FIELDWORK_VISIT_READERS)
    condition = Q(project__programme_id__in=wide) | Q(
        project__task_force_id__in=own_task_force_ids(user)
    )
    return visits.filter(condition)


def can_record_visit(user, project: Project) -> bool:
    if not is_active_user(user) or project.is_archived:
        return False
    return has_role(user, project.programme_id, Role.OFFICE, Role.INSPECTOR)


def can_resolve_dispute(user, visit) -> bool:
    if not is_active_user(user):
        return False
    return is_office(user, visit.project.programme_id)


def get_update(user, pk):
    """Fetch a progress update: 404 outside the programme."""
    return fetch(
        ProgressUpdate.objects.restrict(user).select_related(
            "project", "project__programme", "posted_by", "raised_problem"
        ),
        pk=pk,
        not_found=_("进度更新不存在"),
    )


def get_visit(user, pk, action: str = "view"):
    """Fetch a visit: 404 for whoever may not read it, 403 for `resolve` by a non-office."""
    return fetch(
        Visit.objects.restrict(user).select_related(
            "project", "project__programme", "recorded_by", "resolved_by"
        ),
        pk=pk,
        allowed=lambda visit: action != "resolve" or can_resolve_dispute(user, visit),
        not_found=_("核验记录不存在"),
        denied=_("只有指挥部办公室可以处理争议"),
    )
