"""Annual target forms: the investment plus one formset row per milestone / indicator."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keyworks.core.forms import style_fields

from .models import ItemState
from .services import indicators, milestones

BLANK_MILESTONES = 3
BLANK_INDICATORS = 2


class TargetForm(forms.Form):
    investment = forms.DecimalField(
        label=_("年度计划投资（万元）"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("单位：万元"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ReviseForm(TargetForm):
    reason = forms.CharField(
        label=_("调整理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def filled(form: forms.Form) -> dict:
    """The row's values. A formset skips cleaning rows left as they were shown (Django's
    empty_permitted), so an unchanged row is its initial values."""
    return form.cleaned_data if form.has_changed() else dict(form.initial)


class MilestoneRow(forms.Form):
    name = forms.CharField(label=_("节点名称"), max_length=100, required=False)
    planned_date = forms.DateField(
        label=_("计划完成"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def row(self) -> dict | None:
        data = filled(self)
        if not data.get("name") and not data.get("planned_date"):
            return None
        return {"name": data.get("name", ""), "planned_date": data.get("planned_date")}


class IndicatorRow(forms.Form):
    name = forms.CharField(label=_("指标名称"), max_length=100, required=False)
    unit = forms.CharField(label=_("单位"), max_length=20, required=False)
    value = forms.DecimalField(
        label=_("目标值"),
        max_digits=16,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def row(self) -> dict | None:
        data = filled(self)
        if not data.get("name") and not data.get("unit") and data.get("value") is None:
            return None
        return {
            "name": data.get("name", ""),
            "unit": data.get("unit", ""),
            "value": data.get("value"),
        }


MilestoneFormSet = forms.formset_factory(MilestoneRow, extra=BLANK_MILESTONES)
IndicatorFormSet = forms.formset_factory(IndicatorRow, extra=BLANK_INDICATORS)


def read_only(field: forms.Field) -> None:
    """An accepted item on a returned version: shown, sent back unchanged, not editable."""
    field.widget.attrs["readonly"] = True
    field.widget.attrs["class"] = field.widget.attrs.get("class", "") + " bg-secondary-lt"


class TargetForms:
    """The target form and its two formsets, bound together; rows the office already
    accepted on a returned version are read-only."""

    def __init__(self, data=None, *, target=None, form_class=TargetForm):
        lock = target is not None and target.status == "returned"
        initial = {}
        ms, inds = [], []
        if target is not None:
            initial = {"investment": target.investment, "version": target.version}
            ms, inds = milestones(target), indicators(target)
        self.form = form_class(data, initial=initial)
        self.milestones = MilestoneFormSet(
            data,
            prefix="m",
            initial=[{"name": i.name, "planned_date": i.planned_date} for i in ms],
        )
        self.indicators = IndicatorFormSet(
            data,
            prefix="i",
            initial=[{"name": i.name, "unit": i.unit, "value": i.value} for i in inds],
        )
        if lock and target.investment_state == ItemState.ACCEPTED:
            read_only(self.form.fields["investment"])
        for formset, items in ((self.milestones, ms), (self.indicators, inds)):
            for form, item in zip(formset.forms, items, strict=False):
                form.item = item  # the template shows its review state and comment
                if lock and item.state == ItemState.ACCEPTED:
                    for field in form.fields.values():
                        read_only(field)

    def is_valid(self) -> bool:
        parts = (self.form, self.milestones, self.indicators)
        return all([part.is_valid() for part in parts])

    def data(self) -> dict:
        return {
            "investment": self.form.cleaned_data["investment"],
            "milestones": [r for f in self.milestones.forms if (r := f.row())],
            "indicators": [r for f in self.indicators.forms if (r := f.row())],
        }

    def add_service_errors(self, exc) -> list[str]:
        """Errors from the service: investment on its field, the rest as page messages."""
        rest = []
        for field, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            if field in self.form.fields:
                self.form.add_error(field, messages)
            else:
                rest.extend(messages)
        return rest
