"""Annual target pages. Thin: parse input, fetch through access, call services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from keyworks.audit.models import ChangeRecord
from keyworks.ledger.programmes import current_programme
from keyworks.orgs.roles import is_office

from . import services
from .forms import ReviseForm, TargetForms
from .models import AnnualTarget, ItemState, TargetStatus
from .permissions import can_target, get_target, get_target_project, target_projects

NONE = "none"  # the list's status for "no target yet"
STATUS_LABELS = {NONE: gettext_lazy("未填报"), **dict(TargetStatus.choices)}
ACTION_LABELS = {
    "create": pgettext_lazy("history", "新建"),
    "update": pgettext_lazy("history", "修改"),
    "submit": pgettext_lazy("history", "提交"),
    "accept": pgettext_lazy("history", "审核通过"),
    "return": pgettext_lazy("history", "退回"),
    "revise": pgettext_lazy("history", "提出调整（新版本）"),
}


def parse_year(request, programme) -> int:
    value = request.GET.get("year")
    return _year(value) if value else programme.year


@login_required
def target_list(request):
    programme = current_programme(request)
    year = parse_year(request, programme)
    projects = list(
        target_projects(request.user)
        .filter(programme=programme, archived_at__isnull=True)
        .order_by("seq", "id")
    )
    versions: dict[int, list[AnnualTarget]] = {}
    targets = AnnualTarget.objects.restrict(request.user).filter(project__in=projects, year=year)
    for target in targets.order_by("revision"):
        versions.setdefault(target.project_id, []).append(target)
    rows = []
    for project in projects:
        history = versions.get(project.pk, [])
        latest = history[-1] if history else None
        current = next((t for t in reversed(history) if t.status == TargetStatus.ACCEPTED), None)
        status = latest.status if latest else NONE
        rows.append({"project": project, "latest": latest, "current": current, "status": status})
    counts = {key: sum(1 for r in rows if r["status"] == key) for key in STATUS_LABELS}
    wanted = request.GET.get("status")
    if wanted in STATUS_LABELS:
        rows = [r for r in rows if r["status"] == wanted]
    context = {
        "year": year,
        "rows": rows,
        "counts": counts,
        "status_labels": STATUS_LABELS,
        "status": wanted if wanted in STATUS_LABELS else "",
        "is_office": is_office(request.user, programme.pk),
    }
    return render(request, "targets/target_list.html", context)


@login_required
def project_targets(request, project_pk, year):
    project = get_target_project(request.user, project_pk)
    year = _year(year)
    user = request.user
    history = list(services.target_history(project, year))
    latest = history[0] if history else None
    current = next((t for t in history if t.status == TargetStatus.ACCEPTED), None)
    records = ChangeRecord.objects.filter(
        object_type="targets.annualtarget", object_id__in=[str(t.pk) for t in history]
    ).order_by("-at", "-id")
    can = {
        "create": latest is None and can_target(user, "create", project),
        "edit": latest is not None and can_target(user, "edit", latest),
        "submit": latest is not None and can_target(user, "submit", latest),
        "review": latest is not None and can_target(user, "review", latest),
        "revise": latest is not None and latest == current and can_target(user, "revise", latest),
    }
    context = {
        "project": project,
        "programme": project.programme,
        "year": year,
        "latest": latest,
        "current": current,
        "history": history,
        "records": [
            {"record": r, "action": ACTION_LABELS.get(r.action, r.action)} for r in records
        ],
        "can": can,
        "demo_notice": project.programme.is_demo,
    }
    return render(request, "targets/project_targets.html", context)


def _save_and_maybe_submit(request, target):
    if request.POST.get("action") == "submit":
        services.submit_target(target, by=request.user)
        messages.success(request, _("年度目标已提交，等待办公室审核"))
    else:
        messages.success(request, _("草稿已保存"))


def _render_form(request, forms, *, project, year, target=None, title, errors=()):
    context = {
        "forms": forms,
        "project": project,
        "programme": project.programme,
        "year": year,
        "target": target,
        "title": title,
        "errors": errors,
    }
    return render(request, "targets/target_form.html", context)


@login_required
def target_create(request, project_pk, year):
    project = get_target_project(request.user, project_pk, "create")
    year = _year(year)
    if services.latest_target(project, year) is not None:
        return redirect("targets:project", project_pk=project.pk, year=year)
    forms = TargetForms(request.POST or None)
    errors = []
    if request.method == "POST" and forms.is_valid():
        try:
            target = services.create_target(project, year, forms.data(), by=request.user)
            _save_and_maybe_submit(request, target)
        except ValidationError as exc:
            errors = forms.add_service_errors(exc)
        else:
            return redirect("targets:project", project_pk=project.pk, year=year)
    return _render_form(
        request, forms, project=project, year=year, title=_("填报年度目标"), errors=errors
    )


@login_required
def target_edit(request, pk):
    target = get_target(request.user, pk, "edit")
    forms = TargetForms(request.POST or None, target=target)
    errors = []
    if request.method == "POST" and forms.is_valid():
        try:
            target = services.save_target(
                target,
                forms.data(),
                by=request.user,
                expected_version=forms.form.cleaned_data.get("version"),
            )
            _save_and_maybe_submit(request, target)
        except services.ConcurrentEditError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = forms.add_service_errors(exc)
        else:
            return redirect("targets:project", project_pk=target.project_id, year=target.year)
    return _render_form(
        request,
        forms,
        project=target.project,
        year=target.year,
        target=target,
        title=_("修改年度目标（第%(revision)s版）") % {"revision": target.revision},
        errors=errors,
    )


@login_required
def target_revise(request, pk):
    target = get_target(request.user, pk, "revise")
    forms = TargetForms(request.POST or None, target=target, form_class=ReviseForm)
    errors = []
    if request.method == "POST" and forms.is_valid():
        try:
            new = services.revise_target(
                target,
                by=request.user,
                reason=forms.form.cleaned_data["reason"],
                data=forms.data(),
            )
            _save_and_maybe_submit(request, new)
        except ValidationError as exc:
            errors = forms.add_service_errors(exc)
        else:
            return redirect("targets:project", project_pk=target.project_id, year=target.year)
    return _render_form(
        request,
        forms,
        project=target.project,
        year=target.year,
        target=target,
        title=_("调整年度目标（新版本：第%(revision)s版）") % {"revision": target.revision + 1},
        errors=errors,
    )


@login_required
@require_POST
def target_submit(request, pk):
    target = get_target(request.user, pk)
    try:
        services.submit_target(
            target, by=request.user, expected_version=_int(request.POST.get("version"))
        )
    except services.ConcurrentEditError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("年度目标已提交，等待办公室审核"))
    return redirect("targets:project", project_pk=target.project_id, year=target.year)


def _year(value) -> int:
    try:
        return services.check_year(value)
    except ValidationError:
        raise Http404(_("年度无效")) from None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def target_review(request, pk):
    target = get_target(request.user, pk, "review")
    errors = []
    if request.method == "POST":
        decisions = {
            key: (request.POST.get(f"decision-{key}"), request.POST.get(f"comment-{key}", ""))
            for key in services.pending_keys(target)
        }
        try:
            target = services.review_target(
                target,
                decisions,
                by=request.user,
                expected_version=_int(request.POST.get("version")),
            )
        except services.ConcurrentEditError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
        else:
            if target.status == TargetStatus.ACCEPTED:
                messages.success(request, _("全部条目通过，年度目标已锁定"))
            else:
                messages.warning(request, _("已退回专班修改"))
            return redirect("targets:project", project_pk=target.project_id, year=target.year)
    context = {
        "target": target,
        "project": target.project,
        "programme": target.project.programme,
        "year": target.year,
        "rows": review_rows(target, request.POST),
        "errors": errors,
    }
    return render(request, "targets/target_review.html", context)


def review_rows(target: AnnualTarget, posted) -> list[dict]:
    """One row per item for the review form, keeping what was typed when it failed."""
    rows = [
        {
            "key": "investment",
            "kind": "",
            "name": _("年度计划投资"),
            "target": _("%(amount)s 万元") % {"amount": f"{target.investment:,.2f}"},
            "state": target.investment_state,
            "comment": target.investment_comment,
        }
    ]
    for item in target.items.all():
        text = (
            f"{item.planned_date:%Y-%m-%d}"
            if item.planned_date
            else f"{item.value.normalize() if item.value is not None else ''} {item.unit}"
        )
        rows.append(
            {
                "key": f"item-{item.pk}",
                "kind": item.get_kind_display(),
                "name": item.name,
                "target": text,
                "state": item.state,
                "comment": item.comment,
            }
        )
    for row in rows:
        row["pending"] = row["state"] == ItemState.PENDING
        row["decision"] = posted.get(f"decision-{row['key']}", services.ACCEPT)
        row["typed"] = posted.get(f"comment-{row['key']}", "")
    return rows
