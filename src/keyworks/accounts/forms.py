from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from keyworks.audit.security import client_address, log_event
from keyworks.core.forms import style_fields

from .lockout import current_lock


class SignInForm(AuthenticationForm):
    """Django's sign-in form, saying so when the account or the address is locked."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        lock = current_lock(username, client_address(self.request))
        if lock is not None:
            log_event("login_locked", request=self.request, username=username, success=False)
            raise ValidationError(lock.message, code="locked")
        return super().clean()


class OtpForm(forms.Form):
    token = forms.CharField(
        label="动态验证码",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
