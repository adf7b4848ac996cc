"""core.bulk: the one hand-built INSERT, kept because the ORM's bulk_create is
several times slower for the same rows and cannot say how many were new.
What it writes must read back exactly as the ORM would have written it."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.db.models import CharField, DateTimeField, F, Value
from django.db.models.functions import Cast, Concat, JSONObject

from accounts.models import Account
from core.bulk import insert_rows, insert_selected
from core.causes import Cause
from tests.factories import AccountFactory
from workflows.models import TriggerEvent

pytestmark = pytest.mark.django_db

CAUSE = Cause.by_system("bulk test").as_fields()
WHEN = datetime(2025, 9, 1, 9, 30, 15, 123_456, tzinfo=UTC)


def event(account, key: str, **fields) -> dict:
    return {"kind": "test", "account": account, "event_key": key, "created_at": WHEN} | (
        CAUSE | fields
    )


def test_rows_read_back_as_the_orm_wrote_them():
    account = AccountFactory()
    paris = WHEN.astimezone(ZoneInfo("Europe/Paris"))

    inserted = insert_rows(
        TriggerEvent,
        [
            event(account, "utc", data={"score": 5, "tags": ["VIP"], "never": True}),
            event(account.pk, "paris", created_at=paris, processed_at=paris),
        ],
    )

    assert inserted == 2
    by_key = {e.event_key: e for e in TriggerEvent.objects.all()}
    utc, other = by_key["utc"], by_key["paris"]
    assert (utc.account_id, utc.created_at) == (account.pk, WHEN)
    assert utc.data == {"score": 5, "tags": ["VIP"], "never": True}
    # Fields left out take their defaults.
    assert (utc.depth, utc.processed_at) == (0, None)
    assert (other.data, other.created_at, other.processed_at) == ({}, WHEN, WHEN)
    # Filtering by the instant finds it, as for a row the ORM wrote.
    assert TriggerEvent.objects.filter(created_at=WHEN).count() == 2
    assert TriggerEvent.objects.filter(created_at__gt=WHEN - timedelta(microseconds=1)).count() == 2


def test_a_foreign_key_given_as_an_instance_is_read_when_inserted():
    account = Account(name="Saved later", signed_up_at=WHEN)
    rows = [event(account, "later")]
    account.save()

    insert_rows(TriggerEvent, rows)

    assert TriggerEvent.objects.get().account_id == account.pk


def test_skipping_conflicts_leaves_out_only_the_rows_already_there_and_counts_the_new():
    account = AccountFactory()
    insert_rows(TriggerEvent, [event(account, "a", data={"first": True})])

    new = insert_rows(
        TriggerEvent,
        [event(account, "a", data={"first": False}), event(account, "b")],
        skip_conflicts=True,
    )

    assert new == 1
    assert dict(TriggerEvent.objects.values_list("event_key", "data")) == {
        "a": {"first": True},
        "b": {},
    }
    assert insert_rows(TriggerEvent, [event(account, "b")], skip_conflicts=True) == 0


def test_skipping_conflicts_does_not_hide_a_row_that_breaks_another_rule():
    account = AccountFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(TriggerEvent, [event(account, "x", kind=None)], skip_conflicts=True)


def test_a_conflict_without_skipping_is_an_error():
    account = AccountFactory()
    insert_rows(TriggerEvent, [event(account, "a")])

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(TriggerEvent, [event(account, "a")])


def selected_events(accounts):
    return insert_selected(
        TriggerEvent,
        accounts,
        {
            "kind": Value("test"),
            "account": F("pk"),
            "event_key": Concat(Value("s:"), Cast("pk", CharField()), output_field=CharField()),
            "data": JSONObject(score=F("score")),
            "created_at": Value(WHEN, output_field=DateTimeField()),
            "cause_kind": Value(CAUSE["cause_kind"]),
            "cause_reason": Value(CAUSE["cause_reason"]),
        },
    )


def test_insert_selected_writes_a_row_per_selected_row_and_counts_only_the_new():
    first, second = AccountFactory(score=10), AccountFactory(score=20)

    assert selected_events(Account.objects.filter(pk=first.pk)) == 1
    assert selected_events(Account.objects.all()) == 1
    assert selected_events(Account.objects.all()) == 0

    rows = TriggerEvent.objects.order_by("account_id")
    assert [(e.account_id, e.event_key, e.data, e.created_at, e.depth) for e in rows] == [
        (first.pk, f"s:{first.pk}", {"score": 10}, WHEN, 0),
        (second.pk, f"s:{second.pk}", {"score": 20}, WHEN, 0),
    ]
