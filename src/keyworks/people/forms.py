from django import forms
from django.utils.translation import gettext_lazy as _

from keyworks.core.forms import style_fields
from keyworks.ledger.models import TaskForce
from keyworks.orgs.models import Region, Role, Unit, User


class PersonForm(forms.ModelForm):
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("留空则不能用密码登录；设置后，本人首次登录时须改为自己的密码"),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "title", "phone", "email", "unit", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    task_force = forms.ModelChoiceField(
        label=_("专班"), queryset=TaskForce.objects.none(), required=False
    )
    region = forms.ModelChoiceField(
        label=_("县(市、区)"), queryset=Region.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("部门"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = TaskForce.objects.filter(
            project__programme=programme
        ).order_by("project__seq")
        self.fields["region"].queryset = Region.objects.filter(parent=programme.region)
        self.fields["unit"].queryset = Unit.objects.exclude(kind=Unit.Kind.ENTERPRISE)
        style_fields(self)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "credit_code", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=50)
