"""Playbook e1: a payment succeeded."""

from datetime import timedelta
from decimal import Decimal

import pytest

from activity.services.payments import record_payment
from scoring.models import ScoreSource
from scoring.selectors import scoring_rules
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import emails_to, footprint, stage, tag_names

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def payment(account, cause, external_id, succeeded, occurred_at):
    return record_payment(
        account=account,
        external_id=external_id,
        invoice_id="in_2025_09",
        amount=Decimal("99.00"),
        succeeded=succeeded,
        failure_reason="" if succeeded else "card_declined",
        occurred_at=occurred_at,
        cause=cause,
    )


def test_a_paid_invoice_clears_payment_failed_scores_and_sends_a_receipt_once(
    deliver, account, contact, by_api
):
    deliver(lambda: payment(account, by_api, "ch_1", False, NOW - timedelta(days=2)))
    assert (tag_names(account), stage(account, "subscription")) == (
        {"Payment Failed"},
        "Subscription Failed",
    )

    deliver(lambda: payment(account, by_api, "ch_2", True, NOW - timedelta(minutes=5)))

    assert tag_names(account) == set()
    assert stage(account, "subscription") == "Active Subscription"
    account.refresh_from_db()
    assert scoring_rules().payment_points == 100
    assert account.score == 100
    [entry] = account.score_entries.all()
    assert (entry.points, entry.source, entry.reason) == (
        100,
        ScoreSource.PAYMENT,
        "Payment in_2025_09 received",
    )
    receipt = emails_to("jordan@acme.example")[-1]
    assert receipt.subject == "Receipt for your Example SaaS payment (in_2025_09)"
    assert "Amount: $99.00" in receipt.body

    before = footprint(account)
    deliver(lambda: payment(account, by_api, "ch_2", True, NOW - timedelta(minutes=5)))

    assert footprint(account) == before
    assert account.score_entries.count() == 1


def test_a_payment_earns_the_points_the_scoring_rules_say_today(deliver, account, by_api):
    rules = scoring_rules()
    rules.payment_points = 120
    rules.save()

    deliver(lambda: payment(account, by_api, "ch_1", True, NOW - timedelta(minutes=5)))

    account.refresh_from_db()
    assert account.score == 120


def test_the_receipt_shows_the_payment_date_as_a_date(deliver, account, contact, by_api):
    deliver(lambda: payment(account, by_api, "ch_1", True, NOW - timedelta(minutes=5)))

    [receipt] = emails_to("jordan@acme.example")
    [date] = [line for line in receipt.body.splitlines() if line.startswith("Date:")]
    # As people write dates (the template asks for "j F Y"), not a raw ISO timestamp.
    assert "Sep" in date
    assert "2025-09-01T" not in date
