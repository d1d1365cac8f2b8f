"""Who may see and do what in fieldwork: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

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


def visible_updates(user):
    if is_superuser(user):
        return ProgressUpdate.objects.all()
    return ProgressUpdate.objects.filter(project__programme_id__in=programme_ids(user))


def can_post_update(user, project: Project) -> bool:
    if not is_active_user(user) or project.is_archived:
        return False
    return is_own_task_force(user, project)


def visible_visits(user):
    if is_superuser(user):
        return Visit.objects.all()
    wide = programme_ids(user, *FIELDWORK_VISIT_READERS)
    condition = Q(project__programme_id__in=wide) | Q(
        project__task_force_id__in=own_task_force_ids(user)
    )
    return Visit.objects.filter(condition)


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
    try:
        return (
            visible_updates(user)
            .select_related("project", "project__programme", "posted_by", "raised_problem")
            .get(pk=pk)
        )
    except (ProgressUpdate.DoesNotExist, ValueError, TypeError):
        raise Http404(_("进度更新不存在")) from None


def get_visit(user, pk, action: str = "view"):
    """Fetch a visit: 404 for whoever may not read it, 403 for `resolve` by a non-office."""
    try:
        visit = (
            visible_visits(user)
            .select_related("project", "project__programme", "recorded_by", "resolved_by")
            .get(pk=pk)
        )
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise Http404(_("核验记录不存在")) from None
    if action == "resolve" and not can_resolve_dispute(user, visit):
        raise PermissionDenied(_("只有指挥部办公室可以处理争议"))
    return visit
