"""Counting the statements a piece of code runs, for tests that pin query counts."""

import re

from django.test.utils import CaptureQueriesContext

INSERT = re.compile(r'^INSERT (?:OR IGNORE )?INTO "?(\w+)"?')


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The statements run, with one bulk insert that Django split into batches
    counted once (Django 5.2 allows SQLite 999 parameters per statement, so
    1,000 events take several INSERTs). Single-row inserts are merged only
    into a bulk insert just before them, so a loop creating one row per
    account still shows."""
    seen: list[str] = []
    for query in captured.captured_queries:
        sql = query["sql"]
        insert = INSERT.match(sql)
        bulk = insert and f"bulk insert into {insert.group(1)}"
        if bulk and seen and seen[-1] == bulk:  # the next batch (the last may be one row)
            continue
        seen.append(bulk if insert and "), (" in sql else sql)
    return seen
