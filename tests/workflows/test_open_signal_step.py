"""The "open a signal" step end to end: event in → one signal out; the same event again
changes nothing; a new event adds to the open signal's history."""

import pytest
from django.core.exceptions import ValidationError

from tests.workflows.test_engine import build_workflow, failed_payment
from workflows import engine
from workflows.actions import ACTIONS
from workflows.models import Run
from workqueue.models import Signal, SignalAction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def test_a_playbook_opens_one_signal_per_account_and_adds_later_events_to_it(
    deliver, account, contact, csm
):
    build_workflow(
        "billing-risk",
        "payment_failed",
        [("open_signal", {"reason": "playbook", "why": "Payment failed: {{ data.reason }}"})],
    )
    deliver(lambda: failed_payment(account, "ch_1"))
    [signal] = Signal.objects.filter(account=account)
    assert (signal.reason, signal.owner) == ("playbook", csm)
    runs = Run.objects.filter(workflow__key="billing-risk")
    assert runs.count() == 1

    deliver(lambda: engine.execute_run(runs.get().pk))  # the same run again: nothing new
    assert signal.history.count() == 1

    deliver(lambda: failed_payment(account, "ch_2"))
    signal.refresh_from_db()
    assert Signal.objects.filter(account=account).count() == 1
    assert list(signal.history.values_list("action", flat=True)) == [
        SignalAction.OPENED,
        SignalAction.REPEATED,
    ]


def test_saving_a_step_naming_an_unknown_signal_type_is_refused():
    with pytest.raises(ValidationError, match="no signal type"):
        ACTIONS["open_signal"].validate({"reason": "not-a-type"})
