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
