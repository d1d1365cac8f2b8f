"""The one filter for the factor guarantee list, shared by the page, the export and the API.

`as_of` (YYYY-MM-DD) shows the list as it stood at the end of that day (Asia/Shanghai):
the items entered by then, with their demand, secured amount, deadline and note then,
read from FactorEvent (the same approach as coordination.filters); the shortfall and
overdue filters use those figures."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from keyworks.core.calendar import end_of_day, local_today, validate_day
from keyworks.core.filters import ListFilterMixin
from keyworks.core.forms import style_fields
from keyworks.orgs.models import Region, Unit

from .models import FactorEvent, FactorItem, FactorKind

CENT = Decimal("0.01")
STATE_FIELDS = ("demand", "secured", "deadline", "note")


def with_state(queryset, cutoff):
    """Annotate `demand_then`, `secured_then`, `deadline_then` and `note_then`: the
    figures of each item's latest event before `cutoff` (None if it did not exist yet)."""
    latest = FactorEvent.objects.filter(item=OuterRef("pk"), at__lt=cutoff).order_by("-at", "-id")
    return queryset.annotate(
        **{f"{field}_then": Subquery(latest.values(field)[:1]) for field in STATE_FIELDS}
    )


def as_then(items) -> list[FactorItem]:
    """Rows annotated by `with_state`, with their figures set to those of the as-of day,
    so `shortfall`, `is_overdue`, totals and the export read the past. Never save them."""
    items = list(items)
    for item in items:
        for field in STATE_FIELDS:
            setattr(item, field, getattr(item, f"{field}_then"))
        item.note = item.note or ""
        # SQLite hands subquery decimals back unscaled (60, not 60.00).
        item.demand = Decimal(item.demand).quantize(CENT)
        item.secured = Decimal(item.secured).quantize(CENT)
    return items


class FactorFilter(ListFilterMixin, django_filters.FilterSet):
    keyword_fields = ("project__name",)

    as_of = django_filters.DateFilter(
        label=_("截至日期"),
        method="filter_noop",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_day],
    )
    q = django_filters.CharFilter(label=_("项目名称"), method="filter_keyword")
    kind = django_filters.ChoiceFilter(label=_("要素类别"), choices=FactorKind.choices)
    district = django_filters.ModelChoiceFilter(
        label=_("县(市、区)"),
        field_name="project__districts",
        queryset=Region.objects.none(),
        empty_label=_("全部"),
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("责任单位"), queryset=Unit.objects.none(), empty_label=_("全部")
    )
    shortfall = django_filters.BooleanFilter(
        label=_("仅有缺口"), method="filter_noop", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("仅逾期"), method="filter_noop", widget=forms.CheckboxInput
    )

    class Meta:
        model = FactorItem
        fields = ["q", "kind", "district", "responsible_unit"]

    def __init__(self, data=None, *args, programme=None, today=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today or local_today()
        if programme is not None:
            self.filters["district"].queryset = Region.objects.filter(
                Q(parent=programme.region) | Q(pk=programme.region_id)
            ).defer("boundary")
            self.filters["responsible_unit"].queryset = Unit.objects.filter(
                pk__in=FactorItem.objects.filter(project__programme=programme).values(
                    "responsible_unit_id"
                )
            )
        style_fields(self.form)

    @property
    def day(self):
        """The day overdue is judged on: the as-of day, else today."""
        return self.as_of_date or self.today

    @property
    def qs(self):
        if hasattr(self, "_qs_state"):
            return self._qs_state
        # The district filter joins the projects' districts: keep each item once.
        ids = super().qs.values("pk")
        qs = FactorItem.objects.filter(pk__in=ids)
        data = self.form.cleaned_data if self.is_valid() else {}
        suffix = ""
        if data.get("as_of"):
            qs = with_state(qs, end_of_day(data["as_of"])).filter(demand_then__isnull=False)
            suffix = "_then"
        demand, secured, deadline = (f + suffix for f in ("demand", "secured", "deadline"))
        if data.get("shortfall") or data.get("overdue"):
            qs = qs.filter(**{f"{demand}__gt": F(secured)})
        if data.get("overdue"):
            qs = qs.filter(**{f"{deadline}__lt": self.day})
        self._qs_state = qs.select_related("project", "responsible_unit").order_by(
            "project__seq", "kind", "id"
        )
        return self._qs_state

    def rows(self) -> list[FactorItem]:
        """The filtered items with their figures of the as-of day (or now)."""
        return as_then(self.qs) if self.as_of_date else list(self.qs)


def programme_base(user, programme):
    """The items of `programme` the user may read (archived projects left out)."""
    return FactorItem.objects.restrict(user).filter(
        project__programme=programme, project__archived_at=None
    )
