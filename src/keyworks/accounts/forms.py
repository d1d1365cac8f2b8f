import django_filters
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from keyworks.audit.models import SecurityEvent
from keyworks.audit.security import client_address, log_event
from keyworks.core.forms import style_fields
from keyworks.orgs.models import User

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
        label=gettext_lazy("动态验证码"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class AccountForm(forms.ModelForm):
    """An account as the system administrator keeps it."""

    password = forms.CharField(
        label=gettext_lazy("新密码"),
        required=False,
        widget=forms.PasswordInput,
        help_text=gettext_lazy("留空则不修改；设置后本人首次登录时须改为自己的密码"),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "title", "phone", "email", "home_programme", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class SecurityEventFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(label=gettext_lazy("事件"), field_name="kind")
    username = django_filters.CharFilter(
        label=gettext_lazy("账号"), field_name="username", lookup_expr="icontains"
    )
    source = django_filters.CharFilter(label=gettext_lazy("来源地址"), field_name="source")
    outcome = django_filters.ChoiceFilter(
        label=gettext_lazy("结果"), choices=SecurityEvent.Outcome.choices
    )
    since = django_filters.DateFilter(
        label=gettext_lazy("起始日期"), field_name="at", lookup_expr="date__gte"
    )
    until = django_filters.DateFilter(
        label=gettext_lazy("截止日期"), field_name="at", lookup_expr="date__lte"
    )

    class Meta:
        model = SecurityEvent
        fields = []
