"""Reusing what is computed from a programme's data until that data changes.

Every change to programme data writes a change record in the same transaction (the audit
rule), so the id of a programme's newest record is its data revision: a result computed
at revision R stays right until the revision moves — or until the clock does, which is
why callers put the day (or the moment) they computed for into the key.

Kept per process (each gunicorn worker has its own), a few entries each, least recently
used first out. `KEYWORKS_MEASURES_CACHE=false` turns reuse off (the tests run so).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings

from .models import ChangeRecord


def data_revision(programme) -> int:
    """The id of the programme's newest change record (0 when it has none)."""
    newest = (
        ChangeRecord.objects.filter(programme_id=programme.pk)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return newest or 0


class LruCache:
    """A few recent results, shared by the threads of one process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get_or_compute(self, key, compute):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = compute()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


# Measures and lights: ~10 MB a month at 10,000 projects.
MEASURES = LruCache(size=12)
# JSON bodies of dashboard endpoints (per user and query): up to ~1 MB each.
RESPONSES = LruCache(size=48)
# Built schedule charts (per user and filters), shared by the pages of one query.
SCHEDULES = LruCache(size=4)


def reuse(store: LruCache, key: tuple, programme, compute):
    """`compute()`, or what it gave for the same `key` at the programme's current revision."""
    if not settings.MEASURES_CACHE:
        return compute()
    return store.get_or_compute((*key, programme.pk, data_revision(programme)), compute)


def clear() -> None:
    MEASURES.clear()
    RESPONSES.clear()
    SCHEDULES.clear()
