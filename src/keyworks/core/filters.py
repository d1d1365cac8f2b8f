"""What the list filters share: a keyword over several fields, and the as-of date."""

from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext as _


class ListFilterMixin:
    """Mixed into a `django_filters.FilterSet`.

    `keyword_fields`: the lookups a `method="filter_keyword"` filter searches (any of them
    containing the text, case-insensitive). Filters that depend on the as-of date use
    `method="filter_noop"` and are applied together in the FilterSet's `qs`."""

    keyword_fields: tuple[str, ...] = ()

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for lookup in self.keyword_fields:
            condition |= Q(**{f"{lookup}__icontains": value})
        return queryset.filter(condition)

    def filter_noop(self, queryset, name, value):
        return queryset

    @property
    def as_of_date(self):
        """The valid `as_of` date, or None (today)."""
        return self.form.cleaned_data.get("as_of") if self.is_bound and self.is_valid() else None


def bad_filter(form) -> HttpResponse:
    """An export's answer to an invalid filter (400): each field and why."""
    fields = "；".join(f"{name}：{' '.join(errors)}" for name, errors in form.errors.items())
    return HttpResponse(
        _("筛选条件有误。%(fields)s") % {"fields": fields},
        status=400,
        content_type="text/plain; charset=utf-8",
    )
