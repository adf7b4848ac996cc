"""Playbook f1, the attendance side: the customer shows up to a booked appointment."""

from datetime import timedelta

import pytest

from activity.models import AppointmentKind
from activity.services.appointments import book_appointment, mark_appointment_attended
from core.causes import Cause
from scoring.models import ScoreSource
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import footprint, runs_of
from workflows.models import RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

STARTS_AT = NOW + timedelta(days=3)


def test_an_attended_walkthrough_adds_the_attendance_points_once(
    deliver, frozen_time, account, contact, csm, by_api
):
    def book():
        return book_appointment(
            account=account,
            kind=AppointmentKind.WALKTHROUGH,
            starts_at=STARTS_AT,
            contact=contact,
            assignee=csm,
            external_id="cal_77",
            cause=by_api,
        )

    appointment, _ = deliver(book)
    account.refresh_from_db()
    assert account.score == 0  # booking alone earns nothing
    frozen_time.move_to(STARTS_AT + timedelta(minutes=35))
    by_csm = Cause.by_user(csm, "walkthrough done")

    deliver(lambda: mark_appointment_attended(appointment=appointment, cause=by_csm))

    assert [run.status for run in runs_of("f1-appointment-attended", account)] == [
        RunStatus.SUCCEEDED
    ]
    account.refresh_from_db()
    assert account.score == 75
    [entry] = account.score_entries.all()
    assert (entry.points, entry.source, entry.reason) == (
        75,
        ScoreSource.APPOINTMENT,
        "Attended a Feature walkthrough",
    )

    before = footprint(account)
    deliver(lambda: mark_appointment_attended(appointment=appointment, cause=by_csm))
    deliver(book)  # the booking system reports the same booking again

    assert footprint(account) == before
    account.refresh_from_db()
    assert account.score == 75
