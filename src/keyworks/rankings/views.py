"""Ranking pages: the period's ranking (tabs per dimension), its exports, publishing and
the scoring scheme. Thin: parse, check access, call services, render."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyworks.ledger.models import Programme
from keyworks.ledger.programmes import current_programme

from . import exports, periods, services
from .forms import SchemeForm
from .models import PARTS, RankingScheme
from .permissions import can_manage_rankings, rankings_programme
from .scoring import DIMENSIONS, NO_VERIFICATION
from .services import own_keys


def _programme(request, action: str = "view"):
    programme = current_programme(request)  # 404 outside every programme
    return rankings_programme(request.user, programme.code, action)


def _ranking(request):
    programme = _programme(request)
    period = periods.choose(request.GET.get("period"), programme)
    return services.ranking_for(programme, period)


PAGE_SIZE = 50


@dataclass
class TableView:
    """One ranking table as a page shows it: its red and black lists, the viewer's own
    rows, and one page of the rows matching the search (the export has every row)."""

    table: object
    page: object
    own: list
    matched: int


def table_views(request, tables, own_keys: set[str]) -> list[TableView]:
    query = (request.GET.get("q") or "").strip()
    number = request.GET.get("page") or 1
    views = []
    for table in tables:
        rows = [r for r in table.rows if query in r.label] if query else table.rows
        page = Paginator(rows, PAGE_SIZE).get_page(number)
        own = [r for r in table.rows if r.key in own_keys]
        views.append(TableView(table, page, own, len(rows)))
    return views


@login_required
def ranking_page(request):
    programme = _programme(request)
    period = periods.choose(request.GET.get("period"), programme)
    tab = request.GET.get("tab") or "task_force"
    if tab not in dict(DIMENSIONS):
        raise Http404(_("未知的排名维度"))
    q = (request.GET.get("q") or "").strip()
    own = own_keys(request.user, tab)
    kept = services.kept_page(
        programme, period, tab, q=q, number=request.GET.get("page") or 1, own=own,
        page_size=PAGE_SIZE,
    )  # fmt: skip
    if kept is not None:
        ranking, views, no_verification = kept
        shown = [TableView(*view) for view in views]
    else:
        ranking = services.ranking_for(programme, period)
        tables = [t for code, _l in DIMENSIONS for t in ranking.tables.get(code, [])]
        shown = table_views(request, ranking.tables.get(tab, []), own)
        no_verification = any(
            p.figure == NO_VERIFICATION for t in tables for r in t.rows for p in r.parts
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "programme": programme,
        "programmes": Programme.objects.restrict(request.user),
        "ranking": ranking,
        "period": ranking.period,
        "periods": periods.periods_of(programme),
        "dimensions": DIMENSIONS,
        "tab": tab,
        "tables": shown,
        "q": q,
        "querystring": query.urlencode(),
        "last_page": max((v.page.paginator.num_pages for v in shown), default=1),
        "parts": [(code, label, ranking.weights[code]) for code, label, _w in PARTS],
        "no_verification": no_verification,
        "previous_label": services.previous_period_label(ranking),
        "title": exports.title(ranking),
        "may_manage": can_manage_rankings(request.user, programme),
    }
    return render(request, "rankings/ranking.html", context)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def export_xlsx(request):
    ranking = _ranking(request)
    return _download(
        exports.write_xlsx(ranking), exports.XLSX_CONTENT_TYPE, exports.filename(ranking, "xlsx")
    )


@login_required
def export_docx(request):
    ranking = _ranking(request)
    return _download(
        exports.write_docx(ranking), exports.DOCX_CONTENT_TYPE, exports.filename(ranking, "docx")
    )


@login_required
@require_POST
def publish(request):
    programme = _programme(request, "manage")
    period = periods.choose(request.POST.get("period"), programme)
    try:
        services.publish(programme, period, by=request.user)
        messages.success(request, _("%(label)s排名已发布") % {"label": period.label})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    query = f"?programme={programme.code}&period={period.code}"
    return redirect(reverse("rankings:ranking") + query)


@login_required
def scheme_page(request):
    programme = _programme(request, "manage")
    scheme = RankingScheme.for_programme(programme)
    form = SchemeForm.for_scheme(scheme, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_scheme(
                programme, values, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except services.ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(None if field == "__all__" else field, errors)
        else:
            messages.success(request, _("计分方案已保存"))
            return redirect(f"{reverse('rankings:scheme')}?programme={programme.code}")
    context = {"programme": programme, "form": form, "scheme": scheme}
    return render(request, "rankings/scheme.html", context, status=400 if form.errors else 200)
