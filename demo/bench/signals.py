"""The work-queue detectors at scale: nine weeks of feature use for every account, then the
usage detector and the whole hourly sweep, twice (the second run finds nothing new).

The use is written with one INSERT … SELECT per week (set-based, so seeding does not
dominate the part), shaped so that about 1 account in 10 drops and 1 in 20 spikes.
"""

from datetime import timedelta

from django.db import connection

from accounts.models import Account
from activity.models import Feature, FeatureSession
from core import clock
from workqueue import detectors

WEEKS = 9


def seed_weekly_use() -> int:
    """Sessions for every account in each of the last nine weeks; returns rows written."""
    feature = Feature.objects.order_by("pk").first()
    now = clock.now()
    adapt = connection.ops.adapt_datetimefield_value
    table, accounts = FeatureSession._meta.db_table, Account._meta.db_table
    written = 0
    with connection.cursor() as cursor:
        for week in range(WEEKS):
            # Usual weeks: 60–260 minutes by account; the last week drops for id % 10 == 0
            # and doubles for id % 20 == 5.
            # (a.id - a.id / n * n is a.id mod n in both databases' integer arithmetic.)
            usual = "60 + (a.id - a.id / 200 * 200)"
            minutes = (
                f"CASE WHEN a.id - a.id / 10 * 10 = 0 THEN 10 "
                f"WHEN a.id - a.id / 20 * 20 = 5 THEN 600 ELSE {usual} END"
                if week == 0
                else usual
            )
            cursor.execute(
                f"INSERT INTO {table} (account_id, feature_id, started_at, minutes, created_at,"
                " cause_kind, cause_reason)"
                f" SELECT a.id, %s, %s, {minutes}, %s, 'system', 'bench' FROM {accounts} a",
                [feature.pk, adapt(now - timedelta(days=7 * week + 3, seconds=17)), adapt(now)],
            )
            written += cursor.rowcount
    return written


def parts():
    """(label, function) pairs the bench measures, in order."""
    rules = detectors.signal_rules()
    return [
        ("usage detector (baseline in SQL)", lambda: len(detectors.usage(rules)["usage_drop"])),
        ("all detectors, first run", lambda: sum(detectors.run_all().values())),
        ("all detectors, re-run", lambda: sum(detectors.run_all().values())),
    ]
