"""Domain events leave after commit, and one failing receiver cannot hide the others."""

import pytest
from django.db import transaction

from accounts import signals
from accounts.services import add_tag, change_health_status
from core.causes import Cause

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
