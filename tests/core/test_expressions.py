"""core.expressions: whole days between two datetimes, counted in the database as
Python counts them, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import DateTimeField, F, Value

from accounts.models import Account
from core.expressions import WholeDaysBetween
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 9, 0, 0, 250_000, tzinfo=UTC)


@pytest.mark.parametrize(
    "span",
    [
        timedelta(0),
        timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999),
        timedelta(days=1),
        timedelta(days=6, hours=23),
        timedelta(days=7),
        timedelta(days=7, microseconds=1),
        timedelta(days=400, hours=5),
    ],
    ids=str,
)
def test_whole_days_between_counts_as_a_python_timedelta_does(span):
    AccountFactory(signed_up_at=NOW - span)

    days = Account.objects.annotate(
        days=WholeDaysBetween(Value(NOW, output_field=DateTimeField()), F("signed_up_at"))
    ).values_list("days", flat=True)

    assert list(days) == [span.days]
