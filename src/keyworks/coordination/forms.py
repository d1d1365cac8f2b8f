"""Problem list forms."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.core.forms import style_fields
from keyworks.orgs.models import Unit

from .models import EscalationLevel, EscalationRule, Problem


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = [
            "category",
            "description",
            "need",
            "lead_unit",
            "assisting_units",
            "deadline",
            "deadline_reason",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "need": forms.Textarea(attrs={"rows": 2}),
            "deadline_reason": forms.Textarea(attrs={"rows": 2}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "assisting_units": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.exclude(kind=Unit.Kind.ENTERPRISE).order_by("kind", "name")
        self.fields["lead_unit"].queryset = units
        self.fields["assisting_units"].queryset = units
        self.fields["deadline_reason"].help_text = _("办理时限早于今天时必填")
        style_fields(self)

    def data_dict(self) -> dict:
        return dict(self.cleaned_data)


class NoteForm(forms.Form):
    """The text of a note, resolution, check, return or void reason; the services decide
    when it is required (closing needs none once the lead unit wrote a resolution)."""

    note = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(
        label=gettext_lazy("牵头责任单位"), queryset=Unit.objects.none()
    )
    assisting_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("配合单位"), queryset=Unit.objects.none(), required=False
    )
    deadline = forms.DateField(
        label=gettext_lazy("办理时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=gettext_lazy("交办意见"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.exclude(kind=Unit.Kind.ENTERPRISE).order_by("kind", "name")
        self.fields["lead_unit"].queryset = units
        self.fields["assisting_units"].queryset = units
        style_fields(self)


class EscalateForm(forms.Form):
    level = forms.TypedChoiceField(
        label=gettext_lazy("升级到"), choices=EscalationLevel.choices, coerce=int
    )
    note = forms.CharField(label=gettext_lazy("理由"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class EscalationRuleForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EscalationRule
        fields = ["enabled", "overdue_days", "stuck_days", "max_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Automatic escalation starts above the first level.
        self.fields["max_level"].choices = [
            c for c in EscalationLevel.choices if c[0] > EscalationLevel.DISTRICT
        ]
        style_fields(self)
