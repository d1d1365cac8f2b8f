"""Task pages (督办事项: supervision items, leaders' instructions, meeting decisions).
Thin: parse input, call permissions/services, render."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
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
from keyworks.orgs.roles import is_leader, is_office

from . import services
from .excel_export import write_tasks_xlsx
from .filters import TaskFilter, with_state
from .forms import ActionForm, TaskForm
from .models import OPEN_STATUSES, Task, TaskKind, TaskStatus
from .permissions import TASK_STEPS, can_issue_any_task, get_task, task_steps

STATUS_LABELS = dict(TaskStatus.choices)
KIND_LABELS = dict(TaskKind.choices)


def filtered_tasks(request, programme) -> TaskFilter:
    base = Task.objects.restrict(request.user).filter(programme=programme)
    return TaskFilter(request.GET, queryset=base, programme=programme)


def label_rows(tasks, day) -> list:
    tasks = list(tasks)
    for t in tasks:
        t.status_label = STATUS_LABELS.get(t.status_then, t.status_then)
        t.overdue = Task.was_overdue(t.status_then, t.deadline, day)
    return tasks


@login_required
def task_list(request):
    programme = current_programme(request)
    task_filter = filtered_tasks(request, programme)
    day = task_filter.as_of_date or calendar.local_today()
    base = Task.objects.restrict(request.user).filter(programme=programme)
    query = request.GET.copy()
    context = {
        "filter": task_filter,
        "tasks": label_rows(task_filter.qs, day),
        "as_of": task_filter.as_of_date,
        "measures": services.unit_measures(base),
        "query": query.urlencode(),
        "can_issue": can_issue_any_task(request.user, programme),
        "is_leader": is_leader(request.user, programme.pk),
    }
    # A bad filter value (an as-of day outside the calendar) is shown on its field: 400.
    return render(
        request, "tasks/task_list.html", context, status=200 if task_filter.is_valid() else 400
    )


@login_required
def task_export(request):
    programme = current_programme(request)
    task_filter = filtered_tasks(request, programme)
    if not task_filter.is_valid():
        return bad_filter(task_filter.form)
    today = calendar.local_today()
    buffer = io.BytesIO()
    write_tasks_xlsx(programme, task_filter.qs, buffer, as_of=task_filter.as_of_date, today=today)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name = _("督办事项清单-%(code)s-%(date)s.xlsx") % {
        "code": programme.code,
        "date": f"{(task_filter.as_of_date or today):%Y%m%d}",
    }
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def task_create(request):
    programme = current_programme(request)
    user = request.user
    if not can_issue_any_task(user, programme):
        raise PermissionDenied(_("您没有权限交办督办事项"))
    initial = {"kind": request.GET.get("kind") or ""}
    project = None
    if request.GET.get("project"):
        project = get_project(user, request.GET["project"])
        if project.programme_id != programme.pk:
            raise Http404(_("项目不存在"))
        initial["project"] = project.pk
    for name in ("problem", "report"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    if is_leader(user, programme.pk) and not is_office(user, programme.pk):
        initial.setdefault("issued_by", user.pk)
    form = TaskForm(request.POST or None, initial=initial, programme=programme, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.create_task(
                user,
                programme=programme,
                kind=data["kind"],
                text=data["text"],
                lead_unit=data["lead_unit"],
                deadline=data["deadline"],
                assisting_units=data["assisting_units"],
                project=data["project"],
                problem=data["problem"],
                report=data["report"],
                subject_label=data["subject_label"],
                subject_url=data["subject_url"],
                issued_by=data["issued_by"] if data["kind"] == TaskKind.INSTRUCTION else None,
                issued_on=data["issued_on"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, pgettext("task", "已交办"))
            return redirect("tasks:task_detail", pk=task.pk)
    context = {"form": form, "programme": programme, "project": project}
    return render(request, "tasks/task_form.html", context)


@login_required
def task_detail(request, pk):
    task = get_task(request.user, pk)
    events = task.events.select_related("actor", "unit").order_by("at", "id")
    can = task_steps(request.user, task)
    initial = {"version": task.version}
    context = {
        "task": task,
        "programme": task.programme,
        "assisting": list(task.assisting_units.all()),
        "events": events,
        "can": can,
        "forms": {a: ActionForm(initial=initial, auto_id=f"id_{a}_%s") for a in TASK_STEPS},
        "overdue": task.is_overdue(calendar.local_today()),
    }
    return render(request, "tasks/task_detail.html", context)


DONE = {
    "answer": gettext_lazy("已反馈"),
    "accept": gettext_lazy("已验收办结"),
    "return": gettext_lazy("已退回"),
}


@login_required
@require_POST
def task_action(request, pk, action):
    if action not in DONE:
        raise Http404()
    task = get_task(request.user, pk)
    note, by, version = request.POST.get("note", ""), request.user, posted_version(request.POST)

    def take():
        if action == "answer":
            return services.answer(task, by=by, text=note, expected_version=version)
        if action == "accept":
            return services.accept(task, by=by, note=note, expected_version=version)
        return services.return_task(task, by=by, note=note, expected_version=version)

    run_step(request, take, DONE[action])
    return redirect("tasks:task_detail", pk=task.pk)


def my_instruction_rows(user, programme, today) -> list:
    """A leader's instructions: overdue first, then open by deadline, then accepted."""
    tasks = (
        with_state(
            Task.objects.restrict(user).filter(
                programme=programme, kind=TaskKind.INSTRUCTION, issued_by=user
            )
        )
        .select_related("project", "lead_unit")
        .prefetch_related("assisting_units")
        .annotate(
            rank=Case(
                When(status__in=OPEN_STATUSES, deadline__lt=today, then=Value(0)),
                When(status__in=OPEN_STATUSES, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "deadline", "id")
    )
    return label_rows(tasks, today)


@login_required
def my_instructions(request):
    """我的批示: the follow-up of the signed-in leader's instructions."""
    programme = current_programme(request)
    if not is_leader(request.user, programme.pk):
        raise PermissionDenied(_("仅指挥部领导可查看"))
    today = calendar.local_today()
    tasks = my_instruction_rows(request.user, programme, today)
    context = {
        "tasks": tasks,
        "open_count": sum(1 for t in tasks if t.status in OPEN_STATUSES),
        "overdue_count": sum(1 for t in tasks if t.overdue),
    }
    return render(request, "tasks/my_instructions.html", context)
