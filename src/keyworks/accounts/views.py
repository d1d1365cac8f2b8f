"""A person's own account: change the password, sign out everywhere, the second factor."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from keyworks.audit.security import log_event
from keyworks.orgs.models import User

from .forms import OtpForm
from .language import LANGUAGES, remember


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form (old password, new twice, the platform's password rules); afterwards
    the "must change" flag is cleared and the other sessions stay signed in (only this
    one is renewed)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("people:profile")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            User.objects.filter(pk=self.request.user.pk).update(password_change_required=False)
            log_event("password_changed", request=self.request, user=self.request.user)
        messages.success(self.request, _("密码已修改"))
        return response


@login_required
@require_POST
def sign_out_everywhere(request):
    """End every session of this person, this one included (e.g. a lost phone)."""
    User.objects.filter(pk=request.user.pk).update(session_epoch=F("session_epoch") + 1)
    log_event("signed_out_everywhere", request=request, user=request.user)
    logout(request)
    return redirect("login")


def qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
def otp_setup(request):
    """Enrol an authenticator app (TOTP): show the key as a QR code, confirm one code."""
    if user_has_device(request.user):
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="身份验证器", confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            log_event("otp_enrolled", request=request, user=request.user)
            messages.success(request, _("已启用动态验证码"))
            return redirect("home")
        form.add_error("token", _("验证码不正确或已过期"))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "secret": secret, "qr": mark_safe(qr_svg(device.config_url))},
    )


@login_required
def otp_verify(request):
    """The second step of signing in for a person with an authenticator."""
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                log_event("otp_verified", request=request, user=request.user)
                return redirect(request.GET.get("next") or "home")
        log_event("otp_failed", request=request, user=request.user, success=False)
        form.add_error("token", _("验证码不正确或已过期"))
    return render(request, "accounts/otp_verify.html", {"form": form})


@login_required
@require_POST
def language(request):
    """The profile page's language choice: kept on the account and in the cookie; "" follows
    the browser again."""
    code = request.POST.get("language", "")
    if code and code not in LANGUAGES:
        return HttpResponseBadRequest()
    User.objects.filter(pk=request.user.pk).update(language=code)
    request.user.language = code
    translation.activate(code or translation.get_language_from_request(request))
    messages.success(request, _("界面语言已保存"))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("people:profile")
    response = redirect(target)
    remember(response, code)
    return response
