"""The one place OpenCSM writes INSERTs by hand: many rows at once, each skipped
if it breaks a unique constraint, and the count of those that were new.

Used for trigger events (the recorder and the sweeps), the API's received
event ids, demo data and the bench's floor. Single rows and upserts go
through the ORM (the engine's step results are `bulk_create(update_conflicts=True)`).
The ORM is not used here because, measured on SQLite and PostgreSQL with
the same TriggerEvent rows, it costs far more than the 10 % allowed:

- `bulk_create(ignore_conflicts=True)` takes 5-7 times as long on SQLite
  (500 and 10,000 rows: Django splits them into 999-parameter statements
  and prepares every value through its field) and 1.4-1.7 times on
  PostgreSQL; nor can it say how many rows were new, which the sweeps
  return and the recorder wakes the engine by.
- Reading a sweep's due rows with `values()` and writing them back with
  `bulk_create` takes 6-19 times as long as one INSERT … SELECT, at 10,000
  and 100,000 rows, on both databases.

`insert_rows` takes plain dicts and runs one INSERT per table with
`executemany`; `insert_selected` inserts what a queryset selects without
reading it into Python. Both skip model validation and signals on purpose:
callers write rows that are already consistent, and the database's
constraints still hold. tests/core/test_bulk.py checks that what they
write reads back as the ORM would have written it.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from django.db import connections, models, router
from django.db.models import Value

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
        placeholders = "VALUES ({})".format(", ".join(["%s"] * len(fields)))
        sql = _insert(connection, model, fields, placeholders, skip_conflicts=skip_conflicts)
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
    """Naive UTC text, as Django stores datetimes in SQLite; cheap for UTC values.

    The field's own get_db_prep_save gives the same text, but its timezone
    handling makes API ingestion 7-20 % slower on SQLite; PostgreSQL's driver
    takes aware datetimes as they are.
    """
    if value is None:
        return None
    if value.tzinfo is UTC:
        return str(value)[:-6]  # drop "+00:00"
    return str(value.astimezone(UTC).replace(tzinfo=None))


def insert_selected(
    model: type[models.Model], rows: models.QuerySet, columns: dict[str, Any]
) -> int:
    """INSERT one `model` row per row `rows` selects; returns how many were new.

    `columns` maps fields to expressions over `rows` (F(), Value(),
    JSONObject() …); fields left out take their defaults (NULL if none). The
    rows never travel through Python: a sweep that finds 400,000 due accounts
    is one statement. A row that would break a unique constraint is skipped,
    so the constraint decides what is new.
    """
    connection = connections[router.db_for_write(model)]
    for field in model._meta.concrete_fields:
        if field.name not in columns and not field.primary_key and field.has_default():
            columns = {**columns, field.name: Value(field.get_default(), output_field=field)}
    aliases = {f"insert_{n}": expression for n, expression in enumerate(columns.values())}
    selected = rows.order_by().annotate(**aliases).values_list(*aliases).query
    select_sql, params = selected.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    # "WHERE true": without a WHERE, SQLite reads ON CONFLICT as the ON of a join
    # (its documented "parsing ambiguity", sqlite.org/lang_upsert.html).
    source = "SELECT {} FROM ({}) AS selected WHERE true".format(
        ", ".join(quote(alias) for alias in aliases), select_sql
    )
    fields = [model._meta.get_field(name) for name in columns]
    sql = _insert(connection, model, fields, source, skip_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _insert(connection, model, fields, source: str, *, skip_conflicts: bool) -> str:
    """INSERT INTO the model's table (the fields' columns) `source`.

    `skip_conflicts` skips a row that breaks a unique constraint, and only
    that: ON CONFLICT DO NOTHING on both databases (SQLite's INSERT OR IGNORE
    would also drop rows that break NOT NULL or CHECK, hiding a bug that
    PostgreSQL would report).
    """
    quote = connection.ops.quote_name
    return "INSERT INTO {} ({}) {}{}".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        source,
        " ON CONFLICT DO NOTHING" if skip_conflicts else "",
    )
