"""The demo data trips every work-queue detector, so My day opens on a full queue."""

import pytest
from django.conf import settings

from demo.portfolio import ensure_demo_staff
from demo.work_queue import seed_signal_showcase
from workqueue.defaults import SIGNAL_TYPES
from workqueue.models import Signal

pytestmark = pytest.mark.django_db


def test_the_demo_raises_a_signal_of_every_detector():
    counts = seed_signal_showcase(ensure_demo_staff(password=settings.DEMO_PASSWORD))
    detectors = {spec["reason"] for spec in SIGNAL_TYPES} - {"playbook"}
    assert {reason for reason, n in counts.items() if n} == detectors
    raised = set(Signal.objects.values_list("reason", flat=True))
    assert raised == detectors
    assert not Signal.objects.filter(owner=None).exists()


def test_the_showcase_in_seed_demo_fills_the_queue_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    from io import StringIO

    from django.core.management import call_command

    from workflows import tasks
    from workflows.models import Run, RunStatus
    from workflows.sweeps import SWEEPS

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--accounts", "20", "--signal-showcase", stdout=StringIO())
    for sweep in SWEEPS:
        with django_capture_on_commit_callbacks(execute=True):
            tasks.run_sweep(sweep.run.__name__)

    detectors = {spec["reason"] for spec in SIGNAL_TYPES} - {"playbook"}
    assert set(Signal.objects.values_list("reason", flat=True)) >= detectors
    assert Run.objects.exclude(status=RunStatus.SKIPPED).count() <= 3
