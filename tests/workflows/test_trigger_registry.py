"""The trigger registry: every kind's data is what it says it carries, whichever
path records it (a service's signal or a sweep), and one fact reads the same
from both paths."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts import services as accounts
from accounts.models import Account, Happiness, HealthStatus, Plan
from activity.models import AppointmentKind, TaskSource
from activity.services.appointments import (
    book_appointment,
    cancel_appointment,
    mark_appointment_attended,
    mark_appointment_no_show,
    reschedule_appointment,
)
from activity.services.features import record_feature_session
from activity.services.feedback import record_feedback
from activity.services.logins import record_login
from activity.services.payments import record_payment
from activity.services.product_events import ProductEventReport, record_product_events
from activity.services.tasks import create_task, resolve_task
from conversations.models import Conversation
from conversations.services import post_customer_message
from conversations.timeouts import first_response_timeouts
from core.causes import Cause
from health.models import HealthModel
from health.scoring import Scored
from health.services.snapshots import write_scores
from pipelines.models import Pipeline
from pipelines.services import move_card
from scoring.models import ScoreSource
from scoring.services import add_points
from surveys.answering import answer_survey
from surveys.models import Survey
from surveys.sending import send_survey
from tests.factories import AccountFactory, ContactFactory, FeatureFactory, UserFactory
from workflows import sweeps
from workflows.models import TriggerEvent
from workflows.triggers import TRIGGERS

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
BY_API = Cause.by_api("registry test")


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def start_by_hand(account, owner) -> None:
    """The manual kind: a person starts a playbook for the account (workflows.enrollment)."""
    from workflows.enrollment import start_playbook
    from workflows.models import Workflow

    workflow = Workflow.objects.filter(is_active=True, current_version__isnull=False).first()
    start_playbook(workflow=workflow, account=account, user=owner, note="QBR")


def announce_every_signal_kind(owner) -> Account:
    """One change through each service that hands a signal kind to the engine."""
    account, _ = accounts.sign_up_account(
        external_id="acme", name="Acme", cause=BY_API, owner=owner, plan=Plan.STARTER
    )
    accounts.sign_up_account(external_id="old", name="Old", cause=BY_API, announce_as_sign_up=False)
    contact = ContactFactory(account=account, name="Jordan", is_primary=True)
    accounts.upsert_contact(account=account, cause=BY_API, name="Sam", is_primary=True)
    accounts.change_health_status(account=account, status=HealthStatus.STEADY, cause=BY_API)
    accounts.change_happiness(account=account, level=Happiness.HAPPY, cause=BY_API)
    accounts.change_plan(account=account, plan=Plan.PRO, cause=BY_API)
    accounts.add_tag(account=account, tag="VIP", cause=BY_API)
    accounts.remove_tag(account=account, tag="VIP", cause=BY_API)
    record_feedback(account=account, nps=9, comment="Great", cause=BY_API, contact=contact)
    add_points(account=account, points=350, reason="test", source=ScoreSource.MANUAL, cause=BY_API)
    record_feature_session(
        account=account, feature=FeatureFactory(key="reports"), minutes=9, cause=BY_API
    )
    record_login(account=account, cause=BY_API)
    for succeeded, external_id in ((True, "ch_1"), (False, "ch_2")):
        record_payment(
            account=account,
            external_id=external_id,
            amount=Decimal("49.00"),
            succeeded=succeeded,
            failure_reason="" if succeeded else "card_declined",
            cause=BY_API,
        )
    pipeline = Pipeline.objects.get(key="health")
    move_card(account=account, pipeline=pipeline, stage=pipeline.stages.last(), cause=BY_API)
    announce_appointments(contact, owner)
    task, _ = create_task(
        account=account,
        title="Call back",
        source=TaskSource.STAFF,
        cause=BY_API,
        due_at=NOW + timedelta(days=2),
        assignee=owner,
        contact=contact,
    )
    resolve_task(task=task, cause=BY_API)
    answer_a_survey(account, contact)
    churned = AccountFactory()
    accounts.cancel_subscription(account=churned, cause=BY_API)
    accounts.reactivate_account(account=churned, how="payment", cause=BY_API)
    announce_health_change(account)
    record_product_events(
        reports=[
            ProductEventReport(account=account, name="Exported", external_id="m1", cause=BY_API)
        ]
    )
    announce_chat(contact)
    return account


def announce_chat(contact) -> None:
    """A customer starts a chat, and nobody answers in time (both levels of the time-out)."""
    post_customer_message(contact=contact, body="Hello?", cause=BY_API)
    Conversation.objects.update(response_due_at=NOW, escalation_due_at=NOW)
    first_response_timeouts()


def announce_health_change(account) -> None:
    """A computed score that falls from Thriving to Struggling: a band change and a drop."""
    version = HealthModel.objects.get(is_default=True).current_version_id
    for score, band, logins in ((90, "thriving", [20.0, 20]), (20, "struggling", [0.0, 0])):
        result = Scored(account.pk, version, score, band, {"logins": logins})
        write_scores([result], day=NOW.date(), now=NOW, cause=BY_API)


def book(contact, owner, hours):
    appointment, _ = book_appointment(
        account=contact.account,
        kind=AppointmentKind.WALKTHROUGH,
        cause=BY_API,
        starts_at=NOW + timedelta(hours=hours),
        contact=contact,
        assignee=owner,
    )
    return appointment


def announce_appointments(contact, owner):
    moved = book(contact, owner, 48)
    reschedule_appointment(appointment=moved, starts_at=NOW + timedelta(hours=50), cause=BY_API)
    cancel_appointment(appointment=book(contact, owner, 49), cause=BY_API)
    mark_appointment_attended(appointment=book(contact, owner, -1), cause=BY_API)
    mark_appointment_no_show(appointment=book(contact, owner, -2), cause=BY_API)


def answer_a_survey(account, contact) -> None:
    """The CSAT survey sent to the contact, and their answer (survey_answered)."""
    sent = send_survey(
        survey=Survey.objects.get(key="csat"),
        account=account,
        contact=contact,
        cause=BY_API,
        cause_key="registry:csat",
    )
    answer_survey(send=sent.send, given={"csat": ["5"]}, cause=BY_API)


def make_every_sweep_kind_due(owner, frozen_time) -> None:
    """Facts only the passing of time makes due, then every sweep once."""
    old = NOW - timedelta(days=400)
    due = AccountFactory(
        external_id="sleepy",
        signed_up_at=old,
        last_login_at=old,
        owner=owner,
        timezone="America/New_York",
    )
    Account.objects.filter(pk=due.pk).update(score=1300, renewal_date=NOW.date())
    from tests.workflows.dated import date_workflow, tag

    date_workflow("renewal-day", [tag("Renews today")], days=0)  # the date kind
    contact = ContactFactory(account=due, name="Robin", is_primary=True)
    FeatureFactory(key="exports", not_used_days=14)
    for hours in (3, 20):  # an overdue task and one due soon, once the clock moves
        create_task(
            account=due,
            title=f"Task {hours}",
            source=TaskSource.CUSTOMER,
            cause=BY_API,
            due_at=NOW + timedelta(hours=hours),
            assignee=owner,
            contact=contact,
        )
    for hours in (5, 28):  # an hour and a day reminder, once the clock moves
        book(contact, owner, hours)
    frozen_time.shift(timedelta(hours=4, minutes=30))
    for sweep in sweeps.SWEEPS:
        sweep.run()


def test_every_kind_records_exactly_the_data_it_says_it_carries(
    frozen_time, django_capture_on_commit_callbacks
):
    owner = UserFactory(first_name="Dana", last_name="Lee")
    with django_capture_on_commit_callbacks(execute=True):
        account = announce_every_signal_kind(owner)
        make_every_sweep_kind_due(owner, frozen_time)
        start_by_hand(account, owner)

    for kind in TRIGGERS:
        recorded = list(TriggerEvent.objects.filter(kind=kind.key).values_list("data", flat=True))
        assert recorded, f"no {kind.key} event was recorded"
        for data in recorded:
            assert sorted(data) == sorted(kind.carries), kind.key


def test_a_task_reads_the_same_in_its_deadline_notices_as_when_it_was_created(frozen_time):
    """One builder: the sweep's notice and the service's event agree, `due_at` in the
    account's timezone (it is what the customer is told)."""
    account = AccountFactory(timezone="Asia/Tokyo")
    create_task(
        account=account,
        title="Call back",
        source=TaskSource.CUSTOMER,
        cause=BY_API,
        due_at=NOW + timedelta(hours=2),
        assignee=UserFactory(first_name="Dana", last_name="Lee"),
        contact=ContactFactory(account=account),
    )
    sweeps.task_deadlines()

    created = TriggerEvent.objects.get(kind="task_created").data
    due_soon = TriggerEvent.objects.get(kind="task_due_soon").data
    assert due_soon == created
    assert due_soon["due_at"] == "Mon 01 Sep, 20:00 JST"
