"""Daily snapshots: one per account and day however often the sweep runs, events once per
change, old snapshots keep their version, history thinned after 400 days, touched
accounts re-scored."""

import copy
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Lifecycle
from activity.services.logins import LoginReport, record_login, record_logins
from core.causes import Cause
from health.defaults import DEFAULT_DEFINITION
from health.models import AccountHealth, HealthSnapshot, HealthTouched
from health.services.models import publish_model
from health.services.snapshots import rescore_touched, score_due_accounts, thin_history
from tests.factories import AccountFactory
from workflows.models import TriggerEvent

from .conftest import BY_API, NOW

pytestmark = pytest.mark.django_db


def test_scoring_twice_writes_one_snapshot_per_account_and_day(now, default_model):
    accounts = AccountFactory.create_batch(3)
    AccountFactory(lifecycle=Lifecycle.CHURNED)
    assert score_due_accounts() == 3
    assert score_due_accounts() == 0  # nothing due: everyone has today's
    assert HealthSnapshot.objects.count() == 3
    assert AccountHealth.objects.count() == 3
    assert {s.account_id for s in HealthSnapshot.objects.all()} == {a.pk for a in accounts}


def test_the_next_day_adds_a_snapshot(now, default_model):
    account = AccountFactory()
    score_due_accounts()
    now.shift(timedelta(days=1))
    score_due_accounts()
    assert list(account.health_snapshots.values_list("day", flat=True)) == [
        date(2026, 3, 3),
        date(2026, 3, 2),
    ]


def test_a_band_change_fires_once_with_old_and_new_band_and_what_moved(now, default_model, history):
    account = AccountFactory()
    h = history(account)
    h.logins(*[d + 0.5 for d in range(12)])  # 12 active days: 20 points
    score_due_accounts()
    first = AccountHealth.objects.get(account=account)
    assert first.band == "healthy"  # 20 + 0 + 5 + 20 + 8 + 5 = 58
    now.shift(timedelta(days=40))  # every login now older than 30 days
    score_due_accounts()
    score_due_accounts()
    events = TriggerEvent.objects.filter(kind="health_band_changed")
    assert events.count() == 1
    data = events.get().data
    assert (data["old_band"], data["new_band"], data["worsened"]) == ("healthy", "steady", True)
    assert (data["old_score"], data["new_score"]) == (58, 38)
    assert data["top_factors"] == "Logins -20"


def test_a_drop_of_15_points_within_7_days_fires_once(now, default_model, history):
    account = AccountFactory()
    history(account).logins(*[d + 0.5 for d in range(12)])
    score_due_accounts()
    now.shift(timedelta(days=31))
    score_due_accounts()
    now.shift(timedelta(days=1))
    score_due_accounts()  # still 20 below the week's peak: not a new drop
    drops = TriggerEvent.objects.filter(kind="health_score_dropped")
    assert drops.count() == 1
    assert drops.get().data["drop"] == 20


def test_a_first_score_is_no_band_change(now, default_model):
    AccountFactory()
    score_due_accounts()
    assert not TriggerEvent.objects.filter(kind__startswith="health_").exists()


def test_old_snapshots_keep_the_version_they_were_scored_with(now, default_model, manager):
    account = AccountFactory()
    score_due_accounts()
    v1 = default_model.current_version
    changed = copy.deepcopy(DEFAULT_DEFINITION)
    changed["factors"][0]["weight"] = 25  # logins 25, support 0 → payments 20
    changed["factors"][0]["points"][-1][1] = 25
    changed["factors"][3]["weight"] = 20
    changed["factors"][3]["points"] = [[0, 20], [1, 8], [2, 0]]
    changed["factors"][3]["neutral"] = 15
    v2 = publish_model(
        model=default_model,
        name=default_model.name,
        definition=changed,
        cause=Cause.by_user(manager),
    )
    assert v2.number == 2
    now.shift(timedelta(days=1))
    score_due_accounts()
    versions = dict(account.health_snapshots.values_list("day", "version__number"))
    assert versions == {date(2026, 3, 2): 1, date(2026, 3, 3): 2}
    v1.refresh_from_db()
    assert v1.definition == DEFAULT_DEFINITION


def test_history_past_400_days_is_thinned_to_mondays(now, default_model):
    account = AccountFactory()
    score_due_accounts()
    snapshot = HealthSnapshot.objects.get()
    old_days = [date(2024, 12, 30) + timedelta(days=n) for n in range(14)]  # from a Monday
    HealthSnapshot.objects.bulk_create(
        [
            HealthSnapshot(
                account=account,
                day=day,
                version_id=snapshot.version_id,
                score=50,
                band="steady",
                factors={},
                computed_at=NOW,
            )
            for day in old_days
        ]
    )
    deleted = thin_history(today=date(2026, 3, 2))
    kept = sorted(account.health_snapshots.values_list("day", flat=True))
    assert deleted == 12
    assert kept == [date(2024, 12, 30), date(2025, 1, 6), date(2026, 3, 2)]


def test_a_login_marks_the_account_and_the_minutes_task_rescores_it(
    now, default_model, django_capture_on_commit_callbacks
):
    account = AccountFactory()
    score_due_accounts()
    assert AccountHealth.objects.get(account=account).factors["logins"] == [0.0, 0]
    with django_capture_on_commit_callbacks(execute=True):
        record_login(account=account, cause=BY_API)
    assert HealthTouched.objects.filter(account=account).exists()
    now.shift(timedelta(seconds=30))
    assert rescore_touched() == 1
    assert rescore_touched() == 0
    assert AccountHealth.objects.get(account=account).factors["logins"] == [1.0, 4]
    assert HealthSnapshot.objects.filter(account=account).count() == 1  # today's, replaced


def test_a_batch_of_logins_marks_each_account_with_one_insert(default_model, now):
    accounts = AccountFactory.create_batch(5)
    with CaptureQueriesContext(connection) as captured:
        record_logins(reports=[LoginReport(account=a, cause=BY_API) for a in accounts])
    touches = [q for q in captured.captured_queries if "health_healthtouched" in q["sql"]]
    assert len(touches) == 1
    assert HealthTouched.objects.count() == 5


def test_scoring_takes_the_same_statements_for_30_accounts_as_for_3(
    now, default_model, two_features
):
    counts = []
    for size in (3, 30):
        HealthSnapshot.objects.all().delete()
        AccountFactory.create_batch(size - sum(1 for _ in counts) * 3)
        with CaptureQueriesContext(connection) as captured:
            assert score_due_accounts() == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 20


def test_yesterday_is_not_today_in_the_teams_timezone(default_model):
    # Scores are dated in the team's timezone (settings.TIME_ZONE).
    with time_machine.travel(NOW.replace(hour=23, minute=30), tick=False):
        AccountFactory()
        score_due_accounts()
    assert HealthSnapshot.objects.get().day in {date(2026, 3, 2), date(2026, 3, 3)}
