"""The programme a page shows: chosen by ?programme=CODE, remembered in the session, and
put on the request for the page context (the programme switcher, the demo banner)."""

from django.http import Http404
from django.utils.translation import gettext as _

from .models import Programme
from .permissions import choose_programme


def current_programme(request) -> Programme:
    """The programme chosen by ?programme=CODE, else the last one used, else the newest."""
    code = request.GET.get("programme")
    if not code and request.session.get("programme"):
        remembered = request.session["programme"]
        code = (
            remembered
            if Programme.objects.restrict(request.user).filter(code=remembered).exists()
            else None
        )
    programme = choose_programme(request.user, code)
    if programme is None:
        raise Http404(_("您尚未加入任何项目计划"))
    if request.session.get("programme") != programme.code:
        request.session["programme"] = programme.code  # a session write only on a change
    request.programme = programme  # for the page context (portal.context.site)
    return programme
