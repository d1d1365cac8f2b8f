"""The one filter for the factor guarantee list, shared by the page, the export and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keyworks.core.calendar import local_today
from keyworks.core.forms import style_fields
from keyworks.orgs import access
from keyworks.orgs.models import Region, Unit

from . import services
from .models import FactorItem, FactorKind


class FactorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("项目名称"), method="filter_keyword")
    kind = django_filters.ChoiceFilter(label=_("要素类别"), choices=FactorKind.choices)
    district = django_filters.ModelChoiceFilter(
        label=_("县(市、区)"),
        field_name="project__districts",
        queryset=Region.objects.none(),
        empty_label="全部",
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("责任单位"), queryset=Unit.objects.none(), empty_label="全部"
    )
    shortfall = django_filters.BooleanFilter(
        label=_("仅有缺口"), method="filter_shortfall", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("仅逾期"), method="filter_overdue", widget=forms.CheckboxInput
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

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(project__name__icontains=value) if value else queryset

    def filter_shortfall(self, queryset, name, value):
        return services.with_shortfall(queryset) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return services.overdue(queryset, self.today) if value else queryset

    @property
    def qs(self):
        # The district filter joins the projects' districts: keep each item once.
        ids = super().qs.values("pk")
        return (
            FactorItem.objects.filter(pk__in=ids)
            .select_related("project", "responsible_unit")
            .order_by("project__seq", "kind", "id")
        )


def programme_base(user, programme):
    """The items of `programme` the user may read (archived projects left out)."""
    return access.visible_factor_items(user).filter(
        project__programme=programme, project__archived_at=None
    )
