"""The month's summary page (月报汇总表) and its Excel export. Thin: parse, access, compute."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from keyworks.core import calendar
from keyworks.core.calendar import local_today
from keyworks.core.sheets import XLSX_CONTENT_TYPE
from keyworks.ledger.models import Programme
from keyworks.ledger.programmes import current_programme

from .measure_views import parse_month
from .permissions import can_view_measures
from .registry import SINCE_START
from .summary import month_summary
from .summary_export import export_filename, write_summary_xlsx

PAGE_SIZE = 100


def _summary(request):
    programme = current_programme(request)
    if not can_view_measures(request.user, programme):
        raise PermissionDenied(_("您没有权限查看月报汇总"))
    month = parse_month(request.GET.get("month"), programme)
    return programme, month_summary(programme, month, user=request.user)


@login_required
def summary_page(request):
    programme, summary = _summary(request)
    rows = [(group, row) for group in summary.groups for row in group.rows]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "programmes": Programme.objects.restrict(request.user),
        "summary": summary,
        "month": summary.month,
        "previous": calendar.previous_month(summary.month),
        "following": calendar.next_month(summary.month),
        "page": page,
        "since_start_figure": SINCE_START,
        "demo_notice": programme.is_demo,
    }
    return render(request, "reporting/summary.html", context)


@login_required
def summary_export(request):
    _programme, summary = _summary(request)
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_summary_xlsx(summary, buffer, today=local_today())
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=export_filename(summary),
        content_type=XLSX_CONTENT_TYPE,
    )  # fmt: skip
