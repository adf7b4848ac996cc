"""Playbook b1: a manager changes the health status by hand."""

import pytest

from accounts.models import HealthStatus
from accounts.services import change_health_status
from tests.workflows.outcomes import customer_messages, emails_to, footprint, stage, tag_names

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

# In the order a manager might walk an account down the board.
STATUSES = [
    HealthStatus.THRIVING,
    HealthStatus.HEALTHY,
    HealthStatus.STEADY,
    HealthStatus.STRUGGLING,
]


def test_each_health_status_replaces_the_last_tag_moves_the_card_and_writes_in_its_tone(
    deliver, account, contact, by_manager
):
    previous = None
    for status in STATUSES:
        deliver(
            lambda status=status: change_health_status(
                account=account, status=status, cause=by_manager
            )
        )

        label = HealthStatus(status).label
        assert tag_names(account) == {label}, f"after {label}, {previous} is gone"
        assert stage(account, "health") == label
        [message] = customer_messages(account, f"b1-health-{status}")
        assert (message.recipient, message.status) == ("jordan@acme.example", "sent")
        previous = label

    e_mails = emails_to("jordan@acme.example")
    assert len(e_mails) == len(STATUSES)
    struggling = e_mails[-1]
    assert struggling.subject == "We'd like to help, today if possible"
    assert "We'll get back to you today." in struggling.body
    assert "Book a call for today" in struggling.body


def test_setting_the_same_status_again_changes_nothing(deliver, account, contact, by_manager):
    def set_struggling():
        return change_health_status(
            account=account, status=HealthStatus.STRUGGLING, cause=by_manager
        )

    deliver(set_struggling)
    before = footprint(account)

    deliver(set_struggling)

    assert footprint(account) == before
    assert tag_names(account) == {"Struggling"}
