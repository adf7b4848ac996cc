"""Counting the statements a piece of code runs, for tests that pin query counts."""

import re

from django.test.utils import CaptureQueriesContext

INSERT = re.compile(r'^INSERT (?:OR IGNORE )?INTO "?(\w+)"?')
# Django asks SQLite once per connection whether it has JSON (features.supports_json_field),
# in a savepoint, the first time a JSON value is written: which test pays for it depends on
# the order tests run in, so it is not the code's own statement.
JSON_PROBE = 'SELECT JSON(\'{"a": "b"}\')'


def _without_backend_probes(sqls: list[str]) -> list[str]:
    kept: list[str] = []
    skip_release = False
    for sql in sqls:
        if sql == JSON_PROBE:
            if kept and kept[-1].startswith("SAVEPOINT "):
                kept.pop()
                skip_release = True
            continue
        if skip_release and sql.startswith("RELEASE SAVEPOINT "):
            skip_release = False
            continue
        kept.append(sql)
    return kept


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The statements run, with one bulk insert that Django split into batches
    counted once (Django 5.2 allows SQLite 999 parameters per statement, so
    1,000 events take several INSERTs). Single-row inserts are merged only
    into a bulk insert just before them, so a loop creating one row per
    account still shows. Django's own one-off backend probes are left out."""
    seen: list[str] = []
    for sql in _without_backend_probes([q["sql"] for q in captured.captured_queries]):
        insert = INSERT.match(sql)
        bulk = insert and f"bulk insert into {insert.group(1)}"
        if bulk and seen and seen[-1] == bulk:  # the next batch (the last may be one row)
            continue
        seen.append(bulk if insert and "), (" in sql else sql)
    return seen
