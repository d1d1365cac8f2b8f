"""The schedule chart (作战图): page, JSON data and .xlsx export. Thin views.

Who may see it: like the battle map, everyone in the programme (`current_programme`,
`filtered_projects` and `get_project` decide; outsiders get 404).
Filters: the ledger's `ProjectFilter` (category, district, stage) plus `light`.
`?project=<pk>` switches to one project's milestones.
`?page=N` (programme view only): the data endpoint's page of `schedule.PAGE_SIZE`
projects; not a whole number or < 1 → 404, past the end → the last page. Each page's
JSON is cached on its own (`cached_json` keys on the full query string).
"""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from keyworks.ledger.excel_export import XLSX_CONTENT_TYPE
from keyworks.ledger.filters import filtered_projects
from keyworks.ledger.models import Project
from keyworks.ledger.permissions import get_project, require
from keyworks.ledger.programmes import current_programme

from . import js_labels
from . import schedule as schedule_service
from .schedule_xlsx import export_filename, write_schedule_xlsx
from .views import cached_json


def chosen_light(request) -> str | None:
    light = request.GET.get("light") or None
    if light and light not in dict(schedule_service.LIGHT_CHOICES):
        raise Http404(_("预警灯参数无效"))
    return light


def chosen_page(request) -> int:
    """`?page=` of the programme view: 1 when absent, else a whole number ≥ 1 (404)."""
    raw = request.GET.get("page") or "1"
    digits = raw.lstrip("0")
    if not (raw.isascii() and raw.isdigit()) or not digits:
        raise Http404(_("页码无效"))
    # Any page past the end is the last one; no int() of thousands of digits.
    return int(digits) if len(digits) <= 12 else 10**12


def chosen_project(request, programme) -> Project | None:
    pk = request.GET.get("project")
    if not pk:
        return None
    project = get_project(request.user, pk)
    if project.programme_id != programme.pk:
        raise Http404(_("项目不存在"))
    return project


def build(request):
    """(programme, project or None, Schedule) for the request's filters."""
    programme = current_programme(request)
    project = chosen_project(request, programme)
    if project is not None:
        projects = Project.objects.filter(pk=project.pk)
        return programme, project, schedule_service.build_schedule(programme, projects)
    projects = filtered_projects(request, programme).qs
    light = chosen_light(request)
    return programme, None, schedule_service.build_schedule(programme, projects, light=light)


@login_required
def schedule_page(request):
    programme = current_programme(request)
    project = chosen_project(request, programme)
    chosen_light(request)
    if project is None:
        chosen_page(request)
    query = request.GET.copy()
    query.pop("page", None)  # the export is the whole filtered set
    query["programme"] = programme.code
    context = {
        "project": project,
        "filter": filtered_projects(request, programme),
        "lights": schedule_service.LIGHT_CHOICES,
        "light": request.GET.get("light", ""),
        "data_url": reverse("dashboards:schedule_data"),
        "export_url": f"{reverse('dashboards:schedule_export')}?{query.urlencode()}",
        "states": [
            (schedule_service.STATE_LABELS[s], schedule_service.STATE_HEX[s])
            for s in schedule_service.STATES
        ],
        "wide_layout": True,
        "js_labels": js_labels.schedule_labels(),
    }
    return render(request, "dashboards/schedule.html", context)


@gzip_page  # chart data compresses ~5×; no secrets in it for BREACH to guess
@login_required
def schedule_data(request):
    """The chart's rows (see `schedule.payload`; programme view: one page of projects);
    constant queries as the data grows, whichever the page."""
    programme = current_programme(request)
    project = chosen_project(request, programme)  # 404s before anything is reused
    chosen_light(request)
    page = 1 if project is not None else chosen_page(request)

    def payload():
        # Built whole for each page asked for (the axis and totals need every row): keeping
        # the built chart between pages cost more to store than to build again.
        _programme, project, schedule = build(request)
        return schedule_service.payload(schedule, project, page=page)

    return cached_json(request, programme, "schedule", payload)


@login_required
def schedule_export(request):
    programme, _project, schedule = build(request)
    require(request.user, "export", programme)
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)
    write_schedule_xlsx(programme, schedule, buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=export_filename(programme, schedule.today),
        content_type=XLSX_CONTENT_TYPE,
    )
