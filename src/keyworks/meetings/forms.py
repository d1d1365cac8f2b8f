"""Dispatch meeting forms."""

from django import forms

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
        label="会议名称 / Title",
        required=False,
        max_length=100,
        help_text="留空则为“第N次周调度会” / Blank: 第N次周调度会",
    )
    date = forms.DateField(label="会议日期 / Date", widget=DATE)
    place = forms.CharField(label="会议地点 / Place", required=False, max_length=100)
    chair = forms.CharField(label="主持人 / Chair", required=False, max_length=100)
    attendees = forms.CharField(
        label="参会人员 / Attendees", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ItemForm(StyledForm):
    title = forms.CharField(label="议题 / Title", max_length=200)
    summary = forms.CharField(
        label="情况说明 / Summary", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionForm(StyledForm):
    text = forms.CharField(label="议定事项 / Decision", widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(label="责任单位 / Responsible unit", queryset=Unit.objects.none())
    deadline = forms.DateField(label="完成时限 / Deadline", widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units()


class NoteForm(StyledForm):
    note = forms.CharField(
        label="说明 / Note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionFilterForm(StyledForm):
    as_of = forms.DateField(
        label="截至日期 / As of",
        required=False,
        widget=DATE,
        help_text="显示该日结束时的清单 / The list as it stood at the end of that day",
        validators=[validate_day],
    )
    q = forms.CharField(
        label="关键词 / Keyword",
        required=False,
        max_length=100,
        help_text="含已办结事项 / Confirmed decisions included",
    )
    status = forms.ChoiceField(
        label="状态 / Status", required=False, choices=[("", "全部")] + TaskStatus.choices
    )
    unit = forms.ModelChoiceField(
        label="责任单位 / Unit", required=False, queryset=Unit.objects.none(), empty_label="全部"
    )
    overdue = forms.BooleanField(label="仅逾期 / Overdue only", required=False)
    meeting = forms.ModelChoiceField(
        label="会议 / Meeting", required=False, queryset=Meeting.objects.none(), empty_label="全部"
    )

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = units()
        if programme is not None:
            used = Decision.objects.filter(meeting__programme=programme).values("lead_unit")
            qs = Unit.objects.filter(pk__in=used)
            self.fields["meeting"].queryset = Meeting.objects.filter(programme=programme)
        self.fields["unit"].queryset = qs
