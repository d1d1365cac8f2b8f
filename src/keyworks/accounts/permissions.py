"""The platform's three administrators (三员分立): each page is for one of them only."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from keyworks.orgs.models import PlatformRole
from keyworks.orgs.roles import has_platform_role

LABELS = dict(PlatformRole.choices)


def require_platform_role(user, role: str) -> None:
    if not has_platform_role(user, role):
        raise PermissionDenied(_("仅%(label)s可以使用此页面") % {"label": LABELS[role]})
