"""Writing change records. Services call `record_change` inside their own transaction."""

import datetime
import uuid
from decimal import Decimal

from django.db import models

from .chain import seal_after_commit
from .hooks import changes_recorded
from .middleware import current_request_id
from .models import ChangeRecord


def to_json(value):
    """A JSON-safe copy of a field value (Decimal as string so 万元 stay exact)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or None
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """Concrete field values of `obj` (FKs as ids), or just `fields`."""
    wanted = None if fields is None else set(fields)
    data = {}
    for field in obj._meta.concrete_fields:
        if wanted is not None and field.name not in wanted:
            continue
        data[field.name] = to_json(getattr(obj, field.attname))
    return data


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """The changed keys only, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    keys += [k for k in before if k not in after]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def actor_label(user) -> str:
    if user is None:
        return "系统"  # stored with the record, as data
    return getattr(user, "full_name", "") or user.get_username()


def build_change(
    *,
    by,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    project_id: int | None = None,
    programme_id: int | None = None,
) -> ChangeRecord:
    """An unsaved change record (for `record_change` or a bulk write)."""
    return ChangeRecord(
        actor=by if by is not None and by.pk else None,
        actor_name=actor_label(by)[:100],
        request_id=current_request_id(),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:200],
        project_id=project_id,
        programme_id=programme_id,
        before=before,
        after=after,
        reason=reason[:500],
    )


def record_change(**kwargs) -> ChangeRecord:
    """Write one change record; call inside the service's transaction. It is sealed into
    the log's chain when the transaction commits (audit.chain)."""
    record = build_change(**kwargs)
    record.save()
    seal_after_commit(ChangeRecord, [record.pk])
    changes_recorded.send(ChangeRecord, records=[record])
    return record


def record_changes(records: list[ChangeRecord]) -> None:
    """Write many change records at once (bulk imports), sealed like `record_change`."""
    created = ChangeRecord.objects.bulk_create(records, batch_size=1000)
    seal_after_commit(ChangeRecord, [r.pk for r in created])
    changes_recorded.send(ChangeRecord, records=created)
