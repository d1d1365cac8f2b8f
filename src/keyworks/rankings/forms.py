"""The scoring scheme form (office). The rules live in `services.validate_scheme`."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.core.forms import style_fields

from .models import PARTS


class SchemeForm(forms.Form):
    red_count = forms.IntegerField(label=gettext_lazy("红榜名额"), min_value=0, max_value=10)
    black_count = forms.IntegerField(label=gettext_lazy("黑榜名额"), min_value=0, max_value=10)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label, _weight in reversed(PARTS):
            self.fields = {
                f"weight_{code}": forms.IntegerField(
                    label=_("%(part)s（分）") % {"part": label}, min_value=0, max_value=100
                ),
                **self.fields,
            }
        style_fields(self)

    @classmethod
    def for_scheme(cls, scheme, data=None) -> "SchemeForm":
        initial = {f"weight_{code}": w for code, w in scheme.weights().items()}
        initial.update(
            red_count=scheme.red_count, black_count=scheme.black_count, version=scheme.version
        )
        return cls(data=data, initial=initial)
