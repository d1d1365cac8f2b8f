"""Who must do what before using the platform: change a password someone else set, use a
second factor (administrators), and sign in again after idling or after a working day."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from keyworks.audit.security import log_event
from keyworks.orgs.roles import is_office_anywhere

# Pages a person may open while the policy still asks something of them.
OPEN = ("login", "logout", "accounts:password_change", "accounts:otp_verify", "accounts:otp_setup")


def otp_required(user) -> bool:
    """Administrators must use a second factor: the platform's three administrators, and
    programme offices where the deployment asks for it (KEYWORKS_OTP_FOR_OFFICE)."""
    if user.platform_role or user.is_superuser:
        return True
    return settings.OTP_FOR_OFFICE and is_office_anywhere(user)


@receiver(user_logged_in)
def start_session(sender, request, user, **kwargs):
    now = time.time()
    request.session["kw_started"] = now
    request.session["kw_seen"] = now


class AccountPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths: tuple[str, ...] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self.is_open(request):
            return self.get_response(request)
        now = time.time()
        session = request.session
        started = session.get("kw_started", now)
        seen = session.get("kw_seen", now)
        if now - started > settings.SESSION_MAX_AGE or now - seen > settings.SESSION_IDLE:
            log_event("session_expired", request=request, user=user, idle=int(now - seen))
            logout(request)
            return self.refuse(request, "login", _("登录已超时，请重新登录"))
        if now - seen > 60:  # a session write at most once a minute
            session["kw_seen"] = now
        if user.password_change_required:
            return self.refuse(request, "accounts:password_change", _("请先修改密码"))
        if not user.is_verified() and (user_has_device(user) or otp_required(user)):
            target = "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
            return self.refuse(request, target, _("请先完成动态验证码验证"))
        return self.get_response(request)

    def is_open(self, request) -> bool:
        if self.open_paths is None:
            self.open_paths = tuple(reverse(name) for name in OPEN)
        path = request.path
        return path in self.open_paths or path.startswith((settings.STATIC_URL, "/healthz"))

    @staticmethod
    def refuse(request, where: str, message: str):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401 if where == "login" else 403)
        target = reverse(where)
        if where == "login":
            target += f"?next={request.path}"
        return redirect(target)
