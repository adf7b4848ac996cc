"""Inserting many rows fast, for demo data and benchmarks.

`bulk_create` builds a model instance per row and prepares every value
through the ORM; for millions of rows that costs more than the database
does. `insert_rows` takes plain dicts and runs one prepared INSERT per table
with `executemany`, adapting only the values that need it (datetimes, JSON).
It skips model validation and signals on purpose: callers write rows that
are already consistent.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections, models, router

from core import clock


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """INSERT one row per dict (keyed by field name); returns the count.

    Missing fields take their defaults; a foreign key may be given as a model
    instance saved after the dict was built (its primary key is read now).
    """
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    readers = [_reader(field, connection) for field in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = [tuple(read(row) for read in readers) for row in rows]
    if values:
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)
    return len(values)


def _reader(field: models.Field, connection) -> Callable[[dict[str, Any]], Any]:
    """How to take `field`'s database value out of a row dict."""
    name, attname = field.name, field.attname
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        default = clock.now()
    else:
        default = field.get_default()
    if field.is_relation:

        def read(row):
            value = row.get(name, row.get(attname, default))
            return value.pk if isinstance(value, models.Model) else value

        return read
    if isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        return lambda row: adapt(row.get(name, default))
    if isinstance(field, models.JSONField):
        return lambda row: field.get_db_prep_save(row.get(name, default), connection)
    return lambda row: row.get(name, default)
