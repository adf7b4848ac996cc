"""Caps and quiet hours in the outbox, for every playbook at once (issue #19 item 1),
end to end: an event in, the playbook's messages sent or deferred (with the reason on
the account's "why" and the run's log), and the same event again changes nothing."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import HealthStatus
from accounts.services import change_health_status
from activity.services.features import record_feature_session
from activity.services.payments import record_payment
from notifications import delivery
from notifications.models import MessageStatus, OutboxPolicy
from tests.factories import FeatureFactory
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import customer_messages, emails_to, footprint, runs_of
from workflows.selectors import explain_account

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.outbox_policy,
    pytest.mark.usefixtures("frozen_time"),
]

TIPS = "c1-feature-tips"  # a nudge
STATUSES = [HealthStatus.STRUGGLING, HealthStatus.STEADY, HealthStatus.HEALTHY]


def health(account, cause, status):
    return lambda: change_health_status(account=account, status=status, cause=cause)


def tips(account, cause, feature: str):
    FeatureFactory(key=feature, name=feature.title())
    started_at = NOW - timedelta(hours=1)
    return lambda: record_feature_session(
        account=account, feature=feature, minutes=9, started_at=started_at, cause=cause
    )


def message(account, template_key):
    [found] = customer_messages(account, template_key)
    return found


def test_a_fourth_automated_email_in_7_days_waits_for_room_and_lifecycle_goes_first(
    deliver, frozen_time, account, contact, by_manager, by_api
):
    # From Monday 09:00 UTC, hourly: three lifecycle check-ins from three playbooks fill
    # the week's cap.
    for status in STATUSES:
        deliver(health(account, by_manager, status))
        frozen_time.shift(timedelta(hours=1))
    assert len(emails_to(contact.email)) == 3

    deliver(tips(account, by_api, "reports"))  # a nudge
    deliver(health(account, by_manager, HealthStatus.THRIVING))  # a lifecycle message

    nudge, lifecycle = message(account, TIPS), message(account, "b1-health-thriving")
    week_later = NOW + timedelta(days=7)
    assert (lifecycle.status, lifecycle.next_attempt_at) == (MessageStatus.QUEUED, week_later)
    assert nudge.status == MessageStatus.QUEUED
    assert nudge.next_attempt_at > lifecycle.next_attempt_at, "the lifecycle message goes first"
    assert "3 E-mail messages in 7 days reached" in lifecycle.held_reason
    assert "deferred to Mon 08 Sep 09:00 UTC" in lifecycle.held_reason
    assert len(emails_to(contact.email)) == 3

    before = footprint(account)
    deliver(health(account, by_manager, HealthStatus.THRIVING))  # the same event again
    deliver(tips(account, by_api, "reports"))
    assert footprint(account) == before

    # A week on, the first check-in leaves the window: the lifecycle message takes the room.
    frozen_time.move_to(week_later + timedelta(seconds=1))
    delivery.deliver_due()
    frozen_time.shift(timedelta(minutes=5))
    delivery.deliver_due()
    lifecycle.refresh_from_db()
    nudge.refresh_from_db()
    assert lifecycle.status == MessageStatus.SENT
    assert nudge.status == MessageStatus.QUEUED, "the week is full again: it waits on"
    assert nudge.next_attempt_at > NOW + timedelta(days=7, hours=1), "for the second to leave"
    assert len(emails_to(contact.email)) == 4


def test_a_nudge_still_held_at_its_deadline_is_suppressed_with_the_reason(
    deliver, frozen_time, account, contact, by_manager, by_api
):
    OutboxPolicy.objects.create(nudge_deadline_days=2)
    for status in STATUSES:
        deliver(health(account, by_manager, status))

    deliver(tips(account, by_api, "reports"))

    nudge = message(account, TIPS)
    assert nudge.status == MessageStatus.SUPPRESSED
    assert "no room before its deadline" in nudge.held_reason
    assert nudge.last_error == nudge.held_reason
    why = [item.what for item in explain_account(account) if item.kind == "message"]
    assert why == [f"“{nudge.subject}” suppressed: {nudge.held_reason}"]


def test_one_message_per_playbook_a_day(deliver, frozen_time, account, contact, by_manager):
    deliver(health(account, by_manager, HealthStatus.STRUGGLING))
    deliver(health(account, by_manager, HealthStatus.STEADY))
    frozen_time.shift(timedelta(hours=3))
    deliver(health(account, by_manager, HealthStatus.STRUGGLING))  # the same playbook again

    [first, again] = customer_messages(account, "b1-health-struggling")
    assert first.status == MessageStatus.SENT
    assert again.status == MessageStatus.QUEUED
    assert again.next_attempt_at == first.sent_at + timedelta(days=1)
    assert "already sent this contact a message today" in again.held_reason


def test_transactional_messages_are_exempt_from_the_cap_and_quiet_hours(
    deliver, frozen_time, account, contact, by_manager, by_api
):
    for status in STATUSES:
        deliver(health(account, by_manager, status))
    frozen_time.move_to(datetime(2025, 9, 1, 23, 30, tzinfo=UTC))  # quiet hours in UTC

    deliver(
        lambda: record_payment(
            account=account,
            external_id="ch_1",
            amount=Decimal("99.00"),
            succeeded=True,
            invoice_id="in_1",
            cause=by_api,
        )
    )

    receipt = message(account, "e1-payment-receipt")
    assert (receipt.status, receipt.held_reason) == (MessageStatus.SENT, "")


@pytest.mark.parametrize(
    ("zone", "held_until"),
    [
        # 21:30 UTC is 23:30 in Berlin (quiet until 08:00 there, 06:00 UTC) and
        # 14:30 in Los Angeles (sent at once).
        ("Europe/Berlin", datetime(2025, 9, 3, 6, 0, tzinfo=UTC)),
        ("America/Los_Angeles", None),
    ],
)
def test_quiet_hours_defer_to_the_morning_in_the_customers_timezone(
    deliver, frozen_time, client, manager, account, contact, by_manager, zone, held_until
):
    account.timezone = zone
    account.save(update_fields=["timezone"])
    frozen_time.move_to(datetime(2025, 9, 2, 21, 30, tzinfo=UTC))  # a Tuesday

    deliver(health(account, by_manager, HealthStatus.STRUGGLING))

    check_in = message(account, "b1-health-struggling")
    if held_until is None:
        assert (check_in.status, check_in.held_reason) == (MessageStatus.SENT, "")
        return
    assert (check_in.status, check_in.next_attempt_at) == (MessageStatus.QUEUED, held_until)
    assert check_in.held_reason == (
        "Quiet hours 20:00–08:00 in Europe/Berlin: deferred to Wed 03 Sep 08:00 Europe/Berlin."
    )
    [run] = runs_of("b1-health-struggling", account)
    client.force_login(manager)
    page = client.get(reverse("workflows:run", args=[run.pk])).content.decode()
    assert "Quiet hours 20:00–08:00 in Europe/Berlin" in page

    frozen_time.move_to(held_until - timedelta(minutes=1))
    assert delivery.deliver_due() == 0
    frozen_time.move_to(held_until + timedelta(seconds=1))
    assert delivery.deliver_due() == 1
    check_in.refresh_from_db()
    assert check_in.status == MessageStatus.SENT
    assert check_in.attempts == 1, "a deferral is not a failed attempt"
    assert len(emails_to(contact.email)) == 1


def test_nudges_wait_for_monday_while_lifecycle_messages_go_at_the_weekend(
    deliver, frozen_time, account, contact, by_manager, by_api
):
    frozen_time.move_to(datetime(2025, 9, 6, 10, 0, tzinfo=UTC))  # a Saturday morning

    deliver(health(account, by_manager, HealthStatus.STRUGGLING))
    deliver(tips(account, by_api, "reports"))

    assert message(account, "b1-health-struggling").status == MessageStatus.SENT
    nudge = message(account, TIPS)
    assert nudge.status == MessageStatus.QUEUED
    assert nudge.next_attempt_at == datetime(2025, 9, 8, 8, 0, tzinfo=UTC)
    assert nudge.held_reason.startswith("No nudges at the weekend (UTC)")
