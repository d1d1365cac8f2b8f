"""Writing each row's own values to many rows in one statement per batch.

Django's `bulk_update` writes `SET f = CASE WHEN id=1 THEN … WHEN id=2 THEN … END` per
batch: the database walks the CASE for every row (quadratic in the batch size) and Django
builds and resolves an expression per row. Joining a VALUES list is linear on both sides:

    UPDATE t SET f = v.column2 FROM (VALUES (1, …), (2, …)) AS v WHERE t.id = v.column1

PostgreSQL and SQLite (3.33+) both accept this form and both name VALUES columns
column1, column2, …; PostgreSQL needs each value cast to the column's type.
"""

from collections.abc import Sequence

from django.db import connections, models, router


def bulk_set(
    model: type[models.Model],
    objs: Sequence[models.Model],
    fields: Sequence[str],
    *,
    batch_size: int = 1000,
) -> int:
    """Write `fields` of every object in `objs` (matched by primary key); return the rows
    updated. Fields must be concrete, non-primary-key, non-many-to-many."""
    if not objs or not fields:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    for field in targets:
        if not field.concrete or field.primary_key or field.many_to_many:
            raise ValueError(f"bulk_set cannot write {model.__name__}.{field.name}")
    quote = connection.ops.quote_name
    cast = connection.vendor == "postgresql"

    def slot(field) -> str:
        return f"CAST(%s AS {field.db_type(connection)})" if cast else "%s"

    pk = meta.pk
    row_sql = "(" + ", ".join(slot(f) for f in [pk, *targets]) + ")"
    table = quote(meta.db_table)
    assignments = ", ".join(
        f"{quote(field.column)} = v.column{i}" for i, field in enumerate(targets, start=2)
    )
    # SQLite allows 32,766 bound parameters per statement.
    batch_size = max(1, min(batch_size, 30_000 // (len(targets) + 1)))
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params: list = []
            for obj in batch:
                params.append(pk.get_db_prep_save(obj.pk, connection))
                for field in targets:
                    value = getattr(obj, field.attname)
                    params.append(field.get_db_prep_save(value, connection))
            values = ", ".join([row_sql] * len(batch))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v "
                f"WHERE {table}.{quote(pk.column)} = v.column1",
                params,
            )
            updated += cursor.rowcount
    return updated
