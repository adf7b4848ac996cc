"""The outbox delivers a leased batch as a set: a constant number of statements, one
e-mail connection, each message's own outcome, and the exactly-once guards kept."""

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import opt_out_contact
from core.causes import Cause
from core.lanes import BULK
from notifications import delivery
from notifications.models import Alert, Channel, Message, MessageStatus
from notifications.transports.base import OutcomeUnknown
from tests.factories import AccountFactory, ContactFactory
from tests.notifications.backends import CountingBackend, outage

pytestmark = pytest.mark.django_db

# One batch: its lease (4, with savepoints), claim, load, opt-outs, the alerts' INSERT
# and SELECT, the outcomes' UPDATE; then the interactive work of every queue served
# after a bulk batch (events, runs, messages) and the empty leases that end the drain.
DRAIN_STATEMENTS = 26


@pytest.fixture
def counting_smtp(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.CountingBackend"
    CountingBackend.opened = 0
    CountingBackend.failing = {}
    yield CountingBackend
    CountingBackend.failing = {}


def queue_messages(
    count: int, owner, *, opted_out_every: int = 0, cause: Cause | None = None
) -> list[Message]:
    """`count` due messages as a sweep leaves them: e-mail nudges to contacts of their own
    accounts and in-app alerts to the owner, every `opted_out_every`-th contact unsubscribed."""
    cause = (cause or Cause.by_system("test")).as_fields()
    rows = []
    for n in range(count):
        account = AccountFactory(owner=owner)
        contact = ContactFactory(account=account, email=f"person{n}@example.com")
        if opted_out_every and n % opted_out_every == 0:
            opt_out_contact(contact=contact, cause=Cause.by_system("unsubscribe"), email=True)
        alert = n % 3 == 2
        rows.append(
            Message(
                channel=Channel.IN_APP if alert else Channel.EMAIL,
                account=account,
                contact=None if alert else contact,
                user=owner if alert else None,
                recipient=f"user:{owner.pk}" if alert else contact.email,
                cause_key=f"batch:{n}",
                subject="A feature you have not tried yet",
                body_text="Hello",
                next_attempt_at=delivery.clock.now(),
                created_at=delivery.clock.now(),
                lane=BULK,
                **cause,
            )
        )
    return Message.objects.bulk_create(rows)


def drain_counting_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        delivery.drain_outbox()
    return len(queries)


@pytest.mark.parametrize("opted_out_every", [0, 4])
def test_a_drain_costs_the_same_statements_for_6_messages_as_for_60(
    csm, counting_smtp, opted_out_every
):
    queue_messages(6, csm, opted_out_every=opted_out_every)
    small = drain_counting_queries()
    Message.objects.all().delete()
    mail.outbox.clear()

    queued = queue_messages(60, csm, opted_out_every=opted_out_every)
    large = drain_counting_queries()

    assert small == large == DRAIN_STATEMENTS
    suppressed = {m.pk for m in queued if opted_out_every and int(m.cause_key[6:]) % 4 == 0}
    suppressed = {pk for pk in suppressed if Message.objects.get(pk=pk).channel == Channel.EMAIL}
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert {pk for pk, s in statuses.items() if s == MessageStatus.SUPPRESSED} == suppressed
    assert all(s == MessageStatus.SENT for pk, s in statuses.items() if pk not in suppressed)
    assert len(mail.outbox) == 40 - len(suppressed)
    assert Alert.objects.count() == 20
    assert counting_smtp.opened == 2, "one e-mail connection per batch (one batch per drain)"


def test_each_message_of_a_batch_keeps_its_own_outcome(csm, counting_smtp):
    queued = queue_messages(6, csm)
    emails = [m for m in queued if m.channel == Channel.EMAIL]
    unknown, down = emails[1], emails[2]
    counting_smtp.failing = {
        unknown.recipient: OutcomeUnknown("The connection broke during DATA."),
        down.recipient: outage(),
    }

    delivery.drain_outbox()
    delivery.drain_outbox()

    unknown.refresh_from_db()
    down.refresh_from_db()
    assert unknown.status == MessageStatus.FAILED, "may have left: never resent on its own"
    assert "Not resent automatically" in unknown.last_error
    assert (down.status, down.attempts) == (MessageStatus.QUEUED, 1), "retried after back-off"
    assert "SMTPServerDisconnected" in down.last_error
    others = Message.objects.exclude(pk__in=[unknown.pk, down.pk])
    assert set(others.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert len(mail.outbox) == 2
    assert counting_smtp.opened == 3, "a new connection after each broken one"


def test_a_worker_told_to_stop_mid_batch_puts_the_rest_back_unattempted(
    csm, counting_smtp, monkeypatch
):
    queued = queue_messages(6, csm)
    checks = iter([False, False])
    monkeypatch.setattr(delivery, "time_to_leave", lambda started, budget: next(checks, True))

    drained = delivery.drain_outbox()

    assert drained.more
    rows = {m.pk: m for m in Message.objects.all()}
    sent = [rows[m.pk] for m in queued[:2]]
    rest = [rows[m.pk] for m in queued[2:]]
    assert [m.status for m in sent] == [MessageStatus.SENT] * 2
    assert {(m.status, m.attempts, m.claimed_at) for m in rest} == {(MessageStatus.QUEUED, 0, None)}

    monkeypatch.undo()
    delivery.drain_outbox()
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert len(mail.outbox) == 4
    assert Alert.objects.count() == 2


def test_a_batch_another_worker_took_over_is_not_sent_again(csm, counting_smtp):
    queued = queue_messages(3, csm)
    leases = delivery.lease_due_messages(BULK, 10)
    # The lease ran out and another drain delivered them meanwhile.
    Message.objects.update(claimed_at=None)
    assert delivery.deliver_due() == 3

    assert delivery.deliver_batch(leases) == ["", "", ""]
    assert len(mail.outbox) == 2
    assert Message.objects.filter(pk__in=[m.pk for m in queued], attempts=1).count() == 3


@pytest.mark.outbox_policy
def test_the_caps_and_quiet_hours_cost_two_statements_per_batch_whatever_its_size(
    csm, counting_smtp
):
    by_playbook = Cause.by_workflow_run(1)  # automated: the policy applies
    with time_machine.travel("2025-09-03 10:00Z", tick=False):  # a Wednesday morning
        queue_messages(6, csm, cause=by_playbook)
        small = drain_counting_queries()
        Message.objects.all().delete()
        queue_messages(60, csm, cause=by_playbook)
        large = drain_counting_queries()

    assert small == large == DRAIN_STATEMENTS + 2, "the policy row, the contacts' history"
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
