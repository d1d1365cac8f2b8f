"""Who may see and do what in people: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from keyworks.ledger.models import Programme
from keyworks.ledger.permissions import can
from keyworks.orgs.models import RoleAssignment
from keyworks.orgs.roles import is_superuser

# --- people --------------------------------------------------------------------------
# An office manages the people of its own programme only. An account belongs to one
# programme (User.home_programme): only that programme's office changes its name,
# password and active flag. An office gives roles in its programme to its own accounts
# and to people already holding a role there; it never reaches an account of another
# programme, even by guessing its id.


def programme_people(programme: Programme) -> QuerySet:
    """The accounts an office sees: those it owns and those holding a role in it."""
    from keyworks.orgs.models import User

    members = RoleAssignment.objects.filter(programme=programme).values("user_id")
    return User.objects.filter(Q(home_programme=programme) | Q(pk__in=members))


def can_manage_account(user, person, programme: Programme) -> bool:
    """May `user` change `person`'s account fields, working in `programme`?"""
    if not can(user, "manage_people", programme):
        return False
    return is_superuser(user) or person.home_programme_id == programme.pk


def require_manage_account(user, person, programme: Programme) -> None:
    if not can_manage_account(user, person, programme):
        raise PermissionDenied(
            _("该账号由其他项目计划管理，本计划只能分配或撤销其在本计划中的角色")
        )
