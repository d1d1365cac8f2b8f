"""Field-work pages: progress updates and on-site verification visits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyworks.core.extensions import collect
from keyworks.core.forms import add_errors, form_errors_text
from keyworks.core.images import image_response
from keyworks.ledger.models import Project
from keyworks.ledger.permissions import get_project
from keyworks.ledger.programmes import current_programme
from keyworks.orgs.models import Role
from keyworks.orgs.roles import has_role, is_office

from . import services
from .forms import PhotosForm, ResolveForm, SettingsForm, UpdateForm, VisitForm
from .models import FieldworkSettings, ProgressUpdate, UpdatePhoto, Visit, VisitPhoto, VisitStatus
from .permissions import (
    can_post_update,
    can_record_visit,
    can_resolve_dispute,
    get_update,
    get_visit,
)

NOT_ALLOWED = _("您没有权限执行此操作")


def _file(photo):
    return image_response(photo.image)


# --- progress updates -----------------------------------------------------------------


@login_required
def programme_updates(request):
    """Every project of the programme with its latest update; 逾期未更新 when none lately."""
    programme = current_programme(request)
    rules = FieldworkSettings.for_programme(programme)
    last = services.last_update_times(programme)
    latest = {
        u.project_id: u
        for u in ProgressUpdate.objects.restrict(request.user)
        .filter(project__programme=programme, posted_at__in=list(last.values()))
        .only("project_id", "posted_at", "percent_complete")
        .order_by("posted_at", "pk")  # the latest of a project wins
    }
    now = timezone.now()
    rows = []
    projects = Project.objects.restrict(request.user).filter(
        programme=programme, archived_at__isnull=True
    )
    for project in projects.select_related("task_force").order_by("seq", "pk"):
        update = latest.get(project.pk)
        overdue = services.is_update_overdue(last.get(project.pk), rules.update_days, now)
        rows.append({"project": project, "update": update, "overdue": overdue})
    if request.GET.get("overdue") == "1":
        rows = [r for r in rows if r["overdue"]]
    context = {
        "rows": rows,
        "rules": rules,
        "overdue_count": sum(r["overdue"] for r in rows),
        "is_office": is_office(request.user, programme.pk),
    }
    return render(request, "fieldwork/programme_updates.html", context)


@login_required
def project_updates(request, pk):
    """A project's updates, newest first, and the form to post one (its task force)."""
    project = get_project(request.user, pk)
    can_post = can_post_update(request.user, project)
    form = UpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_post:
            raise PermissionDenied(NOT_ALLOWED)
        if form.is_valid():
            data = {
                k: form.cleaned_data[k] for k in ("text", "percent_complete", "problems_noticed")
            }
            try:
                update = services.post_update(
                    project, data, form.cleaned_data["photos"], by=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("进度更新已提交"))
                return redirect("fieldwork:update_detail", pk=update.pk)
    updates = (
        ProgressUpdate.objects.restrict(request.user)
        .filter(project=project)
        .select_related("posted_by", "raised_problem")
        .prefetch_related("photos")
    )
    context = {
        "project": project,
        "programme": project.programme,
        "updates": updates,
        "form": form if can_post else None,
    }
    return render(request, "fieldwork/project_updates.html", context)


@login_required
def update_detail(request, pk):
    update = get_update(request.user, pk)
    project = update.project
    raise_url = None
    if update.problems_noticed and update.raised_problem_id is None:
        prefill = {"description": update.problems_noticed, "from_update": update.pk}
        raise_url = next(iter(collect("raise_problem_url", request.user, project, **prefill)), None)
    context = {
        "update": update,
        "project": project,
        "programme": project.programme,
        "photos": update.photos.all(),
        "raise_url": raise_url,
    }
    return render(request, "fieldwork/update_detail.html", context)


@login_required
def update_photo(request, pk, photo_pk):
    update = get_update(request.user, pk)
    return _file(get_object_or_404(UpdatePhoto, pk=photo_pk, update=update))


# --- on-site verification ---------------------------------------------------------------


@login_required
def visit_list(request):
    """Visits the user may read; ?status=disputed is the office's dispute list."""
    programme = current_programme(request)
    visits = (
        Visit.objects.restrict(request.user)
        .filter(project__programme=programme)
        .select_related("project", "recorded_by")
        .prefetch_related("photos")
    )
    status = request.GET.get("status", "")
    if status in VisitStatus.values:
        visits = visits.filter(status=status)
    project_id = request.GET.get("project", "")
    if project_id.isdigit():
        visits = visits.filter(project_id=int(project_id))
    context = {
        "visits": visits[:500],
        "status": status,
        "statuses": VisitStatus.choices,
        "can_record": has_role(request.user, programme.pk, Role.OFFICE, Role.INSPECTOR),
        "projects": Project.objects.restrict(request.user)
        .filter(programme=programme, archived_at__isnull=True)
        .order_by("seq")
        .only("pk", "seq", "name"),
    }
    return render(request, "fieldwork/visit_list.html", context)


@login_required
def visit_choose(request):
    """The project picker on the visit list leads to that project's visit form."""
    project = get_project(request.user, request.GET.get("project"))
    return redirect("fieldwork:visit_new", pk=project.pk)


@login_required
def visit_new(request, pk):
    project = get_project(request.user, pk)
    if not can_record_visit(request.user, project):
        raise PermissionDenied(_("只有督导或办公室可以记录实地核验"))
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photos = data.pop("photos")
        try:
            visit = services.record_visit(project, data, photos, by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if visit.is_disputed:
                messages.warning(
                    request,
                    _("核验投资与月报差异超过阈值，已标记为争议"),
                )
            else:
                messages.success(request, _("实地核验已记录"))
            return redirect("fieldwork:visit_detail", pk=visit.pk)
    context = {"project": project, "programme": project.programme, "form": form}
    return render(request, "fieldwork/visit_form.html", context)


@login_required
def visit_detail(request, pk):
    visit = get_visit(request.user, pk)
    project = visit.project
    context = {
        "visit": visit,
        "project": project,
        "programme": project.programme,
        "photos": visit.photos.all(),
        "can_add_photos": can_record_visit(request.user, project),
        "can_resolve": visit.is_disputed and can_resolve_dispute(request.user, visit),
        "photos_form": PhotosForm(),
        "resolve_form": ResolveForm(initial={"version": visit.version}),
    }
    return render(request, "fieldwork/visit_detail.html", context)


@login_required
@require_POST
def visit_add_photos(request, pk):
    visit = get_visit(request.user, pk)
    if not can_record_visit(request.user, visit.project):
        raise PermissionDenied(_("只有督导或办公室可以上传核验照片"))
    form = PhotosForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            made = services.add_visit_photos(visit, form.cleaned_data["photos"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            flagged = sum(p.flagged for p in made)
            messages.success(
                request,
                _("已上传 %(count)s 张照片，其中 %(flagged)s 张被标记")
                % {"count": len(made), "flagged": flagged},
            )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("fieldwork:visit_detail", pk=visit.pk)


@login_required
@require_POST
def visit_resolve(request, pk):
    visit = get_visit(request.user, pk, "resolve")
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_dispute(
                visit,
                form.cleaned_data["note"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except services.ConcurrentEditError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("争议已处理"))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("fieldwork:visit_detail", pk=visit.pk)


@login_required
def visit_photo(request, pk, photo_pk):
    visit = get_visit(request.user, pk)
    return _file(get_object_or_404(VisitPhoto, pk=photo_pk, visit=visit))


# --- settings ---------------------------------------------------------------------------


@login_required
def settings_edit(request):
    programme = current_programme(request)
    if not is_office(request.user, programme.pk):
        raise PermissionDenied(_("只有指挥部办公室可以修改设置"))
    current = FieldworkSettings.for_programme(programme)
    form = SettingsForm(
        request.POST or None, instance=current, initial={"version": current.version}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.SETTINGS_FIELDS}
        try:
            services.save_settings(
                programme, data, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except services.ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("设置已保存"))
            return redirect("fieldwork:settings")
    return render(request, "fieldwork/settings.html", {"programme": programme, "form": form})
