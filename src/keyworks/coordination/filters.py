"""The one filter definition for the problem list, shared by the page and the export.

`as_of` (YYYY-MM-DD) shows the list as it stood at the end of that day (Asia/Shanghai):
the problems open then, with their status and level then, computed from ProblemEvent."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keyworks.core import asof
from keyworks.core.calendar import validate_day
from keyworks.ledger.models import Project
from keyworks.orgs.models import Unit

from .models import OPEN_STATUSES, Problem, ProblemCategory, ProblemEvent, ProblemStatus

STATE_CHOICES = [("open", _("未销号")), ("closed", _("已销号")), ("all", _("全部（含作废）"))]


def with_state(queryset, cutoff=None):
    """Annotate `status_then`, `level_then` and `progress` (the latest handling note), as
    of `cutoff` (an aware datetime) or now (core.asof)."""
    notes = asof.latest(ProblemEvent, "note", cutoff, kind=ProblemEvent.Kind.NOTE)
    return asof.with_state(queryset, ProblemEvent, cutoff).annotate(progress=notes)


def open_at(queryset, cutoff):
    """Leave out problems closed (销号) before `cutoff`: closing is final, so they were not
    open then, and their state need not be looked up. Voided ones are left to the state."""
    return queryset.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))


class ProblemFilter(asof.AsOfFilterMixin, django_filters.FilterSet):
    keyword_fields = ("description", "need", "resolution_note", "project__name")

    as_of = django_filters.DateFilter(
        label=_("截至日期"),
        method="filter_noop",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_day],
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")
    # Set by links from a project's page; a programme may have 10,000 projects, so no
    # <select> of them (the keyword also matches project names).
    project = django_filters.ModelChoiceFilter(
        label=_("项目"), queryset=Project.objects.none(), widget=forms.HiddenInput
    )
    category = django_filters.ChoiceFilter(label=_("问题类别"), choices=ProblemCategory.choices)
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=ProblemStatus.choices, method="filter_noop"
    )
    state = django_filters.ChoiceFilter(
        label=_("范围"), choices=STATE_CHOICES, method="filter_noop", empty_label=None
    )
    lead_unit = django_filters.ModelChoiceFilter(
        label=_("牵头单位"), queryset=Unit.objects.none(), empty_label=_("全部")
    )
    overdue = django_filters.BooleanFilter(
        label=_("仅逾期"),
        method="filter_noop",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Problem
        fields = ["q", "project", "category", "lead_unit"]

    created = "raised_at"
    closed = (ProblemStatus.CLOSED,)  # voided ones show under "all"

    def limit(self, programme) -> None:
        self.filters["project"].queryset = Project.objects.filter(programme=programme)
        self.filters["lead_unit"].queryset = Unit.objects.filter(
            lead_problems__project__programme=programme
        ).distinct()

    def narrow(self, queryset, cutoff, data, state):
        wanted_open = state == "open" or data.get("overdue") or data.get("status") in OPEN_STATUSES
        return open_at(queryset, cutoff) if cutoff is not None and wanted_open else queryset

    def annotate_state(self, queryset, cutoff):
        return with_state(queryset, cutoff)

    def finish(self, queryset):
        return (
            queryset.select_related("project", "project__programme", "lead_unit")
            .prefetch_related("assisting_units")
            .order_by("project__seq", "raised_at", "id")
        )
