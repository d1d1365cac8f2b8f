"""Tracked items as they stood at the end of a past day (动态销号), from their append-only
events (`core.workflow.ItemEvent`): each event carries the item's state after its step, so
the state at a moment is that of the latest event before it.

`cutoff` is an aware datetime (`core.calendar.end_of_day(day)`); None means now."""

from django.db.models import F, OuterRef, Q, QuerySet, Subquery


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
