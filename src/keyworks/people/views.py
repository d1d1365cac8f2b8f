"""People, roles, units (office) and each user's own profile and API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyworks.core.forms import add_errors, form_errors_text
from keyworks.ledger.permissions import require
from keyworks.ledger.programmes import current_programme
from keyworks.ledger.services import save_unit
from keyworks.orgs.models import ApiToken, RoleAssignment, Unit

from . import permissions, services
from .forms import PersonForm, RoleForm, TokenForm, UnitForm


def office_programme(request):
    programme = current_programme(request)
    require(request.user, "manage_people", programme)
    return programme


def people_with_roles(programme):
    roles = RoleAssignment.objects.filter(programme=programme).select_related(
        "task_force", "region", "unit"
    )
    return (
        permissions.programme_people(programme)
        .select_related("unit")
        .prefetch_related(Prefetch("roles", queryset=roles, to_attr="programme_roles"))
        .order_by("username")
    )


@login_required
def people(request):
    programme = office_programme(request)
    qs = people_with_roles(programme)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    role = request.GET.get("role")
    if role:
        qs = qs.filter(roles__role=role, roles__programme=programme).distinct()
    return render(
        request,
        "people/people.html",
        {
            "programme": programme,
            "people": qs,
            "q": q,
            "role": role,
            "roles": RoleForm.base_fields["role"].choices,
        },
    )


@login_required
def person_edit(request, pk=None):
    programme = office_programme(request)
    person = get_object_or_404(people_with_roles(programme), pk=pk) if pk else None
    manages_account = person is None or permissions.can_manage_account(
        request.user, person, programme
    )
    form = PersonForm(request.POST or None, instance=person)
    if not manages_account:
        for field in form.fields.values():
            field.disabled = True
    role_form = RoleForm(programme=programme)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password"}
        try:
            if person is None:
                person = services.create_user(
                    programme, data, by=request.user, password=form.cleaned_data["password"] or None
                )
                messages.success(request, _("已创建用户，请为其分配角色"))
            else:
                person = services.update_user(programme, person, data, by=request.user)
                if form.cleaned_data["password"]:
                    services.set_password(
                        programme, person, form.cleaned_data["password"], by=request.user
                    )
                messages.success(request, _("已保存"))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("people:person_edit", pk=person.pk)
    assignments = (
        RoleAssignment.objects.filter(user=person, programme=programme).select_related(
            "task_force", "region", "unit"
        )
        if person
        else []
    )
    return render(
        request,
        "people/person_form.html",
        {
            "programme": programme,
            "person": person,
            "form": form,
            "role_form": role_form,
            "assignments": assignments,
            "manages_account": manages_account,
        },
    )


@login_required
@require_POST
def role_add(request, pk):
    programme = office_programme(request)
    person = get_object_or_404(permissions.programme_people(programme), pk=pk)
    form = RoleForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            services.assign_role(
                programme,
                person,
                form.cleaned_data["role"],
                by=request.user,
                task_force=form.cleaned_data["task_force"],
                region=form.cleaned_data["region"],
                unit=form.cleaned_data["unit"],
            )
            messages.success(request, _("已分配角色"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("people:person_edit", pk=person.pk)


@login_required
@require_POST
def role_remove(request, pk, assignment_pk):
    programme = office_programme(request)
    assignment = get_object_or_404(
        RoleAssignment, pk=assignment_pk, user_id=pk, programme=programme
    )
    services.revoke_role(assignment, by=request.user)
    messages.success(request, _("已撤销角色"))
    return redirect("people:person_edit", pk=pk)


@login_required
def units(request):
    programme = office_programme(request)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_unit(programme, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已添加单位"))
            return redirect("people:units")
    return render(
        request,
        "people/units.html",
        {"programme": programme, "units": Unit.objects.select_related("region"), "form": form},
    )


@login_required
def profile(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.create_token(
            request.user, form.cleaned_data["name"], by=request.user
        )
        messages.success(request, _("令牌已创建，请立即复制保存，它不会再次显示"))
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    assignments = RoleAssignment.objects.filter(user=request.user).select_related(
        "programme", "task_force", "region", "unit"
    )
    return render(
        request,
        "people/profile.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "assignments": assignments},
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(token, by=request.user)
    messages.success(request, _("令牌已撤销"))
    return redirect("people:profile")
