"""Frequency caps in the outbox: a template's repeat rule lets at most one message from it
reach an account per scope (a value of the trigger's data) in its window, whichever
playbook queues it; a message held back is not written, and says why."""

from datetime import timedelta

import pytest
import time_machine

from accounts.services import opt_out_contact
from core import clock
from core.causes import Cause
from notifications.caps import CapReached
from notifications.models import Message, MessageStatus, MessageTemplate
from notifications.services import queue_customer_message
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

TIPS = "c1-feature-tips"
REENGAGE = "d1-reengagement"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2025-09-01 09:00Z", tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def tips_once_a_month_per_feature():
    """As shipped: c1's tips at most once every 30 days for each feature."""
    MessageTemplate.objects.filter(key=TIPS).update(repeat_days=30, repeat_scope="feature_key")


def queue(account, cause_key, *, template_key=TIPS, feature="reports", run=1):
    return queue_customer_message(
        account=account,
        template_key=template_key,
        cause_key=cause_key,
        cause=Cause.by_workflow_run(run),
        data={"feature_name": "Reports", "feature_key": feature},
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

    queue(account, "run:2:step:2", feature="dashboards")
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


def test_a_template_without_a_rule_sends_for_every_cause(account, contact):
    queue(account, "run:1:step:2", template_key=REENGAGE)
    queue(account, "run:2:step:2", template_key=REENGAGE)

    assert Message.objects.count() == 2


def test_the_rule_holds_whichever_playbook_queues_the_template(account, contact):
    queue(account, "run:1:step:2", run=1)

    with pytest.raises(CapReached):
        queue(account, "run:9:step:0", run=9)  # another playbook's step, same template


def test_the_shipped_templates_carry_the_repeat_rules_the_steps_had():
    rules = dict(
        MessageTemplate.objects.filter(repeat_days__gt=0).values_list("key", "repeat_days")
    )

    assert rules == {TIPS: 30, "testimonial-request": 180}


def test_the_same_cause_again_returns_its_message_instead_of_being_held_back(account, contact):
    first, _ = queue(account, "run:1:step:2")

    again, created = queue(account, "run:1:step:2")

    assert (again.pk, created) == (first.pk, False)
    assert Message.objects.count() == 1
