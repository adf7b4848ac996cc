"""Sweep f1: reminders 1 day and 1 hour before each booked appointment."""

from datetime import timedelta

import pytest

from accounts.services import update_account
from activity.models import AppointmentKind
from activity.services.appointments import (
    book_appointment,
    cancel_appointment,
    reschedule_appointment,
)
from core import clock
from core.causes import Cause
from notifications.models import MessageStatus
from tests.sweeps.conftest import NOW
from tests.sweeps.helpers import emails_to, event_keys, events, footprint, inbox, sms_to
from workflows.models import RunStatus
from workflows.sweeps import appointment_reminders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

DAY, HOUR = "appointment_reminder_day", "appointment_reminder_hour"
START = NOW + timedelta(days=3)  # Thu 04 Sep 2025, 09:00 UTC
BY_CALENDAR = Cause.by_api("booking system")


def book(account, contact, csm, starts_at=START, external_id="cal_1"):
    appointment, _ = book_appointment(
        account=account,
        kind=AppointmentKind.WALKTHROUGH,
        starts_at=starts_at,
        contact=contact,
        assignee=csm,
        external_id=external_id,
        cause=BY_CALENDAR,
    )
    return appointment


def key(appointment, starts_at=START):
    return f"{appointment.pk}:{int(starts_at.timestamp())}"


def test_a_booked_appointment_gets_a_day_reminder_then_an_hour_reminder_each_once(
    account, contact, csm, frozen_time
):
    appointment = book(account, contact, csm)

    frozen_time.move_to(START - timedelta(hours=24, minutes=5))
    assert appointment_reminders() == 0
    frozen_time.move_to(START - timedelta(hours=24))
    assert appointment_reminders() == 1
    assert appointment_reminders() == 0
    frozen_time.move_to(START - timedelta(hours=2))
    assert appointment_reminders() == 0
    frozen_time.move_to(START - timedelta(hours=1))
    assert appointment_reminders() == 1
    frozen_time.move_to(START - timedelta(minutes=5))
    assert appointment_reminders() == 0
    frozen_time.move_to(START + timedelta(minutes=5))
    assert appointment_reminders() == 0

    assert event_keys(DAY, account) == [key(appointment)]
    assert event_keys(HOUR, account) == [key(appointment)]
    [day] = events(DAY, account)
    assert day.data["appointment_id"] == appointment.pk
    assert day.data["appointment_kind"] == "Feature walkthrough"
    assert day.data["assignee_id"] == csm.pk
    assert day.data["staff_name"] == csm.get_full_name()
    assert day.data["contact_name"] == "Jordan Rivera"
    assert "cal_1" in day.data["reschedule_url"]


def test_a_rescheduled_appointment_gets_fresh_reminders_for_its_new_time(
    account, contact, csm, frozen_time
):
    appointment = book(account, contact, csm)
    frozen_time.move_to(START - timedelta(hours=23))
    assert appointment_reminders() == 1
    new_start = START + timedelta(days=2)
    reschedule_appointment(appointment=appointment, starts_at=new_start, cause=BY_CALENDAR)

    frozen_time.move_to(START - timedelta(minutes=30))
    assert appointment_reminders() == 0  # nothing for the old time
    frozen_time.move_to(new_start - timedelta(hours=23))
    assert appointment_reminders() == 1
    frozen_time.move_to(new_start - timedelta(minutes=30))
    assert appointment_reminders() == 1

    assert event_keys(DAY, account) == [key(appointment), key(appointment, new_start)]
    assert event_keys(HOUR, account) == [key(appointment, new_start)]


def test_a_cancelled_appointment_gets_no_reminders(account, contact, csm, frozen_time):
    appointment = book(account, contact, csm)
    cancel_appointment(appointment=appointment, cause=BY_CALENDAR)

    for before in (timedelta(hours=23), timedelta(minutes=30)):
        frozen_time.move_to(START - before)
        assert appointment_reminders() == 0

    assert events(DAY) == events(HOUR) == []


def test_an_appointment_cancelled_after_its_day_reminder_gets_no_hour_reminder(
    account, contact, csm, frozen_time
):
    appointment = book(account, contact, csm)
    frozen_time.move_to(START - timedelta(hours=23))
    assert appointment_reminders() == 1
    cancel_appointment(appointment=appointment, cause=BY_CALENDAR)

    frozen_time.move_to(START - timedelta(minutes=30))

    assert appointment_reminders() == 0
    assert events(HOUR) == []


def test_a_booking_made_three_hours_ahead_gets_only_the_hour_reminder(
    account, contact, csm, frozen_time
):
    soon = NOW + timedelta(hours=3)
    appointment = book(account, contact, csm, starts_at=soon)

    while clock.now() < soon:  # as the schedule runs it: every 5 minutes from the booking
        appointment_reminders()
        frozen_time.shift(timedelta(minutes=5))

    assert event_keys(HOUR, account) == [key(appointment, soon)]
    assert event_keys(DAY, account) == []


def test_a_booking_made_twenty_hours_ahead_gets_both_reminders(account, contact, csm, frozen_time):
    tomorrow = NOW + timedelta(hours=20)
    appointment = book(account, contact, csm, starts_at=tomorrow)

    while clock.now() < tomorrow:
        appointment_reminders()
        frozen_time.shift(timedelta(minutes=5))

    assert event_keys(DAY, account) == [key(appointment, tomorrow)]
    assert event_keys(HOUR, account) == [key(appointment, tomorrow)]
    assert events(DAY, account)[0].created_at == NOW  # at the first run after the booking


def test_the_customer_facing_start_time_is_in_the_accounts_timezone(
    account, contact, csm, frozen_time
):
    update_account(account=account, timezone="Asia/Tokyo", cause=Cause.by_user(csm))
    book(account, contact, csm)

    frozen_time.move_to(START - timedelta(hours=23))
    appointment_reminders()

    [day] = events(DAY, account)
    assert day.data["starts_at"] == "Thu 04 Sep, 18:00 JST"


def test_without_an_account_timezone_the_start_time_is_in_the_teams_timezone(
    account, contact, csm, frozen_time, settings
):
    settings.TIME_ZONE = "Europe/Berlin"
    book(account, contact, csm)

    frozen_time.move_to(START - timedelta(hours=23))
    appointment_reminders()

    [day] = events(DAY, account)
    assert day.data["starts_at"] == "Thu 04 Sep, 11:00 CEST"


# --- end to end: the default f1 reminder workflows -----------------------------------


def test_the_f1_reminders_email_and_text_the_customer_and_alert_the_assignee(
    deliver, frozen_time, account, contact, csm, manager
):
    update_account(account=account, timezone="Asia/Tokyo", cause=Cause.by_user(csm))
    appointment = deliver(lambda: book(account, contact, csm))
    staff = f"Feature walkthrough with {account.name}"

    frozen_time.move_to(START - timedelta(hours=23, minutes=55))
    deliver(appointment_reminders)

    [run] = account.workflow_runs.filter(workflow__key="f1-reminder-day")
    assert run.status == RunStatus.SUCCEEDED
    [email] = emails_to(contact.email)
    assert email.subject == "Reminder: your feature walkthrough is tomorrow"
    assert "Thu 04 Sep, 18:00 JST" in email.body
    assert "cal_1" in email.body  # the reschedule link
    [sms] = sms_to(contact)
    assert sms.status == MessageStatus.SENT
    assert sms.recipient == contact.phone
    assert "18:00 JST" in sms.body_text
    assert "cal_1" in sms.body_text
    assert inbox(csm) == [f"Tomorrow: {staff}"]
    assert [e.subject for e in emails_to(csm.email)] == [f"Tomorrow: {staff}"]
    assert inbox(manager) == []

    before = footprint(account)
    deliver(appointment_reminders)
    assert footprint(account) == before

    frozen_time.move_to(START - timedelta(minutes=55))
    deliver(appointment_reminders)

    assert [e.subject for e in emails_to(contact.email)] == [
        "Reminder: your feature walkthrough is tomorrow",
        "Reminder: your feature walkthrough starts in one hour",
    ]
    assert len(sms_to(contact)) == 2
    assert inbox(csm) == [f"Tomorrow: {staff}", f"In 1 hour: {staff}"]
    assert [e.data["appointment_id"] for e in events(HOUR, account)] == [appointment.pk]


def test_a_cancelled_appointment_sends_no_reminder_to_anyone(
    deliver, frozen_time, account, contact, csm
):
    appointment = deliver(lambda: book(account, contact, csm))
    deliver(lambda: cancel_appointment(appointment=appointment, cause=BY_CALENDAR))

    for before in (timedelta(hours=23), timedelta(minutes=30)):
        frozen_time.move_to(START - before)
        deliver(appointment_reminders)

    assert emails_to(contact.email) == []
    assert sms_to(contact) == []
    assert inbox(csm) == []
