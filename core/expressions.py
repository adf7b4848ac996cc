"""SQL expressions the ORM lacks, for work done in the database rather than row by row.

Each works on SQLite and PostgreSQL, the two databases OpenCSM runs on.
"""

from django.db.models import DurationField, ExpressionWrapper, Func, IntegerField, JSONField


class WholeDaysBetween(Func):
    """Whole days from `earlier` to `later` (two datetimes): `(later - earlier).days`.

    For a non-negative span, as Python counts it (a span of 6 days 23 hours is 6).
    The span is the ORM's own datetime subtraction; only reading its days
    differs by database, because the ORM has no "days of a duration".
    """

    arity = 1
    output_field = IntegerField()

    def __init__(self, later, earlier, **extra) -> None:
        span = ExpressionWrapper(later - earlier, output_field=DurationField())
        super().__init__(span, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # timestamptz - timestamptz is an interval of days and time, never months.
        template = "EXTRACT(DAY FROM %(expressions)s)::integer"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps a duration as its microseconds (an integer).
        template = "(%(expressions)s / 86400000000)"
        return self.as_sql(compiler, connection, template=template, **extra)


class JSONBoolean(Func):
    """A condition as a JSON true/false, to put inside JSONObject.

    SQLite has no boolean type: JSON_OBJECT would store 1 or 0 instead.
    """

    arity = 1
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_jsonb(%(expressions)s)", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = "json(CASE WHEN %(expressions)s THEN 'true' ELSE 'false' END)"
        return self.as_sql(compiler, connection, template=template, **extra)
