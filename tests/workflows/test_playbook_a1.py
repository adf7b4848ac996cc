"""Playbook a1: a new SaaS account signs up."""

from decimal import Decimal

import pytest
from django.db import transaction

from accounts.models import Account, Plan
from accounts.services import sign_up_account, upsert_contact
from tests.workflows.outcomes import (
    customer_messages,
    emails_to,
    footprint,
    inbox,
    runs_of,
    stage,
    tag_names,
)
from workflows.models import RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def sign_up(owner, cause) -> Account:
    """The sign-up webhook: the account and its first user, in one transaction."""
    with transaction.atomic():
        account, _ = sign_up_account(
            external_id="acct_9001",
            name="Acme Analytics",
            plan=Plan.PRO,
            mrr=Decimal("499.00"),
            owner=owner,
            cause=cause,
        )
        upsert_contact(
            account=account,
            name="Jordan Rivera",
            email="jordan@acme.example",
            is_primary=True,
            cause=cause,
        )
    return account


def test_a_new_account_is_tagged_placed_welcomed_and_its_owner_told_once(
    deliver, csm, manager, by_api
):
    account = deliver(lambda: sign_up(csm, by_api))

    assert [run.status for run in runs_of("a1-welcome", account)] == [RunStatus.SUCCEEDED]
    assert tag_names(account) == {"Active SaaS"}
    assert stage(account, "subscription") == "Active"
    [welcome] = emails_to("jordan@acme.example")
    assert welcome.subject == "Welcome to Example SaaS: your first steps"
    assert "Hi Jordan," in welcome.body
    assert [m.status for m in customer_messages(account, "a1-welcome")] == ["sent"]
    assert inbox(csm) == ["New account: Acme Analytics"]
    assert emails_to(csm.email) == []  # a1 tells the owner in-app only
    assert inbox(manager) == []

    before = footprint(account)
    deliver(lambda: sign_up(csm, by_api))  # the webhook delivered again

    assert footprint(account) == before
    assert Account.objects.filter(external_id="acct_9001").count() == 1
