"""Both ways of writing scores (health.bulk): COPY + INSERT … ON CONFLICT on PostgreSQL for
big batches, bulk_create otherwise, write the same rows, and writing a day twice (a
re-score) replaces the day's row rather than adding one."""

import pytest
from django.utils import timezone

from core import clock
from health import bulk
from health.models import AccountHealth, HealthSnapshot
from health.scoring import Scored
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _rows(model, *fields):
    return sorted(model.objects.values_list(*fields))


@pytest.mark.parametrize("copy_from", [1, 10_000])  # COPY (on PostgreSQL); bulk_create
def test_both_paths_write_the_same_rows_and_a_second_write_replaces(
    copy_from, default_model, monkeypatch
):
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)
    version = default_model.current_version
    accounts = AccountFactory.create_batch(3)
    now = clock.now()
    day = timezone.localdate(now)
    first = [
        Scored(a.pk, version.pk, 40 + n, "steady", {"logins": [float(n), n]})
        for n, a in enumerate(accounts)
    ]
    bulk.upsert_scores(first, day=day, now=now)
    again = [
        Scored(r.account_id, version.pk, 80, "thriving", {"logins": [12.0, 20]}) for r in first
    ]
    bulk.upsert_scores(again, day=day, now=now)
    assert _rows(HealthSnapshot, "account_id", "day", "score", "band", "factors") == [
        (a.pk, day, 80, "thriving", {"logins": [12.0, 20]}) for a in accounts
    ]
    assert _rows(AccountHealth, "account_id", "score", "band", "version_id") == [
        (a.pk, 80, "thriving", version.pk) for a in accounts
    ]
