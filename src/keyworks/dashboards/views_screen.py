"""The big screen (大屏) for the meeting room, and the screen links that open it.

Two ways in:
- `/dashboards/screen/`: a signed-in programme member (like the map);
- `/dashboards/screen/<token>/`: a screen link, no login. Its data endpoints (geo, map,
  figures) live under the same token and read the link's programme as
  `ScreenViewer` (a leader's read-only view). No other page accepts the token.
The numbers come from the command dashboard's `command_figures` and the measures rollup
(no second implementation); the map from `views.map_payload` / `views.geo_payload`.
"""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from keyworks.core.calendar import SHANGHAI
from keyworks.ledger.filters import ProjectFilter
from keyworks.ledger.models import Programme, Project
from keyworks.ledger.programmes import current_programme
from keyworks.rankings import services as ranking_services
from keyworks.rankings.periods import Period
from keyworks.reporting import lights as warning_lights
from keyworks.reporting.measures import rollup

from . import js_labels, screen_links, services
from .models import ScreenLink
from .permissions import ScreenViewer, require_manage_screen_links
from .tiles import tiles_config
from .views import cached_json, compact_json, geo_payload, map_payload
from .views_command import command_figures, parse_month

REFRESH_SECONDS = 180
RED_LIMIT = 12


def text(value) -> str | None:
    return None if value is None else str(value)


def yi(value: Decimal | None) -> str | None:
    """万元 → 亿元 with 2 decimals."""
    return None if value is None else str((Decimal(value) / 10000).quantize(Decimal("0.01")))


def ranking(programme, measures) -> dict:
    """The district ranking of the current period (`rankings.services`, published
    snapshot or live), with each district's movement; without one, completion rate by
    district from the measures rollup, best first. Every district (the screen scrolls
    the list). rows: [label, value, movement]."""
    ranked = ranking_services.ranking_for(programme, Period.default(programme))
    tables = [t for t in ranked.tables.get("district", []) if t.rows]
    if tables:
        table = tables[0]
        return {
            "title": f"{table.title} · {ranked.period.label}",
            "unit": _("分"),
            "rows": [[r.label, str(r.total), r.movement_label] for r in table.rows],
        }
    rows = [r for r in rollup(measures, "district") if r.completion_rate is not None]
    rows.sort(key=lambda r: (-r.completion_rate, r.sort_key))
    return {
        "title": _("各县区年度投资完成率排名"),
        "unit": "%",
        "rows": [[r.label, str(r.completion_rate), ""] for r in rows],
    }


def screen_payload(request, programme, month: datetime.date) -> dict:
    """Key figures, ranking, lights and the latest red lights of `programme`."""
    f, measures = command_figures(request, programme, month)
    lights = warning_lights.project_lights(programme, month, measures=measures)
    red = [
        [measures[pk].name, light.reasons[0] if light.reasons else ""]
        for pk, light in lights.items()
        if light.color == warning_lights.RED
    ]
    counts = warning_lights.count_lights(lights)
    return {
        "programme": programme.name,
        "month": f"{month:%Y-%m}",
        "updated": timezone.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "figures": {
            "projects": f["projects"],
            "paused": f["paused"],
            "started": f["started"],
            "new_projects": f["new_projects"],
            "start_rate": text(f["start_rate"]),
            "completed": f["completed"],
            "ytd": yi(f["ytd_completed"]),
            "target": yi(f["annual_target"]),
            "rate": text(f["completion_rate"]),
            "elapsed": text(f["elapsed"]),
            "problems_open": f["problems_open"],
            "problems_overdue": f["problems_overdue"],
            "problems_as_of": f"{f['problems_as_of']:%Y-%m-%d}",
            "report_rate": text(f["report_rate"]),
        },
        "stages": [[str(s["label"]), s["count"]] for s in f["stages"]],
        "lights": [
            [warning_lights.LABELS[c], counts[c], warning_lights.HEX[c]]
            for c in warning_lights.COLORS
        ],
        "ranking": ranking(programme, measures),
        "red": red[:RED_LIMIT],
        "red_total": len(red),
    }


def render_screen(request, programme, urls: dict, *, via_link: bool):
    context = {
        "programme": programme,
        "urls": urls,
        "refresh_seconds": REFRESH_SECONDS,
        "via_link": via_link,
        "map_tiles": tiles_config(),
        "js_labels": js_labels.screen_labels(),
    }
    return render(request, "dashboards/screen.html", context)


# --- signed in -------------------------------------------------------------------------


@login_required
def screen_page(request):
    programme = current_programme(request)
    query = f"?programme={programme.code}"
    urls = {
        "geo": reverse("dashboards:map_geo") + query,
        "map": reverse("dashboards:map_data") + query,
        "data": reverse("dashboards:screen_data") + query,
    }
    return render_screen(request, programme, urls, via_link=False)


@gzip_page  # chart data compresses ~5×; no secrets in it for BREACH to guess
@login_required
def screen_data(request):
    programme = current_programme(request)
    month = parse_month(request.GET.get("month"), programme)
    return cached_json(
        request, programme, "screen", lambda: screen_payload(request, programme, month)
    )


# --- through a screen link (no login) --------------------------------------------------


def as_link_viewer(request, token: str):
    """The link's programme, with request.user the read-only viewer; 404 if the token is
    unknown or revoked."""
    link = screen_links.link_for_token(token)
    if link is None:
        raise Http404(_("大屏链接无效或已撤销"))
    request.user = ScreenViewer(link.programme)
    return link.programme


@never_cache
@xframe_options_sameorigin
def link_page(request, token):
    programme = as_link_viewer(request, token)
    urls = {
        "geo": reverse("dashboards:screen_link_geo", args=[token]),
        "map": reverse("dashboards:screen_link_map", args=[token]),
        "data": reverse("dashboards:screen_link_data", args=[token]),
    }
    return render_screen(request, programme, urls, via_link=True)


@never_cache
def link_geo(request, token):
    return compact_json(geo_payload(as_link_viewer(request, token)))


@never_cache
def link_map(request, token):
    programme = as_link_viewer(request, token)
    base = Project.objects.restrict(request.user).filter(programme=programme)
    qs = ProjectFilter(QueryDict(), queryset=base, programme=programme).qs
    return cached_json(request, programme, "map", lambda: map_payload(programme, qs))


@never_cache
def link_data(request, token):
    programme = as_link_viewer(request, token)
    month = parse_month(None, programme)
    return cached_json(
        request, programme, "screen", lambda: screen_payload(request, programme, month)
    )


# --- managing links (office) -----------------------------------------------------------


@login_required
def links_page(request):
    programme = current_programme(request)
    require_manage_screen_links(request.user, programme)
    context = {
        "links": ScreenLink.objects.filter(programme=programme).select_related("created_by"),
        "new_url": request.session.pop("screen_link_url", None),
    }
    return render(request, "dashboards/screen_links.html", context)


@require_POST
@login_required
def link_create(request):
    programme = current_programme(request)
    _link, raw = services.create_screen_link(
        programme, request.POST.get("name", ""), by=request.user
    )
    url = request.build_absolute_uri(reverse("dashboards:screen_link", args=[raw]))
    request.session["screen_link_url"] = url  # shown once on the next page
    messages.success(request, _("已创建大屏链接"))
    return redirect(f"{reverse('dashboards:screen_links')}?programme={programme.code}")


@require_POST
@login_required
def link_revoke(request, pk):
    link = get_object_or_404(
        ScreenLink.objects.select_related("programme").filter(
            programme__in=Programme.objects.restrict(request.user)
        ),
        pk=pk,
    )
    services.revoke_screen_link(link, by=request.user)  # 403 unless the office
    messages.success(request, _("已撤销大屏链接"))
    return redirect(f"{reverse('dashboards:screen_links')}?programme={link.programme.code}")
