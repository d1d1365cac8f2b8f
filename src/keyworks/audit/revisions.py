"""Reusing what is computed from a programme's data until that data changes.

Results live in Django's cache (`KEYWORKS_CACHE_URL`: Redis in production, shared by every
worker and machine; local memory on the embedded default) under a key that holds the
programme's *generation*, a counter in the same cache. Every change to programme data
writes change records (the audit rule); when they are written and again when their
transaction commits, the programme's generation moves (`bump_on_commit`), so no worker
reads a result computed before the change.
A reader that computed from data read before a commit stores its result under the old
generation, which nobody asks for any more: it can never be served after the change.
Results also expire after `TIMEOUT`, which bounds the harm of a process dying between
commit and bump. `KEYWORKS_MEASURES_CACHE=false` turns reuse off (most tests run so).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

logger = logging.getLogger(__name__)
TIMEOUT = 15 * 60
# The generation moved by changes that belong to no programme (regions, units, people):
# part of every key.
EVERY_PROGRAMME = 0
MISSING = object()
# What is kept, by kind (for the key and the docs): dashboard JSON bodies per user and
# query ("responses"), the ranking's year-to-date milestone counts ("milestones"), the
# dashboard's month series ("series") and weekly problem counts ("problem_weeks").
RESPONSES, MILESTONES = "responses", "milestones"
SERIES, PROBLEM_WEEKS = "series", "problem_weeks"
# Topics: parts of a programme's data some results depend on alone, with generations of
# their own so that a save elsewhere leaves those results alone. "accepted": what the
# month series sums (accepted reports, targets, pauses, the projects themselves);
# "problems": the problem list and its history.
TOPICS = ("accepted", "problems")


def _generation_key(programme_id: int, topic: str | None = None) -> str:
    suffix = f":{topic}" if topic else ""
    return f"keyworks:generation:{programme_id}{suffix}"


def generation(programme_id: int, topic: str | None = None) -> int:
    """The programme's generation: moves at each commit that changed its data (of
    `topic` only, when given: see `TOPICS`)."""
    key = _generation_key(programme_id, topic)
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, timeout=None)
        value = cache.get(key, 1)
    return value


def bump(programme_id: int, topic: str | None = None) -> None:
    """Move a generation. A cache that cannot be reached must not refuse the save that
    asks (results stored before the outage expire after `TIMEOUT`)."""
    key = _generation_key(programme_id, topic)
    try:
        try:
            cache.incr(key)
        except ValueError:  # not in the cache (expired, evicted, new cache): start afresh
            cache.set(key, 2, timeout=None)
    except Exception:  # noqa: BLE001 - the cache server is down: log and go on
        logger.warning("cache unreachable: generation %s not moved", key, exc_info=True)


def bump_on_commit(programmes) -> None:
    """Move the generations of the programmes whose data the open transaction changed —
    `programmes`: {programme id: topics touched} — now, for readers in this transaction,
    and again at commit, for readers that computed from the data before it while it was
    open. Called with every batch of change records (reporting.figures, which knows each
    project's programme and which topics a record touches)."""
    for programme_id, topics in programmes.items():
        for topic in (None, *topics):
            bump(programme_id, topic)
            transaction.on_commit(lambda pk=programme_id, t=topic: bump(pk, t))


def reuse(kind: str, key: tuple, programme, compute, *, topic: str | None = None):
    """`compute()`, or what it gave for the same `key` since the programme last changed
    (its data of `topic`, when the result depends on that alone), in the same language (a
    result may hold words)."""
    if not settings.MEASURES_CACHE:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    try:
        moved = f"{generation(EVERY_PROGRAMME)}.{generation(programme.pk, topic)}"
        language = translation.get_language() or ""
        full = f"keyworks:{kind}:{programme.pk}:{moved}:{language}:{digest}"
        value = cache.get(full, MISSING)
    except Exception:  # noqa: BLE001 - the cache server is down: compute, as without reuse
        logger.warning("cache unreachable: %s computed afresh", kind, exc_info=True)
        return compute()
    if value is MISSING:
        value = compute()
        cache.set(full, value, timeout=TIMEOUT)
    return value


def clear() -> None:
    """Forget every reused result (tests, benchmarks)."""
    cache.clear()
