"""The one filter definition for the ledger list, shared by the page, the export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keyworks.core.filters import ListFilterMixin
from keyworks.core.forms import style_fields
from keyworks.orgs.models import Region, Unit

from .models import Category, Grade, Project, Stage

SORTS = {
    "seq": ("category__sort", "seq"),
    "name": ("name",),
    "-total": ("-total_investment", "seq"),
    "total": ("total_investment", "seq"),
    "-completed": ("-completed_investment", "seq"),
    "planned_start": ("planned_start", "seq"),
    "-updated": ("-updated_at",),
}
SORT_CHOICES = [
    ("seq", _("按序号")),
    ("name", _("按名称")),
    ("-total", _("总投资从高到低")),
    ("total", _("总投资从低到高")),
    ("-completed", _("完成投资从高到低")),
    ("planned_start", _("计划开工")),
    ("-updated", _("最近更新")),
]


class ProjectFilter(ListFilterMixin, django_filters.FilterSet):
    keyword_fields = ("name", "code", "content", "address", "owner__name")

    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")
    category = django_filters.ModelChoiceFilter(
        label=_("项目类别"), queryset=Category.objects.none(), empty_label=_("全部")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("县(市、区)"),
        field_name="districts",
        queryset=Region.objects.none(),
        empty_label=_("全部"),
    )
    stage = django_filters.ChoiceFilter(label=_("建设阶段"), choices=Stage.choices)
    grade = django_filters.ChoiceFilter(label=_("项目级别"), choices=Grade.choices)
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("责任单位"), queryset=Unit.objects.none(), empty_label=_("全部")
    )
    archived = django_filters.ChoiceFilter(
        label=_("归档"),
        choices=[("exclude", _("不含已归档")), ("include", _("含已归档")), ("only", _("仅已归档"))],
        method="filter_archived",
        empty_label=None,
    )
    sort = django_filters.ChoiceFilter(
        label=_("排序"), choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Project
        fields = ["q", "category", "district", "stage", "grade", "responsible_unit"]

    def __init__(self, data=None, *args, programme=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("archived", "exclude")
        data.setdefault("sort", "seq")
        super().__init__(data, *args, **kwargs)
        self.programme = programme
        if programme is not None:
            self.filters["category"].queryset = programme.categories.all()
            self.filters["district"].queryset = Region.objects.filter(
                Q(parent=programme.region) | Q(pk=programme.region_id)
            ).defer("boundary")
            # A semi-join, not DISTINCT over a join with every project of the programme.
            in_programme = Project.objects.filter(programme=programme)
            self.filters["responsible_unit"].queryset = Unit.objects.filter(
                pk__in=in_programme.values("responsible_unit_id")
            )
        style_fields(self.form)  # builds the form, so only after the querysets are set

    @property
    def qs(self):
        qs = super().qs
        if "archived" not in self.form.cleaned_data or not self.form.cleaned_data.get("archived"):
            qs = qs.filter(archived_at__isnull=True)
        return qs.distinct() if self.form.cleaned_data.get("district") else qs

    def filter_archived(self, queryset, name, value):
        if value == "include":
            return queryset
        if value == "only":
            return queryset.filter(archived_at__isnull=False)
        return queryset.filter(archived_at__isnull=True)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["seq"]))


def filtered_projects(request, programme):
    base = Project.objects.restrict(request.user).filter(programme=programme)
    return ProjectFilter(request.GET, queryset=base, programme=programme)
