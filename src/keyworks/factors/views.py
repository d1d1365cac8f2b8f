"""Factor guarantee pages. Thin: parse input, call access/services, render."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from keyworks.coordination.views import add_errors
from keyworks.core.calendar import local_today
from keyworks.core.filters import bad_filter
from keyworks.core.sheets import XLSX_CONTENT_TYPE
from keyworks.ledger.permissions import get_project, require
from keyworks.ledger.programmes import current_programme

from . import services
from .excel_export import write_factors_xlsx
from .filters import FactorFilter, programme_base
from .forms import FactorItemForm
from .permissions import can_edit_factors, factor_fields, get_factor_item


def filtered_items(request, programme) -> FactorFilter:
    return FactorFilter(
        request.GET, queryset=programme_base(request.user, programme), programme=programme
    )


@login_required
def factor_list(request):
    programme = current_programme(request)
    factor_filter = filtered_items(request, programme)
    today = local_today()
    items = factor_filter.rows()
    for item in items:
        item.overdue = item.is_overdue(factor_filter.day)
    query = request.GET.copy()
    context = {
        "filter": factor_filter,
        "items": items,
        "totals": services.totals_by_kind(items),
        "today": today,
        "as_of": factor_filter.as_of_date,
        "query": query.urlencode(),
    }
    template = "factors/factor_list.html"
    if request.htmx and request.htmx.target == "factor-table":
        template += "#factor-table"
    # A bad filter value (an as-of day outside the calendar) is shown on its field: 400.
    return render(request, template, context, status=200 if factor_filter.is_valid() else 400)


@login_required
def factor_export(request):
    programme = current_programme(request)
    require(request.user, "export", programme)
    factor_filter = filtered_items(request, programme)
    if not factor_filter.is_valid():
        return bad_filter(factor_filter.form)
    day = factor_filter.day
    buffer = io.BytesIO()
    write_factors_xlsx(programme, factor_filter.rows(), buffer, today=day)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name = _("要素保障清单-%(code)s-%(date)s.xlsx") % {
        "code": programme.code,
        "date": f"{day:%Y%m%d}",
    }
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def item_create(request, project_pk):
    project = get_project(request.user, project_pk)
    if not can_edit_factors(request.user, project):
        raise PermissionDenied(_("您没有权限为该项目填报要素保障"))
    form = FactorItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_item(project, form.changes(), by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("要素保障事项已添加"))
            return redirect("ledger:project_detail", pk=project.pk)
    context = {"form": form, "project": project, "programme": project.programme, "item": None}
    return render(request, "factors/item_form.html", context)


@login_required
def item_edit(request, pk):
    item = get_factor_item(request.user, pk, "change")
    fields = factor_fields(request.user, item)
    initial = {"version": item.version}
    form = FactorItemForm(request.POST or None, instance=item, initial=initial, fields=fields)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        try:
            # The form filled `item` in place; services reload it under lock.
            services.update_item(item, form.changes(), by=request.user, expected_version=version)
        except services.ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("要素保障事项已保存"))
            return redirect("ledger:project_detail", pk=item.project_id)
    context = {
        "form": form,
        "project": item.project,
        "programme": item.project.programme,
        "item": item,
        "secured_only": fields is not None,
    }
    return render(request, "factors/item_form.html", context)
