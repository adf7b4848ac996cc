"""Playbook e3: the subscription is cancelled (churn)."""

import pytest

from accounts.services import add_tag, cancel_subscription
from tests.workflows.outcomes import emails_to, footprint, inbox, stage, tag_names

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def test_a_cancellation_moves_the_card_to_churned_sends_a_winback_and_alerts_the_owner_at_once(
    deliver, account, contact, csm, manager, by_api
):
    deliver(lambda: cancel_subscription(account=account, cause=by_api))

    assert stage(account, "subscription") == "Churned"
    [winback] = emails_to("jordan@acme.example")
    assert winback.subject == "We're sorry to see you go"
    assert f"Your Example SaaS subscription for {account.name} has been cancelled" in winback.body
    churned = f"Churned: {account.name}"
    assert inbox(csm) == [churned]
    [alert_email] = emails_to(csm.email)
    assert alert_email.subject == churned
    assert "MRR lost: 99" in alert_email.body
    assert inbox(manager) == []

    before = footprint(account)
    deliver(lambda: cancel_subscription(account=account, cause=by_api))

    assert footprint(account) == before


def test_a_churned_account_is_no_longer_tagged_active_saas(deliver, account, contact, by_api):
    add_tag(account=account, tag="Active SaaS", cause=by_api)  # what a1 left at the sign-up
    add_tag(account=account, tag="VIP", cause=by_api)

    deliver(lambda: cancel_subscription(account=account, cause=by_api))

    assert tag_names(account) == {"VIP"}
