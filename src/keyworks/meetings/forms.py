"""Dispatch meeting forms."""

from django import forms
from django.utils.translation import gettext_lazy

from keyworks.core.calendar import validate_day
from keyworks.core.forms import style_fields
from keyworks.orgs.models import Unit
from keyworks.tasks.models import TaskStatus

from .models import Decision, Meeting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def units():
    return Unit.objects.exclude(kind=Unit.Kind.ENTERPRISE).order_by("kind", "name")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class MeetingForm(StyledForm):
    title = forms.CharField(
        label=gettext_lazy("会议名称"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("留空则为“第N次周调度会”"),
    )
    date = forms.DateField(label=gettext_lazy("会议日期"), widget=DATE)
    place = forms.CharField(label=gettext_lazy("会议地点"), required=False, max_length=100)
    chair = forms.CharField(label=gettext_lazy("主持人"), required=False, max_length=100)
    attendees = forms.CharField(
        label=gettext_lazy("参会人员"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ItemForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("议题"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionForm(StyledForm):
    text = forms.CharField(label=gettext_lazy("议定事项"), widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(label=gettext_lazy("责任单位"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=gettext_lazy("完成时限"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units()


class NoteForm(StyledForm):
    note = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionFilterForm(StyledForm):
    as_of = forms.DateField(
        label=gettext_lazy("截至日期"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("显示该日结束时的清单"),
        validators=[validate_day],
    )
    q = forms.CharField(
        label=gettext_lazy("关键词"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("含已办结事项"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部"))] + TaskStatus.choices,
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("责任单位"),
        required=False,
        queryset=Unit.objects.none(),
        empty_label=gettext_lazy("全部"),
    )
    overdue = forms.BooleanField(label=gettext_lazy("仅逾期"), required=False)
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("会议"),
        required=False,
        queryset=Meeting.objects.none(),
        empty_label=gettext_lazy("全部"),
    )

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = units()
        if programme is not None:
            used = Decision.objects.filter(meeting__programme=programme).values("lead_unit")
            qs = Unit.objects.filter(pk__in=used)
            self.fields["meeting"].queryset = Meeting.objects.filter(programme=programme)
        self.fields["unit"].queryset = qs
