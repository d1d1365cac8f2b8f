"""Problem list pages. Thin: parse input, call permissions/services, render."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from keyworks.core import calendar
from keyworks.core.filters import bad_filter
from keyworks.core.forms import add_errors
from keyworks.core.sheets import XLSX_CONTENT_TYPE
from keyworks.core.workflow import posted_version, run_step
from keyworks.ledger.permissions import get_project
from keyworks.ledger.programmes import current_programme

from . import escalation, measures, services
from .excel_export import write_problems_xlsx
from .filters import ProblemFilter
from .forms import AssignForm, EscalateForm, EscalationRuleForm, NoteForm, ProblemForm
from .models import EscalationLevel, Problem, ProblemStatus
from .permissions import (
    can_edit_escalation_rule,
    can_raise_problem,
    can_see_discipline,
    get_problem,
    problem_steps,
)

STATUS_LABELS = dict(ProblemStatus.choices)
LEVEL_LABELS = dict(EscalationLevel.choices)


def filtered_problems(request, programme) -> ProblemFilter:
    base = Problem.objects.restrict(request.user).filter(project__programme=programme)
    return ProblemFilter(request.GET, queryset=base, programme=programme)


PAGE_SIZE = 100  # problems per page; the Excel export has every one


@login_required
def problem_list(request):
    programme = current_programme(request)
    problem_filter = filtered_problems(request, programme)
    page = Paginator(problem_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    problems = list(page.object_list)
    day = problem_filter.as_of_date or calendar.local_today()
    for p in problems:
        p.status_label = STATUS_LABELS.get(p.status_then, p.status_then)
        p.level_label = LEVEL_LABELS.get(p.level_then, "")
        p.overdue = Problem.was_overdue(p.status_then, p.deadline, day)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": problem_filter,
        "problems": problems,
        "page": page,
        "as_of": problem_filter.as_of_date,
        "today": calendar.local_today(),
        "show_discipline": can_see_discipline(request.user, programme.pk),
        "query": query.urlencode(),
    }
    template = "coordination/problem_list.html"
    if request.htmx and request.htmx.target == "problem-table":
        template += "#problem-table"
    # A bad filter value (an as-of day outside the calendar) is shown on its field: 400.
    return render(request, template, context, status=200 if problem_filter.is_valid() else 400)


@login_required
def problem_export(request):
    programme = current_programme(request)
    problem_filter = filtered_problems(request, programme)
    if not problem_filter.is_valid():
        return bad_filter(problem_filter.form)
    buffer = io.BytesIO()
    today = calendar.local_today()
    write_problems_xlsx(
        programme, problem_filter.qs, buffer, as_of=problem_filter.as_of_date, today=today
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name = _("问题清单-%(code)s-%(date)s.xlsx") % {
        "code": programme.code,
        "date": f"{(problem_filter.as_of_date or today):%Y%m%d}",
    }
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def problem_raise(request, project_pk):
    project = get_project(request.user, project_pk)
    if not can_raise_problem(request.user, project):
        return HttpResponse(_("您没有权限对该项目提出问题"), status=403)
    # ?description= prefills the form; ?from_update= links a fieldwork progress update.
    initial = {"description": request.GET.get("description", "")[:5000]}
    form = ProblemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.raise_problem(
                project,
                form.data_dict(),
                by=request.user,
                from_update=request.GET.get("from_update"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("问题已提出"))
            return redirect("coordination:problem_detail", pk=problem.pk)
    context = {"form": form, "project": project, "programme": project.programme}
    return render(request, "coordination/problem_form.html", context)


@login_required
def problem_detail(request, pk):
    problem = get_problem(request.user, pk)
    user = request.user
    show_discipline = can_see_discipline(user, problem.project.programme_id)
    events = problem.events.select_related("actor", "unit").order_by("at", "id")
    if not show_discipline:
        events = events.filter(confidential=False)
    can = problem_steps(user, problem)
    initial = {"version": problem.version}
    context = {
        "problem": problem,
        "project": problem.project,
        "programme": problem.project.programme,
        "assisting": list(problem.assisting_units.all()),
        "events": events,
        "can": can,
        "show_discipline": show_discipline,
        "note_forms": {
            action: NoteForm(initial=initial, auto_id=f"id_{action}_%s")
            for action in ("note", "resolve", "close", "return", "void", "flag")
        },
        "assign_form": AssignForm(
            initial={
                **initial,
                "lead_unit": problem.lead_unit_id,
                "assisting_units": [u.pk for u in problem.assisting_units.all()],
                "deadline": problem.deadline,
            }
        ),
        "escalate_form": EscalateForm(initial=initial),
        "overdue": problem.is_overdue(calendar.local_today()),
    }
    return render(request, "coordination/problem_detail.html", context)


DONE = {
    "note": gettext_lazy("办理情况已记录"),
    "assign": gettext_lazy("已交办"),
    "resolve": gettext_lazy("已报办结"),
    "close": gettext_lazy("已销号"),
    "return": gettext_lazy("已退回"),
    "escalate": gettext_lazy("已升级"),
    "void": gettext_lazy("已作废"),
    "flag": gettext_lazy("已标记为纪检线索"),
}


@login_required
@require_POST
def problem_action(request, pk, action):
    if action not in DONE:
        raise Http404()
    problem = get_problem(request.user, pk)
    post, by, version = request.POST, request.user, posted_version(request.POST)
    note = post.get("note", "")

    def take():
        if action == "note":
            return services.add_note(problem, note, by=by)
        if action == "assign":
            return assign(problem, post, by=by, version=version)
        if action == "resolve":
            return services.resolve(problem, by=by, note=note, expected_version=version)
        if action == "close":
            return services.close(problem, by=by, note=note, expected_version=version)
        if action == "return":
            return services.return_problem(problem, by=by, note=note, expected_version=version)
        if action == "escalate":
            level = post.get("level") or 0
            return services.escalate(
                problem, by=by, level=level, note=note, expected_version=version
            )
        if action == "void":
            return services.void(problem, by=by, reason=note, expected_version=version)
        return services.flag_discipline(problem, by=by, note=note)

    run_step(request, take, DONE[action])
    return redirect("coordination:problem_detail", pk=problem.pk)


def assign(problem, post, *, by, version):
    form = AssignForm(post)
    if not form.is_valid():
        raise ValidationError(_("请选择牵头责任单位，并检查时限格式"))
    data = form.cleaned_data
    return services.assign(
        problem,
        by=by,
        lead_unit=data["lead_unit"],
        assisting_units=data["assisting_units"],
        deadline=data["deadline"],
        note=data["note"],
        expected_version=version,
    )


WEEKS_DEFAULT, WEEKS_MAX = 26, 104


def weeks_param(request) -> int:
    value = request.GET.get("weeks", "")
    return min(max(int(value), 1), WEEKS_MAX) if value.isdigit() else WEEKS_DEFAULT


@login_required
def problem_stats(request):
    """问题统计: per lead unit and per ISO week, over the problems the user may read."""
    programme = current_programme(request)
    base = Problem.objects.restrict(request.user).filter(project__programme=programme)
    weeks = measures.weekly(base, weeks=weeks_param(request))
    chart = {
        "weeks": [w["week"] for w in weeks],
        "raised": [w["raised"] for w in weeks],
        "closed": [w["closed"] for w in weeks],
        "labels": {
            "raised": _("新增"),
            "closed": pgettext("chart", "销号"),
            "unit": pgettext("unit", "个"),
        },
    }
    context = {
        "units": measures.unit_measures(base),
        "weeks": weeks,
        "weeks_count": len(weeks),
        "chart": chart,
    }
    return render(request, "coordination/problem_stats.html", context)


@login_required
def escalation_rules(request):
    """The programme's automatic escalation rule: everyone in it reads, the office sets."""
    programme = current_programme(request)
    rule = escalation.rule_for(programme)
    can_edit = can_edit_escalation_rule(request.user, programme)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("只有指挥部办公室可以设置自动升级规则"))
    form = EscalationRuleForm(
        request.POST or None,
        instance=escalation.rule_for(programme),
        initial={"version": rule.version},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.save_escalation_rule(
                programme, data, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except services.RuleConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("自动升级规则已保存"))
            return redirect("coordination:escalation_rules")
    context = {
        "rule": rule,
        "form": form,
        "can_edit": can_edit,
        "due": escalation.due(programme) if rule.enabled and can_edit else [],
    }
    return render(request, "coordination/escalation_rules.html", context)
