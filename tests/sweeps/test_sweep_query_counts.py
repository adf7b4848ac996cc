"""Each sweep finds what is due with set-based queries: as many queries for
1,000 due accounts as for 10 (no query per account)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from activity.models import (
    Appointment,
    AppointmentKind,
    Feature,
    Task,
    TaskPriority,
    TaskSource,
)
from core.causes import Cause
from tests.factories import AccountFactory, FeatureFactory
from tests.queries import statements
from tests.sweeps.conftest import NOW
from workflows import sweeps

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

CAUSE = Cause.by_system("bulk test data").as_fields()


def accounts(n, **fields) -> list[Account]:
    fields.setdefault("signed_up_at", NOW - timedelta(days=100))
    return Account.objects.bulk_create(AccountFactory.build_batch(n, **fields))


def inactive(n):
    accounts(n, last_login_at=NOW - timedelta(days=10))
    return n


def feature_unused(n):
    if not Feature.objects.filter(key="report-builder").exists():
        Feature.objects.update(is_active=False)
        FeatureFactory(key="report-builder", name="Report builder", not_used_days=14)
    accounts(n)
    return n


def affiliate(n):
    accounts(n, score=1300)
    return n


def milestones(n):
    accounts(n, score=700)  # Starter and Moderate each
    return 2 * n


def tasks(n):
    Task.objects.bulk_create(
        Task(
            account=account,
            title="Follow up",
            priority=TaskPriority.NORMAL,
            source=TaskSource.STAFF,
            # Half due within 24 hours, half overdue.
            due_at=NOW + timedelta(hours=5) if i % 2 else NOW - timedelta(hours=5),
            created_at=NOW,
            **CAUSE,
        )
        for i, account in enumerate(accounts(n))
    )
    return n


def appointments(n):
    Appointment.objects.bulk_create(
        Appointment(
            account=account,
            kind=AppointmentKind.WALKTHROUGH,
            # Half due a day reminder, half an hour reminder.
            starts_at=NOW + timedelta(hours=20) if i % 2 else NOW + timedelta(minutes=30),
            created_at=NOW - timedelta(days=3),
            **CAUSE,
        )
        for i, account in enumerate(accounts(n))
    )
    return n


def nps(n):
    accounts(n)
    return n


def dates(n):
    """Due for three date workflows at once: renewal, anniversary and a custom date."""
    from accounts.models import AccountDate, DateAttribute
    from tests.workflows.dated import date_workflow, tag

    go_live, made = DateAttribute.objects.get_or_create(key="go_live", label="Go-live")
    if made:
        date_workflow("renewal", [tag("R")], days=30)
        date_workflow("birthday", [tag("B")], field="signup_anniversary", days=0)
        date_workflow("live", [tag("L")], field="date:go_live", days=2, direction="after")
    due = accounts(
        n, renewal_date=NOW.date() + timedelta(days=30), signed_up_at=NOW - timedelta(days=365)
    )
    AccountDate.objects.bulk_create(
        AccountDate(account=a, attribute=go_live, value=NOW.date() - timedelta(days=2)) for a in due
    )
    return 3 * n


CASES = [
    (sweeps.inactive_accounts, inactive),
    (sweeps.unused_features, feature_unused),
    (sweeps.affiliate_candidates, affiliate),
    (sweeps.milestone_catch_up, milestones),
    (sweeps.task_deadlines, tasks),
    (sweeps.appointment_reminders, appointments),
    (sweeps.nps_due, nps),
    (sweeps.date_occurrences, dates),
]


@pytest.mark.parametrize(("sweep", "make_due"), CASES, ids=[s.__name__ for s, _ in CASES])
def test_a_sweep_needs_as_many_queries_for_1000_due_accounts_as_for_10(sweep, make_due):
    expected = make_due(10)
    with CaptureQueriesContext(connection) as ten:
        assert sweep() == expected

    expected = make_due(1000)
    with CaptureQueriesContext(connection) as thousand:
        assert sweep() == expected

    few, many = statements(ten), statements(thousand)
    assert len(many) == len(few), "\n".join(s[:160] for s in many)
    if connection.vendor == "postgresql":  # no parameter limit: one INSERT per bulk insert
        assert len(thousand) == len(ten)
