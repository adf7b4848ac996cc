"""The service → engine handover (core.handover): trigger events are written with the
change, in its transaction; receivers hear of it only after commit, and one failing
receiver cannot hide the others."""

import pytest
from django.db import transaction

from accounts import signals
from accounts.services import add_tag, change_health_status
from core import handover
from core.causes import Cause
from workflows.models import TriggerEvent
from workflows.recording import record_trigger_events

pytestmark = pytest.mark.django_db


def test_a_failing_receiver_does_not_stop_other_events_of_the_transaction(
    account, django_capture_on_commit_callbacks, caplog
):
    heard = []

    def broken(**kwargs):
        raise RuntimeError("receiver bug")

    def listener(**kwargs):
        heard.append(kwargs["to_status"])

    signals.tag_added.connect(broken)
    signals.health_status_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            add_tag(account=account, tag="VIP", cause=Cause.by_system())
            change_health_status(account=account, status="healthy", cause=Cause.by_system())
    finally:
        signals.tag_added.disconnect(broken)
        signals.health_status_changed.disconnect(listener)

    assert heard == ["healthy"]
    assert "receiver bug" in caplog.text
    account.refresh_from_db()
    assert account.health_status == "healthy"


def test_the_workflow_engine_records_every_handover():
    assert record_trigger_events in handover.recorders()


def test_a_change_rolled_back_takes_its_trigger_event_with_it_and_is_never_announced(
    account, django_capture_on_commit_callbacks
):
    heard = []

    def listener(**kwargs):
        heard.append(kwargs["tag_name"])

    def tag_then_fail():
        with transaction.atomic():
            add_tag(account=account, tag="VIP", cause=Cause.by_system())
            assert TriggerEvent.objects.filter(kind="tag_added").count() == 1  # written at once
            raise RuntimeError("the caller fails after the service")

    signals.tag_added.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError):
                tag_then_fail()
            assert not TriggerEvent.objects.filter(kind="tag_added").exists()
            add_tag(account=account, tag="VIP", cause=Cause.by_system())
    finally:
        signals.tag_added.disconnect(listener)

    assert TriggerEvent.objects.filter(kind="tag_added").count() == 1
    assert heard == ["VIP"]
