"""A worker asked to stop takes no new item: the drains leave the rest queued in the database."""

import threading

import pytest
from django.core import mail

from accounts.services import sign_up_account, upsert_contact
from core import worker
from core.causes import Cause
from notifications import delivery
from notifications import tasks as notification_tasks
from notifications.models import Message, MessageStatus
from workflows import engine
from workflows import tasks as workflow_tasks
from workflows.models import Run, RunStatus, TriggerEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def stop_flag(monkeypatch):
    flag = threading.Event()
    monkeypatch.setattr(worker, "_stop", flag)
    return flag


def test_a_stopping_worker_matches_executes_and_delivers_nothing_new(stop_flag):
    cause = Cause.by_api("sign-up")
    account, _ = sign_up_account(external_id="acme", name="Acme", cause=cause)
    upsert_contact(
        account=account, name="Jo", email="jo@acme.example", is_primary=True, cause=cause
    )
    stop_flag.set()

    assert engine.match_pending_trigger_events() == 0
    assert TriggerEvent.objects.filter(processed_at=None).exists(), "left for the reconciler"

    stop_flag.clear()
    assert engine.match_pending_trigger_events() > 0
    run = Run.objects.filter(status=RunStatus.QUEUED).first()
    stop_flag.set()
    assert workflow_tasks.execute_run(run.pk) == "left queued: the worker is stopping"
    assert engine.resume_due_runs()["finished"] == 0
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED

    stop_flag.clear()
    engine.resume_due_runs()
    message = Message.objects.get(channel="email")
    stop_flag.set()
    notification_tasks.deliver_message(message.pk)
    assert delivery.deliver_due() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert mail.outbox == []
