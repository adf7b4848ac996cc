"""api 0003: event ids recorded per token become the product's, one row per id.

The migration's function runs on rows as the per-token code wrote them.
"""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps

from api.models import InboundEvent
from api.tokens import create_token
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("api.migrations.0003_one_sender_per_installation")
AT = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)


def recorded(sender: str, event_id: str, minutes: int = 0, **fields) -> InboundEvent:
    return InboundEvent.objects.create(
        sender=sender,
        event_id=event_id,
        kind="login",
        received_at=AT + timedelta(minutes=minutes),
        **fields,
    )


def test_token_senders_become_the_product_keeping_the_first_row_of_a_repeated_id():
    old, _ = create_token(name="Old")
    rotated, _ = create_token(name="Rotated")
    acme = AccountFactory(external_id="acme")
    first = recorded(f"token:{old.pk}", "evt-1", account=acme)
    recorded(f"token:{rotated.pk}", "evt-1", minutes=60, account=acme)  # the replay
    recorded(f"token:{rotated.pk}", "evt-2")
    recorded("token:999", "evt-3")  # a token deleted since
    tie = recorded(f"token:{rotated.pk}", "evt-4", minutes=5)
    recorded(f"token:{old.pk}", "evt-4", minutes=5)
    recorded("token:999", "evt-4", minutes=5)
    recorded("stripe", "evt-1")

    MIGRATION.one_sender_for_every_token(apps, None)

    rows = {
        (e.sender, e.event_id): (e.pk, e.token_id)
        for e in InboundEvent.objects.order_by("event_id")
    }
    assert rows == {
        ("product", "evt-1"): (first.pk, old.pk),
        ("product", "evt-2"): (rows["product", "evt-2"][0], rotated.pk),
        ("product", "evt-3"): (rows["product", "evt-3"][0], None),
        ("product", "evt-4"): (tie.pk, rotated.pk),
        ("stripe", "evt-1"): (rows["stripe", "evt-1"][0], None),
    }


def test_going_back_gives_each_row_its_token_sender_again():
    token, _ = create_token(name="Production app")
    recorded(f"token:{token.pk}", "evt-1")
    recorded("stripe", "evt-2")
    MIGRATION.one_sender_for_every_token(apps, None)

    MIGRATION.a_sender_per_token(apps, None)

    assert set(InboundEvent.objects.values_list("sender", "event_id")) == {
        (f"token:{token.pk}", "evt-1"),
        ("stripe", "evt-2"),
    }
