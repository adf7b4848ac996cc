"""Inserting many rows fast, for demo data and benchmarks.

`bulk_create` builds a model instance per row and prepares every value
through the ORM; for millions of rows that costs more than the database
does. `insert_rows` takes plain dicts and runs one prepared INSERT per table
with `executemany`, adapting only the values that need it (foreign keys
given as instances, datetimes, JSON). It skips model validation and signals
on purpose: callers write rows that are already consistent.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from django.db import connections, models, router
from django.db.models.constants import OnConflict

from core import clock


def insert_rows(
    model: type[models.Model], rows: Iterable[dict[str, Any]], *, skip_conflicts: bool = False
) -> int:
    """INSERT one row per dict, keyed by field name; returns how many were inserted.

    Missing fields take their defaults (auto_now fields: now); a foreign key
    may be given as a model instance saved after the dict was built (its
    primary key is read now). With `skip_conflicts`, a row that would break a
    unique constraint is left out instead of failing the whole insert.
    """
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.name: f.get_default() for f in fields}
    pick = itemgetter(*(f.name for f in fields))
    adapters = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f, connection))]
    values = []
    for row in rows:
        value = list(pick(defaults | row))
        for position, adapt in adapters:
            value[position] = adapt(value[position])
        values.append(value)
    if values:
        quote = connection.ops.quote_name
        on_conflict = OnConflict.IGNORE if skip_conflicts else None
        sql = "{} {} ({}) VALUES ({}) {}".format(
            connection.ops.insert_statement(on_conflict=on_conflict),
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
            connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)
            # Both drivers sum executemany's rows (a skipped conflict counts 0).
            return cursor.rowcount
    return 0


def _adapter(field: models.Field, connection) -> Callable[[Any], Any] | None:
    """How to turn a row's value for `field` into what the driver takes (None: as is)."""
    if field.is_relation:
        return lambda value: value.pk if isinstance(value, models.Model) else value
    if isinstance(field, models.DateTimeField):
        adapt = _sqlite_datetime if connection.vendor == "sqlite" else (lambda value: value)
        if field.auto_now or field.auto_now_add:
            stamp = clock.now()
            return lambda value: adapt(stamp if value is None else value)
        return adapt if connection.vendor == "sqlite" else None
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _sqlite_datetime(value: datetime | None) -> str | None:
    """Naive UTC text, as Django stores datetimes in SQLite; cheap for UTC values."""
    if value is None:
        return None
    if value.tzinfo is UTC:
        return str(value)[:-6]  # drop "+00:00"
    return str(value.astimezone(UTC).replace(tzinfo=None))


def insert_selected(
    model: type[models.Model], rows: models.QuerySet, columns: dict[str, Any]
) -> int:
    """INSERT one `model` row per row `rows` selects; returns how many were new.

    `columns` maps each field to write to an expression over `rows` (F(),
    Value(), JSONObject() …). The rows never travel through Python: a sweep
    that finds 400,000 due accounts is one statement. A row that would break
    a unique constraint is skipped, so the constraint decides what is new.
    """
    connection = connections[router.db_for_write(model)]
    aliases = {f"insert_{n}": expression for n, expression in enumerate(columns.values())}
    selected = rows.order_by().annotate(**aliases).values_list(*aliases).query
    select_sql, params = selected.get_compiler(connection=connection).as_sql()
    fields = [model._meta.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    sql = (
        "{insert} {table} ({columns}) SELECT {aliases} FROM ({select}) AS selected {ignore}".format(
            insert=connection.ops.insert_statement(on_conflict=OnConflict.IGNORE),
            table=quote(model._meta.db_table),
            columns=", ".join(quote(field.column) for field in fields),
            aliases=", ".join(quote(alias) for alias in aliases),
            select=select_sql,
            ignore=connection.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None),
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
