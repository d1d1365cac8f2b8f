"""Tamper evidence for the append-only logs (change records, security events).

Each record, once committed, is *sealed*: it gets the next position in its log's chain
(`seq`) and a digest of its own content chained to the digest of the record before it:

    digest(n) = H(digest(n-1) + canonical(record n))

H is SM3 where the platform's OpenSSL offers it, else SHA-256; the digest carries the
algorithm's name ("sm3:…"), so a chain stays verifiable whatever the verifier supports.
Altering a sealed record breaks its digest; deleting one leaves a gap in `seq`;
inserting one (or re-sealing the tail after a change) changes every later digest, which
no longer matches the head digest recorded outside the database (`keyworks audit-verify`
prints it; the audit administrator keeps it).

Sealing runs right after each transaction that wrote records commits, under a lock so
that the chain has one order, and only for the records the application wrote: a row put
in by other means (SQL) stays outside the chain, and `verify` reports it. Positions
follow commit order, not ids: a transaction that committed later gets later positions
even if its rows got smaller ids.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

ALGORITHM = "sm3" if "sm3" in hashlib.algorithms_available else "sha256"
BATCH = 2000
# The application seals a record as soon as its transaction commits: one still unsealed
# after this long was not written by it.
UNSEALED_GRACE = datetime.timedelta(minutes=10)
# Fields that are the record's content (everything but the seal itself).
SEAL_FIELDS = ("seq", "digest")


def canonical(row: dict) -> bytes:
    """A record's content as stable bytes: its stored fields, keys sorted, times to the
    millisecond (as Django's JSON serialisation keeps them, so a restored backup seals
    the same)."""
    content = {k: v for k, v in row.items() if k not in SEAL_FIELDS}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=_plain).encode()


def _plain(value) -> str:
    return DjangoJSONEncoder().default(value)


def chained(previous: str, row: dict, algorithm: str = ALGORITHM) -> str:
    h = hashlib.new(algorithm)
    h.update(previous.encode())
    h.update(canonical(row))
    return f"{algorithm}:{h.hexdigest()}"


def content_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in SEAL_FIELDS]


def _lock(model: type[models.Model]) -> None:
    """One sealer per log at a time. SQLite serialises writers already (transactions
    start IMMEDIATE); PostgreSQL takes an advisory lock for the transaction."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(model._meta.db_table.encode()).digest()[:4], "big")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def seal(model: type[models.Model], ids) -> int:
    """Seal the records `ids` of `model` that exist and are not yet sealed, in id order;
    return how many. Only records the application wrote are sealed (their ids come from
    `seal_after_commit`): a row put in by other means stays outside the chain, where
    `verify` finds it."""
    from keyworks.core.bulk import bulk_set

    ids = sorted(set(ids))
    if not ids:
        return 0
    sealed = 0
    with transaction.atomic():
        _lock(model)
        head = model.objects.filter(seq__isnull=False).order_by("-seq").values("seq", "digest")
        last = head.first() or {"seq": 0, "digest": ""}
        position, previous = last["seq"], last["digest"]
        fields = content_fields(model)
        for start in range(0, len(ids), BATCH):
            rows = model.objects.filter(id__in=ids[start : start + BATCH], seq__isnull=True)
            updates = []
            for row in rows.order_by("id").values(*fields):
                position += 1
                previous = chained(previous, row)
                updates.append(model(id=row["id"], seq=position, digest=previous))
            bulk_set(model, updates, ["seq", "digest"])
            sealed += len(updates)
    return sealed


def seal_after_commit(model: type[models.Model], ids) -> None:
    """Seal these new records of `model` once the current transaction commits. Every
    call registers a callback (one registered in a savepoint that rolls back is
    dropped); the first to run seals everything pending, the others find nothing."""
    pending = getattr(connection, "_keyworks_seal", None)
    if pending is None:
        pending = connection._keyworks_seal = {}
    pending.setdefault(model, set()).update(ids)

    def run() -> None:
        waiting = pending.pop(model, None)
        if waiting:
            seal(model, waiting)

    transaction.on_commit(run)


@dataclass
class Finding:
    seq: int | None
    record_id: int | None
    problem: str

    def __str__(self) -> str:
        if self.seq is not None:
            return _("第 %(seq)s 条：%(problem)s") % {"seq": self.seq, "problem": self.problem}
        return _("记录 %(id)s：%(problem)s") % {"id": self.record_id, "problem": self.problem}


def verify(model: type[models.Model], time_field: str = "at") -> tuple[list[Finding], int, str]:
    """Walk the chain: (findings, records checked, head digest). A finding names the first
    altered or deleted record, or a record outside the chain: older than the newest
    sealed one, or unsealed for longer than the application ever leaves one."""
    findings: list[Finding] = []
    fields = [*content_fields(model), "seq", "digest"]
    expected_seq, previous, checked = 1, "", 0
    newest_sealed_id = 0
    queryset = model.objects.filter(seq__isnull=False).order_by("seq").values(*fields)
    for row in queryset.iterator(chunk_size=BATCH):
        checked += 1
        if row["seq"] != expected_seq:
            findings.append(
                Finding(
                    expected_seq,
                    None,
                    _("缺少第 %(first)s–%(last)s 条（记录被删除）")
                    % {"first": expected_seq, "last": row["seq"] - 1},
                )
            )
            return findings, checked, previous
        algorithm = (row["digest"] or "").split(":", 1)[0] or ALGORITHM
        if algorithm not in hashlib.algorithms_available:
            findings.append(
                Finding(
                    row["seq"],
                    row["id"],
                    _("本机不支持摘要算法 %(algorithm)s") % {"algorithm": algorithm},
                )
            )
            return findings, checked, previous
        if chained(previous, row, algorithm) != row["digest"]:
            findings.append(
                Finding(row["seq"], row["id"], _("内容或摘要与链不符（记录被修改或插入）"))
            )
            return findings, checked, previous
        previous = row["digest"]
        expected_seq += 1
        newest_sealed_id = max(newest_sealed_id, row["id"])
    cutoff = timezone.now() - UNSEALED_GRACE
    stray = (
        model.objects.filter(seq__isnull=True)
        .filter(models.Q(id__lt=newest_sealed_id) | models.Q(**{f"{time_field}__lt": cutoff}))
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if stray is not None:
        findings.append(Finding(None, stray, _("不在链中（记录未经应用写入）")))
    return findings, checked, previous
