"""Dispatch meeting pages. Thin: parse input, call permissions/services, render."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keyworks.coordination.models import Problem
from keyworks.core.calendar import local_today
from keyworks.core.filters import bad_filter
from keyworks.core.workflow import posted_version, run_step
from keyworks.ledger.permissions import require
from keyworks.ledger.programmes import current_programme

from . import services
from .excel_export import XLSX_CONTENT_TYPE, export_filename, write_decisions_xlsx
from .filters import filtered_decisions, label_rows
from .forms import DecisionForm, ItemForm, MeetingForm, NoteForm
from .minutes import DOCX_CONTENT_TYPE, minutes_title, write_minutes
from .models import Decision, Meeting
from .permissions import (
    can_open_meeting,
    decision_steps,
    get_decision,
    get_meeting,
    meeting_editable,
)

INVALID = gettext_lazy("提交的内容有误，请检查")


def agenda_items(meeting, today=None):
    """The agenda with each item's decisions in `decision_list` (two queries)."""
    today = today or local_today()
    decisions = Decision.objects.select_related("lead_unit").order_by("sort", "id")
    items = list(
        meeting.items.select_related("problem", "project", "carried", "carried__lead_unit")
        .prefetch_related(Prefetch("decisions", queryset=decisions, to_attr="decision_list"))
        .order_by("sort", "id")
    )
    for item in items:
        for d in item.decision_list:
            d.overdue = d.is_overdue(today)
    return items


@login_required
def meeting_list(request):
    programme = current_programme(request)
    meetings = (
        Meeting.objects.restrict(request.user)
        .filter(programme=programme)
        .order_by("-date", "-number")
    )
    can_open = can_open_meeting(request.user, programme)
    context = {
        "meetings": meetings,
        "can_open": can_open,
        "form": MeetingForm(initial={"date": local_today()}) if can_open else None,
    }
    return render(request, "meetings/meeting_list.html", context)


@login_required
@require_POST
def meeting_open(request):
    programme = current_programme(request)
    if not can_open_meeting(request.user, programme):
        raise PermissionDenied(_("只有指挥部办公室可以召开调度会"))
    form = MeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, INVALID)
        return redirect("meetings:meeting_list")
    try:
        meeting = services.open_meeting(programme, form.cleaned_data, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("meetings:meeting_list")
    messages.success(request, _("会议已创建，议程已按数据生成"))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@login_required
def meeting_detail(request, pk):
    meeting = get_meeting(request.user, pk)
    user = request.user
    editable = meeting_editable(user, meeting)
    items = agenda_items(meeting)
    # Agenda items name problems the user may not open (a task force sees its own
    # projects' problems): link only those it may, the others through their project.
    problem_ids = [item.problem_id for item in items if item.problem_id]
    openable = set(
        Problem.objects.restrict(user).filter(pk__in=problem_ids).values_list("pk", flat=True)
    )
    for item in items:
        item.problem_link = item.problem_id in openable
    if editable:
        for item in items:
            item.form = ItemForm(
                initial={"title": item.title, "summary": item.summary, "version": item.version},
                auto_id=f"id_item{item.pk}_%s",
            )
            item.decision_form = DecisionForm(auto_id=f"id_dec{item.pk}_%s")
    context = {
        "meeting": meeting,
        "programme": meeting.programme,
        "items": items,
        "editable": editable,
        "info_form": MeetingForm(
            initial={
                "title": meeting.title,
                "date": meeting.date,
                "place": meeting.place,
                "chair": meeting.chair,
                "attendees": meeting.attendees,
                "version": meeting.version,
            }
        )
        if editable
        else None,
        "add_form": ItemForm(auto_id="id_new_%s") if editable else None,
        "decision_count": sum(len(i.decision_list) for i in items),
    }
    return render(request, "meetings/meeting_detail.html", context)


MEETING_DONE = {
    "info": gettext_lazy("会议信息已保存"),
    "close": gettext_lazy("会议已结束，议程与议定事项已锁定"),
    "add_item": gettext_lazy("议题已添加"),
}


@login_required
@require_POST
def meeting_action(request, pk, action):
    if action not in MEETING_DONE:
        raise Http404()
    meeting = get_meeting(request.user, pk, "edit")
    post, by, version = request.POST, request.user, posted_version(request.POST)

    def take():
        if action == "info":
            form = MeetingForm(post)
            if not form.is_valid():
                raise ValidationError(INVALID)
            return services.update_meeting(
                meeting, form.cleaned_data, by=by, expected_version=version
            )
        if action == "close":
            return services.close_meeting(meeting, by=by, expected_version=version)
        return services.add_item(
            meeting, by=by, title=post.get("title"), summary=post.get("summary")
        )

    run_step(request, take, MEETING_DONE[action])
    return redirect("meetings:meeting_detail", pk=meeting.pk)


ITEM_DONE = {
    "edit": gettext_lazy("议题已保存"),
    "up": gettext_lazy("已上移"),
    "down": gettext_lazy("已下移"),
    "remove": gettext_lazy("议题已移除"),
    "decide": gettext_lazy("议定事项已记录"),
}


@login_required
@require_POST
def item_action(request, pk, item_pk, action):
    if action not in ITEM_DONE:
        raise Http404()
    meeting = get_meeting(request.user, pk, "edit")
    item = meeting.items.filter(pk=item_pk).first()
    if item is None:
        raise Http404(_("议题不存在"))
    post, by = request.POST, request.user

    def take():
        if action == "edit":
            return services.edit_item(
                item,
                by=by,
                title=post.get("title"),
                summary=post.get("summary", ""),
                expected_version=posted_version(post),
            )
        if action in {"up", "down"}:
            return services.move_item(item, -1 if action == "up" else 1, by=by)
        if action == "remove":
            return services.remove_item(item, by=by)
        form = DecisionForm(post)
        if not form.is_valid():
            raise ValidationError(_("请填写议定事项、责任单位和完成时限"))
        return services.record_decision(item, form.cleaned_data, by=by)

    run_step(request, take, ITEM_DONE[action])
    return redirect(f"{meeting_url(meeting)}#item-{item_pk}")


def meeting_url(meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.pk])


@login_required
def meeting_minutes(request, pk):
    meeting = get_meeting(request.user, pk, "export")
    buffer = io.BytesIO()
    write_minutes(meeting, agenda_items(meeting), buffer)
    response = HttpResponse(buffer.getvalue(), content_type=DOCX_CONTENT_TYPE)
    name = f"{minutes_title(meeting)}.docx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- decisions -------------------------------------------------------------------------


@login_required
def decision_list(request):
    programme = current_programme(request)
    form, qs, as_of = filtered_decisions(request.user, programme, request.GET)
    context = {
        "form": form,
        "decisions": label_rows(qs, as_of or local_today()),
        "as_of": as_of,
        "query": request.GET.urlencode(),
    }
    # A bad filter value (an as-of day outside the calendar) is shown on its field: 400.
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "meetings/decision_list.html", context, status=status)


@login_required
def decision_export(request):
    """The filtered list as .xlsx in the office layout (序号, 项目名称, 议定事项, …)."""
    programme = current_programme(request)
    require(request.user, "export", programme)
    form, qs, as_of = filtered_decisions(request.user, programme, request.GET)
    if form.is_bound and not form.is_valid():
        return bad_filter(form)
    today = local_today()
    day = as_of or today
    buffer = io.BytesIO()
    write_decisions_xlsx(programme, label_rows(qs, day), buffer, day=day, today=today)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name = export_filename(programme, day)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def decision_detail(request, pk):
    decision = get_decision(request.user, pk)
    user = request.user
    can = decision_steps(user, decision)
    initial = {"version": decision.version}
    context = {
        "decision": decision,
        "meeting": decision.meeting,
        "programme": decision.meeting.programme,
        "events": decision.events.select_related("actor").order_by("at", "id"),
        "can": can,
        "overdue": decision.is_overdue(local_today()),
        "forms": {
            action: NoteForm(initial=initial, auto_id=f"id_{action}_%s")
            for action in ("note", "report", "confirm", "return")
        },
        "edit_form": DecisionForm(
            initial={
                "text": decision.text,
                "unit": decision.lead_unit_id,
                "deadline": decision.deadline,
                "version": decision.version,
            }
        )
        if can["edit"]
        else None,
    }
    return render(request, "meetings/decision_detail.html", context)


DECISION_DONE = {
    "edit": gettext_lazy("议定事项已修改"),
    "note": gettext_lazy("进展情况已记录"),
    "report": gettext_lazy("已报完成"),
    "confirm": gettext_lazy("已确认办结"),
    "return": gettext_lazy("已退回"),
}


@login_required
@require_POST
def decision_action(request, pk, action):
    if action not in DECISION_DONE:
        raise Http404()
    decision = get_decision(request.user, pk)
    post, by = request.POST, request.user
    note, version = post.get("note", ""), posted_version(post)

    def take():
        if action == "edit":
            form = DecisionForm(post)
            if not form.is_valid():
                raise ValidationError(INVALID)
            return services.edit_decision(
                decision, form.cleaned_data, by=by, expected_version=version
            )
        if action == "note":
            return services.add_note(decision, note, by=by)
        if action == "report":
            return services.report_done(decision, note, by=by, expected_version=version)
        if action == "confirm":
            return services.confirm(decision, by=by, note=note, expected_version=version)
        return services.return_decision(decision, by=by, note=note, expected_version=version)

    run_step(request, take, DECISION_DONE[action])
    return redirect("meetings:decision_detail", pk=decision.pk)
