"""Who may see and do what in factors: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.utils.translation import gettext as _

from keyworks.core.permissions import fetch, restriction
from keyworks.ledger.models import Project
from keyworks.orgs.roles import (
    is_active_user,
    is_district_of,
    is_office,
    is_own_task_force,
    own_unit_ids,
)

from .models import FactorItem

# --- factors -----------------------------------------------------------------
# Factor guarantees (要素保障清单). Everyone in a programme reads every item; the office
# edits all items, a task force its own projects', a district coordinator those of projects
# in its district; users of an item's responsible unit update only what is secured (and
# the note).

FACTOR_SECURED_FIELDS = frozenset({"secured", "note"})


@restriction(FactorItem)
def restrict_factor_items(items, user, action: str = "view"):
    """view: the items of the projects the user may read (the list, the export, the API)."""
    if action != "view":
        raise ValueError(f"unknown factor list action {action!r}")
    return items.filter(project__in=Project.objects.restrict(user))


def can_edit_factors(user, project: Project) -> bool:
    """Add items to `project` and change every field of its items."""
    if not is_active_user(user) or project.is_archived:
        return False
    return (
        is_office(user, project.programme_id)
        or is_own_task_force(user, project)
        or is_district_of(user, project)
    )


def factor_fields(user, item) -> frozenset[str] | None:
    """The fields of `item` the user may change: None means all, empty means none."""
    project = item.project
    if can_edit_factors(user, project):
        return None
    if not is_active_user(user) or project.is_archived:
        return frozenset()
    if item.responsible_unit_id and item.responsible_unit_id in own_unit_ids(
        user, project.programme_id
    ):
        return FACTOR_SECURED_FIELDS
    return frozenset()


def can_change_factor(user, item) -> bool:
    fields = factor_fields(user, item)
    return fields is None or bool(fields)


def get_factor_item(user, pk, action: str = "view"):
    """Fetch a factor item: 404 if the user cannot see it, 403 if it may not `change` it."""
    return fetch(
        FactorItem.objects.restrict(user).select_related(
            "project", "project__programme", "responsible_unit"
        ),
        pk=pk,
        allowed=lambda item: action != "change" or can_change_factor(user, item),
        not_found=_("要素保障事项不存在"),
        denied=_("您没有权限修改该要素保障事项"),
    )
