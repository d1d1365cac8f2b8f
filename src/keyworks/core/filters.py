"""What the list filters share: a keyword over several fields, and the as-of date."""

from django.db.models import Q


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
