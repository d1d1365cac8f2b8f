"""Factor item form. A responsible unit's user sees only `secured` and `note`."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

from keyworks.core.forms import style_fields
from keyworks.orgs.models import Unit

from .models import DEFAULT_UNITS, FactorItem


class FactorItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FactorItem
        fields = ["kind", "demand", "secured", "unit", "responsible_unit", "deadline", "note"]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.exclude(
            kind=Unit.Kind.ENTERPRISE
        ).order_by("kind", "name")
        if "secured" in self.fields:
            self.fields["secured"].required = False  # blank means none secured yet
        defaults = "；".join(f"{k.label}：{u}" for k, u in DEFAULT_UNITS.items())
        self.fields["unit"].help_text = _("留空按类别默认（%(defaults)s）") % {"defaults": defaults}
        if fields is not None:  # the responsible unit's users: secured and note only
            for name in list(self.fields):
                if name not in fields and name != "version":
                    del self.fields[name]
        style_fields(self)

    def clean_secured(self):
        secured = self.cleaned_data.get("secured")
        return Decimal("0") if secured is None else secured

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
