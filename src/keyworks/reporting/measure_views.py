"""The measures page (考核指标与预警): programme figures, rollups and per-project lights,
plus the office's pause/resume actions. Thin: parse, access, compute, render."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyworks.core import calendar
from keyworks.ledger.permissions import get_project
from keyworks.ledger.programmes import current_programme
from keyworks.orgs.roles import is_office

from . import lights as lights_module
from . import services
from .measures import default_month, project_measures, rollup
from .models import WarningRules
from .permissions import can_view_measures

PAGE_SIZE = 50


def parse_month(value: str | None, programme) -> datetime.date:
    """The month asked for, else the programme's default; a bad or far month answers 400."""
    return calendar.page_month(value, lambda: default_month(programme))


@login_required
def measures_page(request):
    programme = current_programme(request)
    if not can_view_measures(request.user, programme):
        raise PermissionDenied(_("您没有权限查看考核指标"))
    month = parse_month(request.GET.get("month"), programme)
    measures = project_measures(programme, month)
    lights = lights_module.project_lights(programme, month, measures=measures)
    may_pause = is_office(request.user, programme.pk)
    light = request.GET.get("light") or ""
    if light and light not in lights_module.COLORS:
        raise Http404(_("未知的预警灯"))
    query = (request.GET.get("q") or "").strip()
    chosen = [
        pk
        for pk, m in measures.items()
        if (not light or lights[pk].color == light) and (not query or query in m.name)
    ]
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"m": measures[pk], "light": lights[pk], "hex": lights_module.HEX[lights[pk].color]}
        for pk in page.object_list
    ]
    others = request.GET.copy()
    others.pop("page", None)
    totals = rollup(measures, "programme")
    context = {
        "month": month,
        "previous": calendar.previous_month(month),
        "following": calendar.next_month(month),
        "total": totals[0] if totals else None,
        "by_category": rollup(measures, "category"),
        "by_district": rollup(measures, "district"),
        "rows": rows,
        "page": page,
        "light": light,
        "q": query,
        "querystring": others.urlencode(),
        "light_counts": lights_module.count_lights(lights),
        "light_labels": lights_module.LABELS,
        "rules": WarningRules.for_programme(programme),
        "may_pause": may_pause,
    }
    return render(request, "reporting/measures.html", context)


@login_required
@require_POST
def project_pause(request, pk, action):
    if action not in {"pause", "resume"}:
        raise Http404()
    project = get_project(request.user, pk)
    try:
        if action == "pause":
            review = request.POST.get("review_date") or None
            review_date = datetime.date.fromisoformat(review) if review else None
            services.pause_project(
                project,
                by=request.user,
                reason=request.POST.get("reason", ""),
                review_date=review_date,
            )
            messages.success(request, _("项目已暂停"))
        else:
            services.resume_project(project, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("项目已恢复"))
    except ValueError:
        messages.error(request, _("复核日期格式错误"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    url = f"{reverse('reporting:measures')}?programme={project.programme.code}"
    if request.POST.get("month"):
        url += f"&month={request.POST['month']}"
    return redirect(url)
