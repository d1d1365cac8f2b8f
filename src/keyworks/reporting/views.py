"""Monthly report pages. Thin: parse input, call access/services, render."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keyworks.audit.display import history_rows
from keyworks.audit.models import ChangeRecord
from keyworks.core import calendar
from keyworks.core.forms import add_errors
from keyworks.ledger.permissions import get_project
from keyworks.ledger.programmes import current_programme

from . import services
from .forms import CommentForm, ReasonForm, ReportForm
from .measure_views import parse_month
from .measures import MISSING, project_measures
from .models import CorrectionRequest, MonthlyReport
from .permissions import (
    can_report,
    get_report,
    report_importable_projects,
    reportable_projects,
    visible_reports,
)

PAGE_SIZE = 50


@login_required
def report_list(request):
    programme = current_programme(request)
    month = parse_month(request.GET.get("month"), programme)  # default: last month, in the year
    projects = (
        reportable_projects(request.user)
        .filter(programme=programme, archived_at__isnull=True)
        .select_related("programme")
        .order_by("seq", "id")
    )
    reports = {
        r.project_id: r for r in MonthlyReport.objects.filter(project__in=projects, month=month)
    }
    due = services.due_at(programme, month)
    future = month > calendar.first_of_month(calendar.local_today())
    # Missing, late and paused as the measures say (reporting.registry): one definition.
    measures = project_measures(programme, month)
    rows = []
    for project in projects:
        report = reports.get(project.pk)
        m = measures.get(project.pk)
        paused = bool(m and m.paused)
        missing = bool(m and not paused and m.report == MISSING)
        rows.append({"project": project, "report": report, "missing": missing, "paused": paused})
    measured = [r for r in rows if not r["paused"]]
    # The counts cover every row; a page shows 50 (a province has thousands of projects).
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["can_start"] = (
            row["report"] is None
            and not future
            and can_report(request.user, "edit", MonthlyReport(project=row["project"]))
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "month": month,
        "previous": calendar.previous_month(month),
        "following": calendar.next_month(month),
        "due": due,
        "rows": page.object_list,
        "page": page,
        "querystring": query.urlencode(),
        "counts": {
            "measured": len(measured),
            "paused": len(rows) - len(measured),
            "submitted": sum(1 for r in measured if r["report"] and r["report"].submitted_at),
            "late": sum(1 for r in measured if r["report"] and r["report"].is_late),
            "missing": sum(1 for r in measured if r["missing"]),
        },
        "can_import": report_importable_projects(request.user, programme).exists(),
    }
    return render(request, "reporting/report_list.html", context)


@login_required
@require_POST
def report_start(request, project_pk, year, month):
    project = get_project(request.user, project_pk)
    try:
        day = datetime.date(year, month, 1)
        report = services.start_report(project, day, by=request.user)
    except ValueError:
        raise Http404(_("月份无效")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:report_list")
    if can_report(request.user, "edit", report):
        return redirect("reporting:report_edit", pk=report.pk)
    return redirect("reporting:report_detail", pk=report.pk)


@login_required
def report_edit(request, pk):
    report = get_report(request.user, pk, "edit")
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.save_draft(
                report,
                form.data_dict(),
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
            if request.POST.get("action") == "submit":
                report = services.submit(report, by=request.user)
                messages.success(request, _("月报已提交"))
                if report.is_late:
                    messages.warning(request, _("本月报为逾期提交"))
            else:
                messages.success(request, _("草稿已保存"))
        except services.ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("reporting:report_detail", pk=report.pk)
    context = {
        "form": form,
        "report": report,
        "project": report.project,
        "programme": report.project.programme,
        "due": services.due_at(report.project.programme, report.month),
    }
    return render(request, "reporting/report_form.html", context)


@login_required
def report_detail(request, pk):
    report = get_report(request.user, pk)
    user = request.user
    records = ChangeRecord.objects.filter(
        Q(object_type="reporting.monthlyreport", object_id=str(report.pk))
    ).order_by("-at", "-id")
    actions = {
        name: can_report(user, name, report)
        for name in (
            "edit",
            "review",
            "accept",
            "return",
            "request_correction",
            "decide_correction",
        )
    }
    context = {
        "report": report,
        "project": report.project,
        "programme": report.project.programme,
        "due": services.due_at(report.project.programme, report.month),
        "can": actions,
        "corrections": report.corrections.select_related("requested_by", "decided_by"),
        "history": [
            {**row, "action": ACTION_LABELS.get(row["record"].action, row["action"])}
            for row in history_rows(records, show_contacts=False)
        ],
        "comment_form": CommentForm(),
        "reason_form": ReasonForm(),
        "demo_notice": report.project.programme.is_demo,
    }
    return render(request, "reporting/report_detail.html", context)


ACTION_LABELS = {
    "create": gettext_lazy("新建"),
    "update": gettext_lazy("保存草稿"),
    "submit": gettext_lazy("提交"),
    "review": gettext_lazy("县区审核"),
    "accept": gettext_lazy("采纳"),
    "return": gettext_lazy("退回"),
    "request_correction": gettext_lazy("申请更正"),
    "approve_correction": gettext_lazy("批准更正（重新打开）"),
    "reject_correction": gettext_lazy("驳回更正"),
}
ACTIONS = {
    "submit": "submit",
    "review": "review",
    "accept": "accept",
    "return": "return",
    "request_correction": "request_correction",
}
DONE = {
    "submit": gettext_lazy("月报已提交"),
    "review": gettext_lazy("已审核"),
    "accept": gettext_lazy("已采纳"),
    "return": gettext_lazy("已退回"),
    "request_correction": gettext_lazy("更正申请已提交"),
}


@login_required
@require_POST
def report_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404()
    report = get_report(request.user, pk)
    comment = request.POST.get("comment", "")
    try:
        if action == "submit":
            services.submit(report, by=request.user)
        elif action == "review":
            services.review(report, by=request.user, comment=comment)
        elif action == "accept":
            services.accept(report, by=request.user, comment=comment)
        elif action == "return":
            services.return_report(report, by=request.user, comment=comment)
        else:
            services.request_correction(
                report, by=request.user, reason=request.POST.get("reason", "")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, DONE[action])
    return redirect("reporting:report_detail", pk=report.pk)


@login_required
@require_POST
def correction_decide(request, correction_pk, decision):
    if decision not in {"approve", "reject"}:
        raise Http404()
    visible = visible_reports(request.user)
    correction = get_object_or_404(
        CorrectionRequest.objects.filter(report__in=visible), pk=correction_pk
    )
    try:
        services.decide_correction(
            correction,
            by=request.user,
            approve=decision == "approve",
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已批准更正，月报已退回草稿") if decision == "approve" else _("已驳回更正申请"),
        )
    return redirect("reporting:report_detail", pk=correction.report_id)
