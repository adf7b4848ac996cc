"""Demo data is seeded as already swept (#16 item 4): its history's due facts are
recorded as handled, as a live system's would be, so the first sweeps send nothing."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from notifications.models import Alert, Message
from workflows import tasks
from workflows.models import Run, RunStatus, SweepBacklog, TriggerEvent
from workflows.sweeps import SWEEPS

pytestmark = pytest.mark.django_db


def test_after_seeding_300_accounts_every_sweep_once_sends_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--accounts", "300", stdout=StringIO())
    handled = TriggerEvent.objects.exclude(processed_at=None).count()
    assert handled > 100, "the history had plenty due: recorded as handled"
    assert not Run.objects.exists()

    for sweep in SWEEPS:
        with django_capture_on_commit_callbacks(execute=True):
            tasks.run_sweep(sweep.run.__name__)

    executed = Run.objects.exclude(status=RunStatus.SKIPPED).count()
    assert executed <= 3, "(almost) nothing is due that the demo has not handled"
    assert Message.objects.count() <= 3
    assert Alert.objects.count() <= 3
    assert len(mail.outbox) <= 3
    assert not SweepBacklog.objects.exists()
