"""Template context shared by every page."""

from django.conf import settings

from keyworks.orgs.roles import is_leader_anywhere, is_office_anywhere


def site(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "site_name": "重点项目指挥调度平台",
        "site_name_en": "keyworks",
        "debug": settings.DEBUG,
        "nav_office": signed_in and is_office_anywhere(user),
        "nav_leader": signed_in and is_leader_anywhere(user),  # 我的批示
    }
