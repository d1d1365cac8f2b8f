"""Who may see and do what in dashboards: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.ledger.models import Programme
from keyworks.orgs.models import Role, RoleAssignment
from keyworks.orgs.roles import is_office

# --- dashboards --------------------------------------------------------------
# The battle map, command dashboard and schedule chart are read by everyone in the
# programme (`current_programme` / `visible_projects`). The big screen can also be opened
# through a screen link (no login): the link stands for a read-only viewer who reads
# the programme as a leader does and can change nothing. Office creates and revokes links.


def can_manage_screen_links(user, programme: Programme) -> bool:
    return getattr(user, "is_authenticated", False) and is_office(user, programme.pk)


def require_manage_screen_links(user, programme: Programme) -> None:
    if not can_manage_screen_links(user, programme):
        raise PermissionDenied(_("只有指挥部办公室可以管理大屏链接"))


class ScreenViewer:
    """The read-only viewer behind a screen link: not a stored user; reads one programme
    like a leader (no writes: every service checks a real role or saves the actor)."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    is_anonymous = False
    pk = id = None
    username = "screen"
    full_name = gettext_lazy("大屏链接")

    def __init__(self, programme: Programme) -> None:
        self._keyworks_roles = [RoleAssignment(programme=programme, role=Role.LEADER)]

    def get_username(self) -> str:
        return self.username
