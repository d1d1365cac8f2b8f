"""Template context shared by every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from keyworks.ledger.models import Programme
from keyworks.orgs.roles import is_leader_anywhere, is_office_anywhere


def site(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "site_name": _("重点项目指挥调度平台"),
        "site_name_en": "keyworks",
        "debug": settings.DEBUG,
        "nav_office": signed_in and is_office_anywhere(user),
        "nav_leader": signed_in and is_leader_anywhere(user),  # 我的批示
        "nav_platform": signed_in and getattr(user, "platform_role", ""),  # 平台管理
        **programme_context(request, user, signed_in),
    }


def programme_context(request, user, signed_in: bool) -> dict:
    """The programme the page shows (set by ledger.programmes.current_programme), the
    programmes to switch to (queried only if the page lists them), and whether the page
    carries the demo banner. A view may still pass its own values.

    A page that shows no one programme (the home page, a task, a visit, one's own
    account…) carries the banner when the user holds a role in a demo programme, so every
    page of the demo says 演示数据; a real deployment, which has no demo programme, never
    does."""
    programme = getattr(request, "programme", None)
    if programme is None:
        if not signed_in:
            return {}
        return {"demo_notice": Programme.objects.restrict(user).filter(is_demo=True).exists()}
    return {
        "programme": programme,
        "programmes": SimpleLazyObject(lambda: Programme.objects.restrict(user)),
        "demo_notice": programme.is_demo,
    }
