"""Playbook g1, intake: a customer submits the task-request form."""

from datetime import timedelta

import pytest

from activity.models import TaskPriority, TaskSource
from activity.services.tasks import create_task
from core.causes import Cause
from tests.factories import ContactFactory
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import emails_to, footprint, inbox, runs_of
from workflows.models import RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

INTAKE = "g1-task-request"
BY_FORM = Cause.by_customer("task request form")


def request(account, contact, request_key="form-1"):
    """The customer's form: what they need and by when (unassigned: the owner takes it)."""
    return create_task(
        account=account,
        title="Export our 2024 data",
        priority=TaskPriority.HIGH,
        due_at=NOW + timedelta(days=2),
        source=TaskSource.CUSTOMER,
        contact=contact,
        request_key=request_key,
        cause=BY_FORM,
    )


def test_a_customer_request_is_acknowledged_and_its_assignee_told_in_app_and_by_email(
    deliver, account, contact, csm, manager
):
    task, _ = deliver(lambda: request(account, contact))

    assert task.assignee == csm
    [ack] = emails_to(contact.email)
    assert ack.subject == "We've received your request: Export our 2024 data"
    [completion] = [line for line in ack.body.splitlines() if "Expected completion" in line]
    assert "03 Sep" in completion  # the due date the request was given, as people write it
    added = "New task: Export our 2024 data"
    assert inbox(csm) == [added]
    assert [e.subject for e in emails_to(csm.email)] == [added]
    assert inbox(manager) == []

    before = footprint(account)
    deliver(lambda: request(account, contact))  # the form submitted twice

    assert footprint(account) == before


def test_the_acknowledgement_goes_to_the_contact_who_asked_not_the_primary_contact(
    deliver, account, contact
):
    colleague = ContactFactory(
        account=account, name="Sam Lee", email="sam@acme.example", is_primary=False
    )

    deliver(lambda: request(account, colleague))

    assert [e.subject for e in emails_to(colleague.email)] == [
        "We've received your request: Export our 2024 data"
    ]
    assert emails_to(contact.email) == []


def test_a_task_opened_by_staff_starts_no_intake_run(deliver, account, contact, csm):
    by_csm = Cause.by_user(csm, "follow-up from QBR")

    deliver(
        lambda: create_task(
            account=account, title="Prepare QBR deck", source=TaskSource.STAFF, cause=by_csm
        )
    )

    [run] = runs_of(INTAKE, account)
    assert run.status == RunStatus.SKIPPED
    assert run.decisions == [
        {
            "subject": "data.source",
            "operator": "eq",
            "value": "customer",
            "seen": "staff",
            "passed": False,
        }
    ]
    assert (emails_to(contact.email), inbox(csm)) == ([], [])
