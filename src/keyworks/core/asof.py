"""Tracked items as they stood at the end of a past day (动态销号), from their append-only
events (`core.workflow.ItemEvent`): each event carries the item's state after its step, so
the state at a moment is that of the latest event before it.

`cutoff` is an aware datetime (`core.calendar.end_of_day(day)`); None means now.
`AsOfFilterMixin` is the list filter built on them (state, status, overdue as of a day)."""

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from .calendar import end_of_day, local_today
from .filters import ListFilterMixin
from .forms import style_fields


def history(events, cutoff=None, *conditions: Q, **filters) -> QuerySet:
    """The outer row's events (of the model `events`, matching `conditions` and `filters`)
    before `cutoff`, newest first: for a Subquery on OuterRef("pk")."""
    rows = events.objects.filter(*conditions, **{events.ITEM: OuterRef("pk")}, **filters)
    if cutoff is not None:
        rows = rows.filter(at__lt=cutoff)
    return rows.order_by("-at", "-id")


def latest(events, field: str, cutoff=None, *conditions: Q, **filters) -> Subquery:
    """`field` of the outer row's latest matching event before `cutoff` (else NULL)."""
    return Subquery(history(events, cutoff, *conditions, **filters).values(field)[:1])


def with_state(queryset: QuerySet, events, cutoff=None) -> QuerySet:
    """Annotate `<field>_then` for each field of the state the events carry (`STATE`).

    Now, that is the item's own columns: every step writes them and its event in one
    transaction. Filters on them then use the indexes instead of a lookup per row; only a
    past day needs the events."""
    if cutoff is None:
        return queryset.annotate(**{f"{name}_then": F(name) for name in events.STATE})
    return queryset.annotate(
        **{f"{name}_then": latest(events, name, cutoff) for name in events.STATE}
    )


class AsOfFilterMixin(ListFilterMixin):
    """Mixed into the FilterSet of a tracked item's list (before django_filters.FilterSet):
    the list as it stood at the end of `as_of` (default: now) — `state` open (default) |
    closed | all, a chosen `status` (then in any state), `overdue` on that day.

    The subclass declares the filters `as_of`, `q`, `status`, `state` and `overdue` (the
    as-of ones with method "filter_noop", in the order the form shows them) and sets:
    - `created`: the field of the creation time (rows created after the day are left out);
    - `closed`: the statuses `state=closed` lists;
    - `annotate_state(qs, cutoff)`: `with_state` and the list's own `*_then` columns;
    and may override `narrow(qs, cutoff, data, state)` (leave rows out before their state
    is looked up), `limit(programme)` (the choices of one programme) and `finish(qs)`
    (joins and order)."""

    created = ""
    closed: tuple = ()

    def __init__(self, data=None, *args, programme=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("state", "open")
        super().__init__(data, *args, **kwargs)
        if programme is not None:
            self.limit(programme)
        style_fields(self.form)

    def limit(self, programme) -> None:
        pass

    def narrow(self, queryset, cutoff, data: dict, state: str):
        return queryset

    def finish(self, queryset):
        return queryset

    @property
    def qs(self):
        if not hasattr(self, "_qs_state"):
            self._qs_state = self.finish(self.filter_state(super().qs))
        return self._qs_state

    def filter_state(self, queryset):
        model = self._meta.model
        data = self.form.cleaned_data if self.is_valid() else {}
        as_of = data.get("as_of")
        cutoff = end_of_day(as_of) if as_of else None
        if cutoff is not None:
            queryset = queryset.filter(**{f"{self.created}__lt": cutoff})
        state = "all" if data.get("status") else data.get("state") or "open"
        queryset = self.annotate_state(self.narrow(queryset, cutoff, data, state), cutoff)
        if state == "open":
            queryset = queryset.filter(status_then__in=model.OPEN_STATUSES)
        elif state == "closed":
            queryset = queryset.filter(status_then__in=self.closed)
        if data.get("status"):
            queryset = queryset.filter(status_then=data["status"])
        if data.get("overdue"):
            queryset = queryset.filter(model.overdue_q(as_of or local_today(), "status_then"))
        return queryset
