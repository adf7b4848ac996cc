"""Frequency caps in the outbox: at most one message from a template per account
and scope in a window; a message held back is not written, and says why."""

from datetime import timedelta

import pytest
import time_machine

from accounts.services import opt_out_contact
from core import clock
from core.causes import Cause
from notifications.caps import CapReached, FrequencyCap
from notifications.models import Message, MessageStatus
from notifications.services import queue_customer_message
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

TIPS = "c1-feature-tips"
REENGAGE = "d1-reengagement"
MONTH = FrequencyCap(days=30, scope="reports")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2025-09-01 09:00Z", tick=False) as traveller:
        yield traveller


def queue(account, cause_key, *, template_key=TIPS, cap=MONTH):
    return queue_customer_message(
        account=account,
        template_key=template_key,
        cause_key=cause_key,
        cause=Cause.by_workflow_run(1),
        data={"feature_name": "Reports"},
        cap=cap,
    )


def test_a_second_message_within_the_cap_is_held_back_and_nothing_is_written(account, contact):
    first, created = queue(account, "run:1:step:2")

    with pytest.raises(CapReached) as held_back:
        queue(account, "run:2:step:2")

    assert (created, first.status) == (True, MessageStatus.QUEUED)
    assert str(held_back.value) == f"{TIPS} already sent on 2025-09-01 (reports)."
    assert list(Message.objects.values_list("cause_key", flat=True)) == ["run:1:step:2|reports"]


def test_the_cap_lets_the_next_one_through_once_its_days_have_passed(frozen, account, contact):
    queue(account, "run:1:step:2")
    frozen.shift(timedelta(days=29))
    with pytest.raises(CapReached):
        queue(account, "run:2:step:2")

    frozen.shift(timedelta(days=2))
    later, created = queue(account, "run:3:step:2")

    assert (created, later.created_at) == (True, clock.now())


def test_each_scope_each_template_and_each_account_is_capped_on_its_own(account, contact):
    queue(account, "run:1:step:2")

    queue(account, "run:2:step:2", cap=FrequencyCap(days=30, scope="dashboards"))
    queue(account, "run:3:step:1", template_key=REENGAGE)
    other = AccountFactory()
    ContactFactory(account=other, email="sam@other.example")
    queue(other, "run:4:step:2")

    assert Message.objects.count() == 4


def test_a_message_an_opt_out_suppressed_still_counts_against_the_cap(account, contact, by_api):
    opt_out_contact(contact=contact, email=True, cause=by_api)
    suppressed, _ = queue(account, "run:1:step:2")

    with pytest.raises(CapReached):
        queue(account, "run:2:step:2")

    assert suppressed.status == MessageStatus.SUPPRESSED


def test_without_a_cap_every_cause_gets_its_message(account, contact):
    queue(account, "run:1:step:2", cap=None)
    queue(account, "run:2:step:2", cap=None)

    assert Message.objects.count() == 2
