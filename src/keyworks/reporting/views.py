"""Monthly report pages. Thin: parse input, call access/services, render."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keyworks.audit.display import history_rows
from keyworks.audit.models import ChangeRecord
from keyworks.core import calendar
from keyworks.core.forms import add_errors
from keyworks.core.workflow import posted_version
from keyworks.ledger.models import Project
from keyworks.ledger.permissions import get_project
from keyworks.ledger.programmes import current_programme

from . import services, since_start
from .forms import CommentForm, ReasonForm, ReportForm
from .measure_views import parse_month
from .measures import MISSING, project_measures, report_counts
from .models import COUNTED_STATUSES, MonthlyReport
from .permissions import (
    can_report,
    get_correction,
    get_report,
    report_importable_projects,
    reportable_projects,
)
from .registry import SINCE_START

PAGE_SIZE = 50


@login_required
def report_list(request):
    programme = current_programme(request)
    month = parse_month(request.GET.get("month"), programme)  # default: last month, in the year
    visible = reportable_projects(request.user).filter(
        programme=programme, archived_at__isnull=True
    )
    due = services.due_at(programme, month)
    future = month > calendar.first_of_month(calendar.local_today())
    # Missing, late and paused as the measures say (reporting.registry): one definition,
    # read from the stored figures for every project; only a page of rows is loaded.
    measures = project_measures(programme, month)
    ids = set(visible.values_list("pk", flat=True))
    ordered = [pk for pk in measures if pk in ids]  # ledger order
    counts = report_counts(measures, ordered)
    # The counts cover every row; a page shows 50 (a province has thousands of projects).
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    projects = Project.objects.filter(pk__in=shown).select_related("programme").in_bulk()
    reports = {
        r.project_id: r
        for r in MonthlyReport.objects.restrict(request.user).filter(
            project_id__in=shown, month=month
        )
    }
    rows = []
    for pk in shown:
        m, report = measures[pk], reports.get(pk)
        rows.append(
            {
                "project": projects[pk],
                "report": report,
                "missing": not m.paused and m.report == MISSING,
                "paused": m.paused,
                "can_start": report is None
                and not future
                and can_report(request.user, "edit", MonthlyReport(project=projects[pk])),
            }
        )
    page.object_list = rows
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "month": month,
        "previous": calendar.previous_month(month),
        "following": calendar.next_month(month),
        "due": due,
        "rows": rows,
        "page": page,
        "querystring": query.urlencode(),
        "counts": counts,
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
    before, earlier, own = since_start.parts(report)
    context = {
        "form": form,
        "report": report,
        "project": report.project,
        "programme": report.project.programme,
        "due": services.due_at(report.project.programme, report.month),
        "since_start": {
            "before": before,
            "earlier": earlier,
            "own": own,
            "total": before + earlier + own,
            "figure": SINCE_START,
        },
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
        "since_start": since_start.shown(report),
        "since_start_fixed": report.status in COUNTED_STATUSES,
        "since_start_figure": SINCE_START,
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
    # The version the page showed: a decision on a report that changed since is refused.
    version = posted_version(request.POST)
    try:
        if action == "submit":
            services.submit(report, by=request.user, expected_version=version)
        elif action == "review":
            services.review(report, by=request.user, comment=comment, expected_version=version)
        elif action == "accept":
            services.accept(report, by=request.user, comment=comment, expected_version=version)
        elif action == "return":
            services.return_report(
                report, by=request.user, comment=comment, expected_version=version
            )
        else:
            services.request_correction(
                report, by=request.user, reason=request.POST.get("reason", "")
            )
    except services.ConcurrentEditError as exc:
        messages.error(request, str(exc))
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
    correction = get_correction(request.user, correction_pk)
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
