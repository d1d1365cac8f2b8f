"""Ledger forms: validation of what a person types, before services write it."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keyworks.core.forms import style_fields
from keyworks.core.money import format_wan
from keyworks.orgs.models import Region, Unit

from .models import Milestone, Project, TaskForceMember

PROJECT_FIELDS = [
    "name",
    "code",
    "category",
    "grade",
    "stage",
    "districts",
    "address",
    "longitude",
    "latitude",
    "owner",
    "responsible_unit",
    "total_investment",
    "completed_investment",
    "annual_investment",
    "planned_start",
    "planned_finish",
    "actual_start",
    "actual_finish",
    "content",
    "annual_target",
    "output_indicators",
    "district_progress",
]


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class ProjectForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("修改说明"), required=False, max_length=500)

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "planned_start": DateInput,
            "planned_finish": DateInput,
            "actual_start": DateInput,
            "actual_finish": DateInput,
            "content": forms.Textarea(attrs={"rows": 3}),
            "annual_target": forms.Textarea(attrs={"rows": 2}),
            "output_indicators": forms.Textarea(attrs={"rows": 2}),
            "district_progress": forms.Textarea(attrs={"rows": 2}),
            "districts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, programme, editable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = programme.categories.all()
        self.fields["districts"].queryset = Region.objects.filter(
            Q(parent=programme.region) | Q(pk=programme.region_id)
        )
        self.fields["owner"].queryset = Unit.objects.filter(kind=Unit.Kind.ENTERPRISE)
        self.fields["responsible_unit"].queryset = Unit.objects.exclude(kind=Unit.Kind.ENTERPRISE)
        if self.instance.pk:
            # The version the user saw; a save made by someone else since then is refused.
            self.fields["version"].required = True
            self.initial["version"] = self.instance.version
        if self.instance.pk and self.instance.completed_investment is not None:
            carried = self.instance.completed_investment - self.instance.completed_before_reports
            if carried:
                self.fields["completed_investment"].help_text = _(
                    "其中已采纳月报计入 %(carried)s 万元（不能少于此数）：修改本数即修改首份月报"
                    "之前的部分；各月完成投资请通过月报报送，有误请申请更正。"
                ) % {"carried": format_wan(carried)}
        if editable is not None:
            for name, field in self.fields.items():
                if name not in editable and name not in {"version", "reason"}:
                    field.disabled = True
        style_fields(self)

    def changed_data_dict(self) -> dict:
        """Cleaned values of the enabled fields, for `services.update_project`."""
        return {
            name: self.cleaned_data[name]
            for name in PROJECT_FIELDS
            if name in self.cleaned_data and not self.fields[name].disabled
        }


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("归档原因"), max_length=200)


class MemberForm(forms.ModelForm):
    class Meta:
        model = TaskForceMember
        fields = ["name", "position", "unit_name", "phone"]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "planned_date", "actual_date", "duration_days"]
        widgets = {"planned_date": DateInput, "actual_date": DateInput}


class PhotoForm(forms.Form):
    # A plain file field: the service checks the content (core.images), whatever the name.
    image = forms.FileField(
        label=_("照片"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)
