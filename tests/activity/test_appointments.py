"""activity.services.appointments: booking, attendance, cancellation, rescheduling."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Account
from activity import signals
from activity.models import Appointment, AppointmentKind, AppointmentStatus, StatusChange
from activity.services.appointments import (
    book_appointment,
    cancel_appointment,
    mark_appointment_attended,
    mark_appointment_no_show,
    reschedule_appointment,
)
from core.causes import CauseKind
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
THURSDAY = NOW + timedelta(days=3, hours=5)
BEGUN = NOW - timedelta(minutes=20)  # how it went can be told once it has begun


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def book(account, cause, **fields):
    """Book a walkthrough on Thursday; `fields` override the defaults."""
    defaults = {"kind": AppointmentKind.WALKTHROUGH, "starts_at": THURSDAY}
    appointment, _ = book_appointment(account=account, cause=cause, **{**defaults, **fields})
    return appointment


def status_of(appointment):
    appointment.refresh_from_db()
    return appointment.status


# --- booking -----------------------------------------------------------------------------


def test_a_booking_is_stored_with_who_when_and_why(account, csm, by_api):
    contact = ContactFactory(account=account)

    appointment, created = book_appointment(
        account=account,
        kind=AppointmentKind.SUCCESS_SESSION,
        starts_at=THURSDAY,
        contact=contact,
        assignee=csm,
        duration_minutes=45,
        external_id="cal_1",
        cause=by_api,
    )

    assert created is True
    appointment.refresh_from_db()
    assert (appointment.account, appointment.contact, appointment.assignee) == (
        account,
        contact,
        csm,
    )
    assert (appointment.starts_at, appointment.duration_minutes, appointment.status) == (
        THURSDAY,
        45,
        AppointmentStatus.BOOKED,
    )
    assert (appointment.cause_kind, appointment.cause_reason) == (CauseKind.API, "event evt_1")


@pytest.mark.parametrize("external_id", ["cal_7", ""])
def test_a_booking_reported_twice_is_stored_once(account, by_api, external_id):
    first = book(account, by_api, external_id=external_id)

    again, created = book_appointment(
        account=account,
        kind=AppointmentKind.WALKTHROUGH,
        starts_at=THURSDAY,
        external_id=external_id,
        cause=by_api,
    )

    assert (again.pk, created) == (first.pk, False)
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"kind": "demo"}, "invalid_kind", "Unknown appointment kind 'demo'."),
        ({"starts_at": datetime(2025, 9, 4, 14)}, "naive_datetime", "must include a timezone"),
        ({"duration_minutes": 4}, "invalid_duration", "between 5 minutes and 8 hours"),
        ({"duration_minutes": 481}, "invalid_duration", "between 5 minutes and 8 hours"),
    ],
)
def test_a_bad_booking_is_refused_and_nothing_is_written(account, by_api, fields, code, message):
    with pytest.raises(ValidationError) as refusal:
        book(account, by_api, **fields)

    assert refusal.value.code == code
    assert message in refusal.value.messages[0]
    assert Appointment.objects.count() == 0


def test_a_contact_of_another_account_is_refused(account, by_api):
    stranger = ContactFactory(account=AccountFactory())

    with pytest.raises(ValidationError) as refusal:
        book(account, by_api, contact=stranger)

    assert refusal.value.messages == ["The contact belongs to another account."]
    assert Appointment.objects.count() == 0


def test_a_booking_id_of_another_account_is_refused(account, by_api):
    book(AccountFactory(), by_api, external_id="cal_9")

    with pytest.raises(ValidationError) as refusal:
        book(account, by_api, external_id="cal_9")

    assert refusal.value.code == "appointment_conflict"
    assert not Appointment.objects.filter(account=account).exists()


def test_a_booking_for_a_deleted_account_is_refused(account, by_api):
    Account.objects.filter(pk=account.pk).delete()

    with pytest.raises(ValidationError, match="does not exist"):
        book(account, by_api)
    assert Appointment.objects.count() == 0


def test_a_booking_is_announced_once_after_commit_and_not_when_rolled_back(
    account, by_api, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.appointment_booked)

    with django_capture_on_commit_callbacks(execute=True):
        with rolled_back():
            book(account, by_api, external_id="cal_rolled_back")
        appointment = book(account, by_api, external_id="cal_2")
        book(account, by_api, external_id="cal_2")
        assert sent == []

    assert sent == [
        {
            "sender": Appointment,
            "account_id": account.pk,
            "appointment_id": appointment.pk,
            "cause": by_api,
        }
    ]
    assert not Appointment.objects.filter(external_id="cal_rolled_back").exists()


# --- how it went -------------------------------------------------------------------------

OUTCOMES = [
    (mark_appointment_attended, AppointmentStatus.ATTENDED, signals.appointment_attended),
    (mark_appointment_no_show, AppointmentStatus.NO_SHOW, signals.appointment_no_show),
    (cancel_appointment, AppointmentStatus.CANCELLED, signals.appointment_cancelled),
]


@pytest.mark.parametrize(("service", "status", "signal"), OUTCOMES)
def test_an_outcome_is_recorded_once_and_announced_once(
    account,
    manager,
    by_api,
    by_manager,
    received,
    django_capture_on_commit_callbacks,
    service,
    status,
    signal,
):
    appointment = book(account, by_api, starts_at=BEGUN)
    sent = received(signal)

    with django_capture_on_commit_callbacks(execute=True):
        assert service(appointment=appointment, cause=by_manager) is True
        assert service(appointment=appointment, cause=by_manager) is False
        assert sent == []

    assert status_of(appointment) == status
    change = StatusChange.objects.get(appointment=appointment)
    assert (change.from_status, change.to_status) == (AppointmentStatus.BOOKED, status)
    assert (change.cause_kind, change.cause_user) == (CauseKind.USER, manager)
    assert sent == [
        {
            "sender": Appointment,
            "account_id": account.pk,
            "appointment_id": appointment.pk,
            "cause": by_manager,
        }
    ]


def test_an_attended_appointment_cannot_become_a_no_show(account, by_api, by_manager):
    appointment = book(account, by_api, starts_at=BEGUN)
    mark_appointment_attended(appointment=appointment, cause=by_manager)

    with pytest.raises(ValidationError) as refusal:
        mark_appointment_no_show(appointment=appointment, cause=by_manager)

    assert refusal.value.code == "invalid_transition"
    assert refusal.value.messages == ["This appointment is attended; it cannot be marked no-show."]
    assert status_of(appointment) == AppointmentStatus.ATTENDED
    assert StatusChange.objects.filter(appointment=appointment).count() == 1


def test_a_rolled_back_outcome_is_not_announced(
    account, by_api, by_manager, received, rolled_back, django_capture_on_commit_callbacks
):
    appointment = book(account, by_api, starts_at=BEGUN)
    sent = received(signals.appointment_attended)

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        mark_appointment_attended(appointment=appointment, cause=by_manager)

    assert sent == []
    assert status_of(appointment) == AppointmentStatus.BOOKED
    assert StatusChange.objects.count() == 0


@pytest.mark.parametrize(
    ("service", "label"),
    [(mark_appointment_attended, "attended"), (mark_appointment_no_show, "no-show")],
)
def test_how_an_appointment_went_is_refused_before_it_has_started(
    account, by_api, by_manager, service, label
):
    appointment = book(account, by_api)  # on Thursday

    with pytest.raises(ValidationError) as refusal:
        service(appointment=appointment, cause=by_manager)

    assert refusal.value.code == "not_started"
    assert refusal.value.messages == [
        f"This appointment starts at {THURSDAY.isoformat()}; it can be marked {label} "
        "once it has started."
    ]
    assert status_of(appointment) == AppointmentStatus.BOOKED
    assert not StatusChange.objects.exists()


def test_an_appointment_may_be_marked_attended_from_its_start(account, by_api, by_manager):
    appointment = book(account, by_api, starts_at=NOW)

    assert mark_appointment_attended(appointment=appointment, cause=by_manager) is True


# --- rescheduling ------------------------------------------------------------------------


def test_rescheduling_moves_the_start_and_records_both_times_and_who(
    account, manager, by_api, by_manager
):
    appointment = book(account, by_api)
    friday = THURSDAY + timedelta(days=1)

    assert reschedule_appointment(appointment=appointment, starts_at=friday, cause=by_manager)
    assert (
        reschedule_appointment(appointment=appointment, starts_at=friday, cause=by_manager) is False
    )

    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.status) == (friday, AppointmentStatus.BOOKED)
    change = StatusChange.objects.get(appointment=appointment)
    assert change.data == {
        "from_starts_at": THURSDAY.isoformat(),
        "to_starts_at": friday.isoformat(),
    }
    assert (change.cause_kind, change.cause_user) == (CauseKind.USER, manager)


@pytest.mark.parametrize(
    ("starts_at", "cancelled_first", "code"),
    [(datetime(2025, 9, 5, 10), False, "naive_datetime"), (THURSDAY, True, "invalid_transition")],
)
def test_a_bad_reschedule_is_refused_and_the_time_is_kept(
    account, by_api, by_manager, starts_at, cancelled_first, code
):
    appointment = book(account, by_api, starts_at=THURSDAY - timedelta(hours=1))
    if cancelled_first:
        cancel_appointment(appointment=appointment, cause=by_manager)
    changes_before = StatusChange.objects.count()

    with pytest.raises(ValidationError) as refusal:
        reschedule_appointment(appointment=appointment, starts_at=starts_at, cause=by_manager)

    assert refusal.value.code == code
    appointment.refresh_from_db()
    assert appointment.starts_at == THURSDAY - timedelta(hours=1)
    assert StatusChange.objects.count() == changes_before


def test_a_reschedule_is_announced_once_with_the_previous_time(
    account, by_api, by_manager, received, rolled_back, django_capture_on_commit_callbacks
):
    appointment = book(account, by_api)
    sent = received(signals.appointment_rescheduled)
    friday = THURSDAY + timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        with rolled_back():
            reschedule_appointment(appointment=appointment, starts_at=NOW, cause=by_manager)
        reschedule_appointment(appointment=appointment, starts_at=friday, cause=by_manager)
        reschedule_appointment(appointment=appointment, starts_at=friday, cause=by_manager)

    assert sent == [
        {
            "sender": Appointment,
            "account_id": account.pk,
            "appointment_id": appointment.pk,
            "previous_starts_at": THURSDAY,
            "cause": by_manager,
        }
    ]
