"""Who may see and do what in rankings: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from keyworks.ledger.models import Programme
from keyworks.ledger.permissions import can, choose_programme
from keyworks.orgs.roles import is_active_user, is_office

# --- rankings ----------------------------------------------------------------
# Rankings (rankings/): everyone in the programme reads the bi-monthly rankings and their
# exports; only the office edits the scoring scheme and publishes (freezes) a period.


def can_view_rankings(user, programme: Programme) -> bool:
    return can(user, "view", programme)


def can_manage_rankings(user, programme: Programme) -> bool:
    if not is_active_user(user):
        return False
    return is_office(user, programme.pk)


def require_manage_rankings(user, programme: Programme) -> None:
    if not can_manage_rankings(user, programme):
        raise PermissionDenied(_("只有指挥部办公室可以修改计分方案或发布排名"))


def rankings_programme(user, code: str | None, action: str = "view") -> Programme:
    """The programme for a rankings page or endpoint: 404 outside it, 403 if the user may
    read but not `action` ("view" or "manage")."""
    programme = choose_programme(user, code)
    if programme is None or not can_view_rankings(user, programme):
        raise Http404(_("项目计划不存在"))
    if action == "manage":
        require_manage_rankings(user, programme)
    elif action != "view":
        raise ValueError(f"unknown rankings action {action!r}")
    return programme
