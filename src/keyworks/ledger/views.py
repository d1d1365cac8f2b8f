"""Ledger pages. Thin: parse input, call access/services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyworks.audit.display import history_rows
from keyworks.audit.models import ChangeRecord
from keyworks.core.extensions import collect
from keyworks.core.forms import add_errors, form_errors_text
from keyworks.core.images import image_response

from . import services
from .filters import filtered_projects
from .forms import ArchiveForm, MemberForm, MilestoneForm, PhotoForm, ProjectForm
from .models import Milestone, Photo, TaskForceMember, districts_prefetch
from .permissions import can, editable_fields, get_project, require
from .programmes import current_programme
from .totals import list_totals

PAGE_SIZE = 50


@login_required
def project_list(request):
    programme = current_programme(request)
    project_filter = filtered_projects(request, programme)
    qs = project_filter.qs
    totals = list_totals(programme, qs)
    paginator = Paginator(
        qs.select_related("category", "responsible_unit").prefetch_related(districts_prefetch()),
        PAGE_SIZE,
    )
    paginator.count = totals["count"]  # already counted with the sums: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "filter": project_filter,
        "page": page,
        "totals": totals,
        "can_create": can(request.user, "create_project", programme),
        "can_import": can(request.user, "import", programme),
        "querystring": querystring_without_page(request),
    }
    template = "ledger/project_list.html"
    if request.htmx and request.htmx.target == "ledger-table":
        template += "#ledger-table"
    return render(request, template, context)


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def project_detail(request, pk):
    project = get_project(request.user, pk)
    user = request.user
    records = ChangeRecord.objects.filter(project_id=project.pk).order_by("-at", "-id")[:200]
    context = {
        "project": project,
        "programme": project.programme,
        "districts": project.districts.all(),
        "members": project.task_force.members.all() if project.task_force else [],
        "milestones": project.milestones.all(),
        "photos": project.photos.all()[:12],
        "history": history_rows(records, show_contacts=can(user, "view_contacts", project)),
        "can_change": can(user, "change", project),
        "can_view_contacts": can(user, "view_contacts", project),
        "can_change_task_force": can(user, "change_task_force", project),
        "can_change_milestones": can(user, "change_milestones", project),
        "can_archive": can(user, "archive", project),
        # What the apps above the ledger let the user do from here (raise a problem, post an
        # update, issue a task, read the targets): registered in each app's extensions.py.
        **{
            k: v
            for found in collect("project_page_abilities", user, project)
            for k, v in found.items()
        },
        "warnings": services.ledger_warnings(project),
        "carried_by_reports": services.carried_by_reports(project),
        "member_form": MemberForm(),
        "milestone_form": MilestoneForm(),
        "photo_form": PhotoForm(),
        "archive_form": ArchiveForm(),
        "demo_notice": project.programme.is_demo,
    }
    return render(request, "ledger/project_detail.html", context)


@login_required
def project_create(request):
    programme = current_programme(request)
    require(request.user, "create_project", programme)
    form = ProjectForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(
                programme,
                form.changed_data_dict(),
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已创建项目“%(name)s”") % {"name": project.name})
            for warning in services.ledger_warnings(project):
                messages.warning(request, warning)
            return redirect("ledger:project_detail", pk=project.pk)
    return render(
        request, "ledger/project_form.html", {"form": form, "programme": programme, "project": None}
    )


@login_required
def project_edit(request, pk):
    project = get_project(request.user, pk, "change")
    editable = editable_fields(request.user, project)
    form = ProjectForm(
        request.POST or None, instance=project, programme=project.programme, editable=editable
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.update_project(
                project,
                form.changed_data_dict(),
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
                reason=form.cleaned_data.get("reason", ""),
            )
        except services.ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            for warning in services.ledger_warnings(project):
                messages.warning(request, warning)
            return redirect("ledger:project_detail", pk=project.pk)
    return render(
        request,
        "ledger/project_form.html",
        {"form": form, "programme": project.programme, "project": project},
    )


@login_required
@require_POST
def project_archive(request, pk):
    project = get_project(request.user, pk, "archive")
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写归档原因"))
    else:
        services.archive_project(project, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("项目已归档（可恢复）"))
    return redirect("ledger:project_detail", pk=project.pk)


@login_required
@require_POST
def project_restore(request, pk):
    project = get_project(request.user, pk, "restore")
    services.restore_project(project, by=request.user)
    messages.success(request, _("项目已恢复"))
    return redirect("ledger:project_detail", pk=project.pk)


@login_required
@require_POST
def member_add(request, pk):
    project = get_project(request.user, pk, "change_task_force")
    form = MemberForm(request.POST)
    if form.is_valid():
        services.add_task_force_member(project, form.cleaned_data, by=request.user)
        messages.success(request, _("已添加专班成员"))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("ledger:project_detail", pk=project.pk)


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    project = get_project(request.user, pk, "change_task_force")
    member = get_object_or_404(TaskForceMember, pk=member_pk, task_force=project.task_force)
    services.remove_task_force_member(project, member, by=request.user)
    messages.success(request, _("已移除专班成员"))
    return redirect("ledger:project_detail", pk=project.pk)


@login_required
@require_POST
def milestone_save(request, pk, milestone_pk=None):
    project = get_project(request.user, pk, "change_milestones")
    milestone = (
        get_object_or_404(Milestone, pk=milestone_pk, project=project) if milestone_pk else None
    )
    form = MilestoneForm(request.POST, instance=milestone)
    if form.is_valid():
        try:
            services.save_milestone(
                project, form.cleaned_data, by=request.user, milestone=milestone
            )
        except ValidationError as exc:  # the ledger's rules: credible dates
            form.add_error(None, exc)
            messages.error(request, form_errors_text(form))
        else:
            messages.success(request, _("节点已保存"))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("ledger:project_detail", pk=project.pk)


@login_required
@require_POST
def photo_upload(request, pk):
    project = get_project(request.user, pk, "add_photo")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_photo(
                project,
                form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("照片已上传"))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("ledger:project_detail", pk=project.pk)


@login_required
def photo_file(request, pk, photo_pk):
    """Photos are served through the permission check, never from a public folder."""
    project = get_project(request.user, pk)
    photo = get_object_or_404(Photo, pk=photo_pk, project=project)
    return image_response(photo.image)


def permission_denied_message(exc: PermissionDenied) -> str:
    return str(exc) or _("您没有权限执行此操作")
