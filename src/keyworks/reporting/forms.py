"""Monthly report forms."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.core.forms import style_fields

from .models import MonthlyReport
from .services import DRAFT_FIELDS


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MonthlyReport
        fields = list(DRAFT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in DRAFT_FIELDS
            if name not in ("completed_this_month", "next_plan_investment")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("completed_this_month", "next_plan_investment"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
            self.fields[name].help_text = _("单位：万元")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        style_fields(self)

    def data_dict(self) -> dict:
        return {name: self.cleaned_data[name] for name in DRAFT_FIELDS}


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("更正理由"), widget=forms.Textarea(attrs={"rows": 2})
    )
