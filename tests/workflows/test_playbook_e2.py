"""Playbook e2: a payment failed; the third failure in 30 days escalates."""

from datetime import timedelta
from decimal import Decimal

import pytest

from activity.services.payments import record_payment
from notifications.models import Alert
from tests.workflows.outcomes import emails_to, footprint, inbox, runs_of, stage, tag_names
from workflows.models import RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

ESCALATION = "e2-third-failure-escalation"


def failed(account, cause, external_id):
    """A failed attempt, reported by the provider as it happens."""
    return record_payment(
        account=account,
        external_id=external_id,
        invoice_id="in_2025_09",
        amount=Decimal("99.00"),
        succeeded=False,
        failure_reason="card_declined",
        cause=cause,
    )


def test_a_failed_payment_tags_moves_the_card_emails_the_customer_and_tells_the_owner(
    deliver, account, contact, csm, manager, by_api
):
    deliver(lambda: failed(account, by_api, "ch_1"))

    assert tag_names(account) == {"Payment Failed"}
    assert stage(account, "subscription") == "Subscription Failed"
    [notice] = emails_to("jordan@acme.example")
    assert notice.subject == "Your Example SaaS payment didn't go through"
    assert "Your bank declined the payment without saying why." in notice.body
    assert "card_declined" not in notice.body  # the provider's code is for the team
    assert "Reason: card_declined" in Alert.objects.get(user=csm).body
    assert inbox(csm) == [f"Payment failed: {account.name}"]
    assert (inbox(manager), emails_to(manager.email)) == ([], [])

    before = footprint(account)
    deliver(lambda: failed(account, by_api, "ch_1"))  # the webhook redelivered

    assert footprint(account) == before


def test_the_third_failure_within_30_days_escalates_to_the_managers(
    deliver, frozen_time, account, contact, csm, manager, by_api
):
    deliver(lambda: failed(account, by_api, "ch_1"))
    frozen_time.shift(timedelta(days=10))
    deliver(lambda: failed(account, by_api, "ch_2"))

    assert inbox(manager) == []
    assert [run.decisions[0]["seen"] for run in runs_of(ESCALATION, account)] == [1, 2]
    assert {run.status for run in runs_of(ESCALATION, account)} == {RunStatus.SKIPPED}

    frozen_time.shift(timedelta(days=15))  # day 25: still within 30 days of the first
    deliver(lambda: failed(account, by_api, "ch_3"))

    escalation = f"Escalation: 3 failed payments for {account.name}"
    assert inbox(manager) == [escalation]
    assert [e.subject for e in emails_to(manager.email)] == [escalation]
    assert runs_of(ESCALATION, account)[-1].status == RunStatus.SUCCEEDED
    assert inbox(csm) == [f"Payment failed: {account.name}"] * 3
    assert len(emails_to("jordan@acme.example")) == 3
    assert account.tag_events.count() == 1  # tagged once, not three times


def test_three_failures_spread_over_more_than_30_days_do_not_escalate(
    deliver, frozen_time, account, contact, manager, by_api
):
    for external_id in ("ch_1", "ch_2", "ch_3"):
        deliver(lambda external_id=external_id: failed(account, by_api, external_id))
        frozen_time.shift(timedelta(days=16))

    assert inbox(manager) == []
    assert [run.decisions[0]["seen"] for run in runs_of(ESCALATION, account)] == [1, 2, 2]


def test_a_later_escalation_names_how_many_payments_have_failed(
    deliver, frozen_time, account, manager, by_api
):
    for external_id in ("ch_1", "ch_2", "ch_3", "ch_4"):
        deliver(lambda external_id=external_id: failed(account, by_api, external_id))
        frozen_time.shift(timedelta(days=5))

    # The workflow escalates the third "or later" failure; the text must say which.
    assert inbox(manager) == [
        f"Escalation: 3 failed payments for {account.name}",
        f"Escalation: 4 failed payments for {account.name}",
    ]
