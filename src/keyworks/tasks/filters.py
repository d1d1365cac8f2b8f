"""The one filter definition for the task list, shared by the page, the export and the API.

`as_of` (YYYY-MM-DD) shows the list as it stood at the end of that day (Asia/Shanghai):
the tasks issued by then, with their status and latest answer then, computed from
TaskEvent (core.asof)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keyworks.core import asof
from keyworks.core.calendar import validate_day
from keyworks.ledger.models import Project
from keyworks.orgs.models import Unit

from .models import Task, TaskEvent, TaskKind, TaskStatus

STATE_CHOICES = [("open", _("未办结")), ("closed", _("已办结")), ("all", _("全部"))]


def with_state(queryset, cutoff=None):
    """Annotate `status_then` and `answer_then` (the latest answer) as of `cutoff` (an
    aware datetime) or now (core.asof)."""
    answers = asof.latest(TaskEvent, "note", cutoff, kind=TaskEvent.Kind.ANSWER)
    return asof.with_state(queryset, TaskEvent, cutoff).annotate(answer_then=answers)


class TaskFilter(asof.AsOfFilterMixin, django_filters.FilterSet):
    keyword_fields = ("text", "answer", "subject_label", "project__name", "lead_unit__name")

    as_of = django_filters.DateFilter(
        label=_("截至日期"),
        method="filter_noop",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_day],
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=TaskKind.choices)
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=TaskStatus.choices, method="filter_noop"
    )
    state = django_filters.ChoiceFilter(
        label=_("范围"), choices=STATE_CHOICES, method="filter_noop", empty_label=None
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("责任单位"),
        queryset=Unit.objects.none(),
        empty_label=_("全部"),
        method="filter_unit",
    )
    project = django_filters.ModelChoiceFilter(
        label=_("项目"), queryset=Project.objects.none(), empty_label=_("全部")
    )
    overdue = django_filters.BooleanFilter(
        label=_("仅逾期"), method="filter_noop", widget=forms.CheckboxInput
    )

    class Meta:
        model = Task
        fields = ["q", "kind", "unit", "project"]

    created = "issued_at"
    closed = (TaskStatus.ACCEPTED,)

    def limit(self, programme) -> None:
        self.filters["project"].queryset = Project.objects.filter(programme=programme)
        self.filters["unit"].queryset = Unit.objects.filter(
            Q(lead_tasks__programme=programme) | Q(assisting_tasks__programme=programme)
        ).distinct()

    def filter_unit(self, queryset, name, value):
        ids = Task.objects.filter(Q(lead_unit=value) | Q(assisting_units=value)).values("pk")
        return queryset.filter(pk__in=ids)

    def annotate_state(self, queryset, cutoff):
        return with_state(queryset, cutoff)

    def finish(self, queryset):
        return (
            queryset.select_related("programme", "project", "lead_unit", "issued_by")
            .prefetch_related("assisting_units")
            .order_by("deadline", "issued_at", "id")
        )
