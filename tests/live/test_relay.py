"""The database relay's reading order: ids that commit out of order (PostgreSQL) are not
lost, rows written in a rolled-back transaction never exist, and old rows are pruned."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.live import publish
from core.live.models import RelayedMessage
from core.live.relay import GAP_SECONDS, Poller, prune

pytestmark = pytest.mark.django_db


def row(pk: int, topic: str = "t", age: timedelta = timedelta()) -> RelayedMessage:
    return RelayedMessage.objects.create(
        pk=pk, topic=topic, payload={"pk": pk}, created_at=timezone.now() - age
    )


def read(poller: Poller) -> list[int]:
    return [pk for pk, _topic, _payload in poller.fetch()]


def test_an_id_committed_after_a_later_one_is_still_read_once():
    poller = Poller(layer=None)
    row(1)
    row(3)  # 2 is still in its transaction

    assert read(poller) == [1, 3]
    row(2)
    assert read(poller) == [2]
    assert read(poller) == []


def test_a_gap_that_never_fills_is_given_up():
    poller = Poller(layer=None)
    row(1)
    row(3)
    read(poller)
    poller.gaps[2] = time.monotonic() - GAP_SECONDS - 1  # the id's transaction rolled back

    assert read(poller) == []
    assert poller.gaps == {}


def test_a_publish_in_a_rolled_back_transaction_leaves_no_row(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    with transaction.atomic():
        publish("conversation:1", {"n": 1})
        transaction.set_rollback(True)
    publish("conversation:1", {"n": 2})

    assert list(RelayedMessage.objects.values_list("payload", flat=True)) == [{"n": 2}]


def test_rows_older_than_a_minute_are_pruned():
    row(1, age=timedelta(minutes=2))
    row(2, age=timedelta(seconds=10))

    assert prune() == 1
    assert list(RelayedMessage.objects.values_list("pk", flat=True)) == [2]
