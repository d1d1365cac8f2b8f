"""Task forms."""

from django import forms

from keyworks.coordination.models import Problem
from keyworks.core.forms import style_fields
from keyworks.core.validators import validate_link
from keyworks.ledger.models import Project
from keyworks.orgs.models import Unit
from keyworks.reporting.models import MonthlyReport

from .models import TaskKind
from .permissions import can_issue_task
from .services import leaders


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label="类型 / Kind", choices=())
    issued_by = forms.ModelChoiceField(
        label="批示领导 / Leader",
        queryset=None,
        required=False,
        help_text="领导批示必填；办公室可代领导录入 / Required for instructions",
    )
    issued_on = forms.DateField(
        label="交办（批示）日期 / Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="默认为今天 / Today if empty",
    )
    text = forms.CharField(label="事项内容 / Text", widget=forms.Textarea(attrs={"rows": 4}))
    project = forms.ModelChoiceField(label="项目 / Project", queryset=None, required=False)
    problem = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    report = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    subject_label = forms.CharField(
        label="涉及事项（如会议） / Subject", max_length=200, required=False
    )
    subject_url = forms.CharField(
        label="涉及事项链接 / Link",
        max_length=300,
        required=False,
        validators=[validate_link],
        help_text="http(s) 地址或本站路径（如 /meetings/12/） / An http(s) address or a site path",
    )
    lead_unit = forms.ModelChoiceField(label="牵头责任单位 / Lead unit", queryset=None)
    assisting_units = forms.ModelMultipleChoiceField(
        label="配合单位 / Assisting units",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    deadline = forms.DateField(
        label="办理时限 / Deadline", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, programme, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label)
            for value, label in TaskKind.choices
            if can_issue_task(user, programme, value)
        ]
        self.fields["issued_by"].queryset = leaders(programme)
        self.fields["project"].queryset = Project.objects.filter(programme=programme)
        self.fields["problem"].queryset = Problem.objects.restrict(user).filter(
            project__programme=programme
        )
        self.fields["report"].queryset = MonthlyReport.objects.restrict(user).filter(
            project__programme=programme
        )
        units = Unit.objects.order_by("kind", "name")
        self.fields["lead_unit"].queryset = units
        self.fields["assisting_units"].queryset = units
        style_fields(self)


class ActionForm(forms.Form):
    """The text of an answer, an acceptance note or a return comment; the services decide
    when it is required."""

    note = forms.CharField(
        label="说明 / Note", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
