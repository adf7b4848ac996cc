"""Writing many scores at once: the day's snapshots and the accounts' latest scores, upserted.

The one place the health app writes SQL by hand. On PostgreSQL, a batch of at least
COPY_FROM rows is COPYed into a temporary table and upserted from it with two
INSERT … SELECT … ON CONFLICT DO UPDATE statements; smaller batches (a re-score of a
few accounts), and SQLite, go through `bulk_create(update_conflicts=True)`.

Why: measured on PostgreSQL with 7,700 scored accounts on the shared 2-core machine,
`bulk_create` of the two rows per account took 9.6 s (7 s of it Django preparing and
psycopg quoting ~100k values client-side); COPY and the two upserts take a fraction of
that and grow with the rows, not with Python's work per value. Both paths write the
same rows (tests/health/test_bulk_scores.py runs both), and both keep one snapshot per
account and day: the unique constraint decides, so two workers at once still write one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import connection

from .models import AccountHealth, HealthSnapshot

if TYPE_CHECKING:
    from .scoring import Scored

COPY_FROM = 500  # rows; below, the temporary table costs more than it saves
FIELDS = ["version_id", "score", "band", "factors", "computed_at"]


def upsert_scores(chunk: Sequence[Scored], *, day: date, now: datetime) -> None:
    """Make `chunk` the accounts' snapshots for `day` and their latest scores.

    Runs inside the caller's transaction (the rows are locked in account order)."""
    if connection.vendor == "postgresql" and len(chunk) >= COPY_FROM:
        _copy_and_upsert(chunk, day=day, now=now)
        return
    common = [
        dict(
            account_id=r.account_id,
            version_id=r.version_id,
            score=r.score,
            band=r.band,
            factors=r.factors,
            computed_at=now,
        )
        for r in chunk
    ]
    update = [f.removesuffix("_id") for f in FIELDS]
    HealthSnapshot.objects.bulk_create(
        [HealthSnapshot(day=day, **row) for row in common],
        update_conflicts=True,
        unique_fields=["account", "day"],
        update_fields=update,
    )
    AccountHealth.objects.bulk_create(
        [AccountHealth(**row) for row in common],
        update_conflicts=True,
        unique_fields=["account"],
        update_fields=update,
    )


def _copy_and_upsert(chunk: Sequence[Scored], *, day: date, now: datetime) -> None:
    snapshots = HealthSnapshot._meta.db_table
    latest = AccountHealth._meta.db_table
    updates = ", ".join(f"{f} = EXCLUDED.{f}" for f in FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE health_scored (account_id bigint, version_id bigint, "
            "score smallint, band varchar(16), factors jsonb)"
        )
        with cursor.copy(
            "COPY health_scored (account_id, version_id, score, band, factors) FROM STDIN"
        ) as copy:
            for r in chunk:
                copy.write_row((r.account_id, r.version_id, r.score, r.band, json.dumps(r.factors)))
        cursor.execute(
            f"INSERT INTO {snapshots} (account_id, day, version_id, score, band, factors, "
            "computed_at) SELECT account_id, %s, version_id, score, band, factors, %s "
            "FROM health_scored ORDER BY account_id "
            f"ON CONFLICT (account_id, day) DO UPDATE SET {updates}",
            [day, now],
        )
        cursor.execute(
            f"INSERT INTO {latest} (account_id, version_id, score, band, factors, computed_at) "
            "SELECT account_id, version_id, score, band, factors, %s "
            "FROM health_scored ORDER BY account_id "
            f"ON CONFLICT (account_id) DO UPDATE SET {updates}",
            [now],
        )
        cursor.execute("DROP TABLE health_scored")
