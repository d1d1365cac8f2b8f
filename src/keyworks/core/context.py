"""Template context shared by every page."""

from django.conf import settings


def site(request):
    from keyworks.orgs import access

    user = getattr(request, "user", None)
    return {
        "site_name": "重点项目指挥调度平台",
        "site_name_en": "keyworks",
        "debug": settings.DEBUG,
        "nav_office": bool(user and user.is_authenticated and access.is_office_anywhere(user)),
    }
