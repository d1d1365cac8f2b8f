"""The platform administrators' pages (三员分立): accounts for the system administrator,
platform roles, locks and the policy for the security administrator, the security log
and the chains' state for the audit administrator. None of them shows programme data."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyworks.audit.chain import verify
from keyworks.audit.models import ChangeRecord, SecurityEvent
from keyworks.core.forms import add_errors
from keyworks.ledger.models import Programme
from keyworks.orgs.models import PlatformRole, Role, User

from . import services
from .forms import AccountForm, SecurityEventFilter
from .lockout import FAILED, lock_for
from .permissions import require_platform_role


@login_required
def accounts(request):
    require_platform_role(request.user, PlatformRole.SYSTEM)
    qs = User.objects.select_related("home_programme").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    offices = set(
        User.objects.filter(
            roles__role=Role.OFFICE, pk__in=[u.pk for u in page.object_list]
        ).values_list("pk", flat=True)
    )
    return render(
        request,
        "accounts/platform_accounts.html",
        {"page": page, "q": q, "offices": offices},
    )


@login_required
def account_edit(request, pk=None):
    require_platform_role(request.user, PlatformRole.SYSTEM)
    account = get_object_or_404(User, pk=pk) if pk else None
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password"}
        try:
            account = services.save_account(
                data, by=request.user, account=account, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("账号已保存"))
            return redirect("accounts:platform_account", pk=account.pk)
    is_office = bool(
        account
        and account.home_programme_id
        and account.roles.filter(role=Role.OFFICE, programme_id=account.home_programme_id).exists()
    )
    return render(
        request,
        "accounts/platform_account.html",
        {"form": form, "account": account, "is_office": is_office},
    )


@login_required
@require_POST
def account_office(request, pk):
    account = get_object_or_404(User, pk=pk)
    programme = get_object_or_404(Programme, pk=account.home_programme_id or 0)
    try:
        services.set_office(account, programme, request.POST.get("grant") == "1", by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("accounts:platform_account", pk=pk)


@login_required
def security(request):
    """Locks in force and the platform roles (security administrator)."""
    require_platform_role(request.user, PlatformRole.SECURITY)
    since = timezone.now() - settings.LOCKOUT_WINDOW - settings.LOCKOUT_DURATION
    recent = SecurityEvent.objects.filter(kind=FAILED, at__gte=since)
    locks = [
        lock
        for by, values in (
            ("username", recent.exclude(username="").values_list("username", flat=True)),
            ("source", recent.exclude(source="").values_list("source", flat=True)),
        )
        for value in sorted(set(values))
        if (lock := lock_for(by, value)) is not None
    ]
    admins = User.objects.exclude(platform_role="").order_by("platform_role", "username")
    return render(
        request,
        "accounts/platform_security.html",
        {"locks": locks, "admins": admins, "roles": PlatformRole.choices, "policy": policy()},
    )


def policy() -> list[tuple[str, str]]:
    window = int(settings.LOCKOUT_WINDOW.total_seconds() // 60)
    locked = int(settings.LOCKOUT_DURATION.total_seconds() // 60)
    if settings.OTP_FOR_OFFICE:
        otp = _("平台管理员必须启用；办公室必须启用")
    else:
        otp = _("平台管理员必须启用")
    return [
        (_("密码最短长度"), _("%(n)s 位") % {"n": settings.PASSWORD_MIN_LENGTH}),
        (
            _("密码字符种类"),
            _("至少 %(n)s 类（小写、大写、数字、符号）") % {"n": settings.PASSWORD_MIN_CLASSES},
        ),
        (
            _("登录失败锁定"),
            _("%(window)s 分钟内失败 %(failures)s 次，锁定 %(locked)s 分钟")
            % {"window": window, "failures": settings.LOCKOUT_FAILURES, "locked": locked},
        ),
        (_("会话空闲超时"), _("%(n)s 分钟") % {"n": settings.SESSION_IDLE // 60}),
        (_("会话最长时间"), _("%(n)s 小时") % {"n": settings.SESSION_MAX_AGE // 3600}),
        (_("双因素认证"), otp),
    ]


@login_required
@require_POST
def security_unlock(request):
    services.unlock(
        request.user,
        username=request.POST.get("username", ""),
        source=request.POST.get("source", ""),
    )
    messages.success(request, _("已解除锁定"))
    return redirect("accounts:platform_security")


@login_required
@require_POST
def security_role(request):
    require_platform_role(request.user, PlatformRole.SECURITY)
    account = User.objects.filter(username=request.POST.get("username", "").strip()).first()
    if account is None:
        messages.error(request, _("账号不存在"))
        return redirect("accounts:platform_security")
    try:
        services.set_platform_role(account, request.POST.get("role", ""), by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已保存"))
    return redirect("accounts:platform_security")


@login_required
def security_log(request):
    """The security log, read-only (audit administrator)."""
    require_platform_role(request.user, PlatformRole.AUDIT)
    events = SecurityEventFilter(request.GET, queryset=SecurityEvent.objects.select_related("user"))
    page = Paginator(events.qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accounts/platform_log.html",
        {"filter": events, "page": page, "querystring": params.urlencode()},
    )


@login_required
def chains(request):
    """Walk both logs' chains now (audit administrator)."""
    require_platform_role(request.user, PlatformRole.AUDIT)
    results = []
    for label, model in ((_("变更记录"), ChangeRecord), (_("安全审计日志"), SecurityEvent)):
        findings, checked, head = verify(model)
        results.append({"label": label, "findings": findings, "checked": checked, "head": head})
    return render(request, "accounts/platform_chains.html", {"results": results})
