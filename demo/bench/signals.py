"""The work-queue detectors at scale: nine weeks of feature use for every account, then the
usage detector and the whole hourly sweep, twice (the second run finds nothing new), then
My day for a CSM whose queue holds 200 of the signals the sweep opened.

The use is written with one INSERT … SELECT per week (set-based, so seeding does not
dominate the part), shaped so that about 1 account in 10 drops and 1 in 20 spikes.
"""

import statistics
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Account
from accounts.roles import CSM
from activity.models import Feature, FeatureSession
from core import clock
from demo.bench.measure import measured
from workqueue import detectors
from workqueue.models import Signal, SignalStatus

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


QUEUE_SIGNALS = 200
PAGE_SAMPLES = 15


def my_day_with_open_signals(count: int = QUEUE_SIGNALS) -> dict:
    """My day (p50 of 15 after a warm-up, and its most queries) for a new CSM given
    `count` of the open signals the sweep raised, with their accounts as the book: the
    issue's "My day with 200 open signals". Run it inside the part's rolled-back
    transaction, after the detectors."""
    user = get_user_model().objects.create_user(
        username="bench-queue", first_name="Bench", last_name="Queue", is_staff=True
    )
    user.groups.set(Group.objects.filter(name=CSM))
    picked = list(
        Signal.objects.filter(status=SignalStatus.OPEN)
        .order_by("pk")
        .values_list("pk", "account_id")[:count]
    )
    Signal.objects.filter(pk__in=[pk for pk, _ in picked]).update(owner=user)
    Account.objects.filter(pk__in=[account for _, account in picked]).update(owner=user)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    url = reverse("home")
    client.get(url)  # warm-up: the first request loads templates and the URLconf
    samples = [measured(lambda: client.get(url)) for _ in range(PAGE_SAMPLES)]
    return {
        "seconds": statistics.median(sample["seconds"] for sample in samples),
        "queries": max(sample["queries"] for sample in samples),
        "peak_mb": max(sample["peak_mb"] for sample in samples),
        "signals": len(picked),
        "status": samples[-1]["result"].status_code,
    }
