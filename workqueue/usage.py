"""Each account's use against its own normal, in one SQL statement.

The normal is the median of the account's weekly minutes of feature use over the
8 weeks before the last 7 days, weeks without use counting as 0 (so a customer who
used the product in 3 of 8 weeks has a median of 0, not of those 3). The median
over 8 weeks is the mean of the 4th and 5th largest weeks, picked from each account's
weekly sums, which the ORM cannot express, hence the SQL. One pass over the sessions of
the last 9 weeks (an index on their start, covering on PostgreSQL), one GROUP BY per
(account, week), then one per account: on PostgreSQL an ordered aggregate picks the 4th
and 5th weeks; elsewhere (SQLite) a window function ranks them. Times are passed as
adapted parameters. One query whatever the number of accounts.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection

from accounts.models import Account, Lifecycle
from activity.models import FeatureSession

WEEKS = 8


@dataclass(frozen=True)
class Usage:
    account_id: int
    median: Decimal  # weekly minutes, trailing 8 weeks
    recent: Decimal  # minutes in the last 7 days

    def percent(self) -> int:
        """The last 7 days as a % of the median (rounded)."""
        return round(self.recent * 100 / self.median) if self.median else 0


def _weekly() -> str:
    """Minutes per (account, week): week 0 is the last 7 days, 1..8 the baseline weeks."""
    weeks = " ".join(f"WHEN s.started_at >= %s THEN {week}" for week in range(WEEKS))
    return f"""
        SELECT s.account_id AS account_id, CASE {weeks} ELSE {WEEKS} END AS week,
               SUM(s.minutes) AS minutes
        FROM {FeatureSession._meta.db_table} s
        WHERE s.started_at >= %s AND s.started_at < %s
        GROUP BY 1, 2
    """


# PostgreSQL: one GROUP BY over the weekly sums. The 4th and 5th largest baseline weeks
# are items 4 and 5 of the account's weeks sorted by an ordered aggregate (a sort of at
# most 8 values per account, no window over the whole table); a missing item is a week
# without use, 0.
_TOTALS_POSTGRESQL = """
    SELECT account_id,
           (COALESCE((ARRAY_AGG(minutes ORDER BY minutes DESC) FILTER (WHERE week > 0))[4], 0)
            + COALESCE((ARRAY_AGG(minutes ORDER BY minutes DESC) FILTER (WHERE week > 0))[5], 0))
               / 2.0 AS median,
           COALESCE(SUM(minutes) FILTER (WHERE week = 0), 0) AS recent
    FROM weekly GROUP BY account_id
"""

# Elsewhere (SQLite ≥ 3.25): the same figures with a window function ranking the weeks.
_TOTALS_PORTABLE = """
    SELECT account_id,
           SUM(CASE WHEN week > 0 AND position IN (4, 5) THEN minutes ELSE 0 END) / 2.0
               AS median,
           SUM(CASE WHEN week = 0 THEN minutes ELSE 0 END) AS recent
    FROM (
        SELECT account_id, week, minutes,
               ROW_NUMBER() OVER (
                   PARTITION BY account_id, CASE WHEN week = 0 THEN 0 ELSE 1 END
                   ORDER BY minutes DESC
               ) AS position
        FROM weekly
    ) ranked
    GROUP BY account_id
"""


def _sql(vendor: str) -> str:
    totals = _TOTALS_POSTGRESQL if vendor == "postgresql" else _TOTALS_PORTABLE
    return f"""
        WITH weekly AS ({_weekly()}), totals AS ({totals})
        SELECT u.account_id, u.median, u.recent
        FROM totals u
        JOIN {Account._meta.db_table} a ON a.id = u.account_id
        WHERE a.lifecycle = %s AND a.signed_up_at < %s AND u.median >= %s
          AND (u.recent * 100 <= u.median * %s OR u.recent * 100 >= u.median * %s
               OR u.median >= %s)
        ORDER BY u.account_id
    """


def usage_outliers(
    *,
    now: datetime,
    min_median: int,
    drop_percent: int,
    spike_percent: int,
    also_median_at_least: int,
) -> list[Usage]:
    """Active accounts (signed up over 9 weeks ago) whose median is at least `min_median`
    and whose last 7 days are ≤ `drop_percent` or ≥ `spike_percent` of it, plus those
    whose median reaches `also_median_at_least` (the "high usage" the advocacy detector
    asks for). Accounts without any use in the 9 weeks have no median: never returned."""
    adapt = connection.ops.adapt_datetimefield_value
    # Week 0 is the last 7 days; a session belongs to the first week whose start it is after.
    bounds = [adapt(now - timedelta(days=7 * (week + 1))) for week in range(WEEKS)]
    start = now - timedelta(days=7 * (WEEKS + 1))
    params = [
        *bounds,
        adapt(start),
        adapt(now),
        Lifecycle.ACTIVE,
        adapt(start),
        min_median,
        drop_percent,
        spike_percent,
        also_median_at_least,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor), params)
        return [
            Usage(account_id, Decimal(str(median)), Decimal(str(recent)))
            for account_id, median, recent in cursor.fetchall()
        ]
