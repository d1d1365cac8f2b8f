"""Task forms."""

from django import forms
from django.utils.translation import gettext_lazy

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
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=())
    issued_by = forms.ModelChoiceField(
        label=gettext_lazy("批示领导"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("领导批示必填；办公室可代领导录入"),
    )
    issued_on = forms.DateField(
        label=gettext_lazy("交办（批示）日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("默认为今天"),
    )
    text = forms.CharField(label=gettext_lazy("事项内容"), widget=forms.Textarea(attrs={"rows": 4}))
    project = forms.ModelChoiceField(label=gettext_lazy("项目"), queryset=None, required=False)
    problem = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    report = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    subject_label = forms.CharField(
        label=gettext_lazy("涉及事项（如会议）"), max_length=200, required=False
    )
    subject_url = forms.CharField(
        label=gettext_lazy("涉及事项链接"),
        max_length=300,
        required=False,
        validators=[validate_link],
        help_text=gettext_lazy("http(s) 地址或本站路径（例：“/meetings/12/”）"),
    )
    lead_unit = forms.ModelChoiceField(label=gettext_lazy("牵头责任单位"), queryset=None)
    assisting_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("配合单位"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    deadline = forms.DateField(
        label=gettext_lazy("办理时限"), widget=forms.DateInput(attrs={"type": "date"})
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
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
