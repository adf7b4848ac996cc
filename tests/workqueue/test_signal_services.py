"""Signals: one live signal per (account, kind, reason), repeats, snooze, close, checklist."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activity.models import Task
from core.causes import Cause
from tests.factories import AccountFactory, UserFactory
from workqueue.models import (
    Signal,
    SignalAction,
    SignalStatus,
    SignalType,
    TaskTemplate,
)
from workqueue.services import (
    close_signal,
    reassign_signal,
    snooze_signal,
    wake_snoozed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def actions(signal) -> list[str]:
    return list(signal.history.values_list("action", flat=True))


def test_a_signal_opens_for_the_accounts_owner_with_its_types_wording(account, csm, raise_one):
    raised = raise_one(account, "usage_drop", percent=30)
    [signal] = raised.opened
    assert (signal.owner, signal.kind, signal.title) == (csm, "risk", "Usage dropped")
    assert signal.why == {"percent": 30}
    assert signal.status == SignalStatus.OPEN
    assert signal.due_at is not None
    assert actions(signal) == [SignalAction.OPENED]


def test_a_second_occurrence_adds_to_the_open_signal_instead_of_a_new_row(account, raise_one):
    raise_one(account, key="week:1")
    raised = raise_one(account, key="week:2", percent=20)
    [signal] = Signal.objects.all()
    assert raised.repeated == [signal]
    assert not raised.opened
    assert signal.occurrences == 2
    assert signal.why == {"percent": 20}
    assert actions(signal) == [SignalAction.OPENED, SignalAction.REPEATED]


def test_the_same_occurrence_again_changes_nothing(account, raise_one):
    raise_one(account, key="week:1")
    again = raise_one(account, key="week:1")
    assert again.count == 0
    assert Signal.objects.get().occurrences == 1


def test_the_database_refuses_a_second_live_signal_for_the_same_reason(account, raise_one):
    [signal] = raise_one(account).opened
    duplicate = Signal.objects.get(pk=signal.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_after_closing_a_new_occurrence_opens_a_new_signal(account, csm, raise_one):
    [first] = raise_one(account, key="a").opened
    close_signal(signal=first, outcome="Saved", cause=Cause.by_user(csm))
    [second] = raise_one(account, key="b").opened
    assert second.pk != first.pk
    assert Signal.objects.filter(status=SignalStatus.OPEN).count() == 1


def test_a_snoozed_signal_does_not_refire_until_its_snooze_ends(
    account, csm, raise_one, frozen_time
):
    [signal] = raise_one(account, key="a").opened
    snooze_signal(
        signal=signal, until=signal.opened_at + timedelta(days=3), cause=Cause.by_user(csm)
    )
    raise_one(account, key="b")
    signal.refresh_from_db()
    assert signal.status == SignalStatus.SNOOZED
    assert Signal.objects.count() == 1
    assert wake_snoozed(cause=Cause.by_system("t")) == 0
    frozen_time.shift(timedelta(days=3, minutes=1))
    assert wake_snoozed(cause=Cause.by_system("t")) == 1
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OPEN
    assert signal.snoozed_until is None
    assert actions(signal)[-1] == SignalAction.WOKE


def test_snoozing_into_the_past_is_refused_and_changes_nothing(account, csm, raise_one):
    [signal] = raise_one(account).opened
    with pytest.raises(ValidationError, match="future"):
        snooze_signal(
            signal=signal, until=signal.opened_at - timedelta(hours=1), cause=Cause.by_user(csm)
        )
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OPEN
    assert actions(signal) == [SignalAction.OPENED]


def test_closing_twice_is_refused_and_the_first_outcome_stays(account, csm, raise_one):
    [signal] = raise_one(account).opened
    close_signal(signal=signal, outcome="Saved", note="Called them", cause=Cause.by_user(csm))
    with pytest.raises(ValidationError, match="already closed"):
        close_signal(signal=Signal.objects.get(), outcome="Churned", cause=Cause.by_user(csm))
    signal.refresh_from_db()
    assert (signal.status, signal.outcome, signal.closed_by) == ("done", "Saved", csm)
    assert actions(signal) == [SignalAction.OPENED, SignalAction.DONE]


def test_an_outcome_the_type_does_not_have_is_refused(account, csm, raise_one):
    [signal] = raise_one(account).opened
    with pytest.raises(ValidationError, match="not an outcome"):
        close_signal(signal=signal, outcome="Upsold", cause=Cause.by_user(csm))
    assert Signal.objects.get().status == SignalStatus.OPEN


def test_dismissing_records_the_outcome_as_dismissed(account, csm, raise_one):
    [signal] = raise_one(account).opened
    close_signal(signal=signal, outcome="False alarm", dismissed=True, cause=Cause.by_user(csm))
    assert Signal.objects.get().status == SignalStatus.DISMISSED


def test_reassigning_moves_it_to_another_queue_and_refuses_an_inactive_user(
    account, csm, manager, raise_one
):
    [signal] = raise_one(account).opened
    other = UserFactory(username="olga")
    assert reassign_signal(signal=signal, owner=other, cause=Cause.by_user(manager))
    assert Signal.objects.get().owner == other
    other.is_active = False
    other.save()
    with pytest.raises(ValidationError):
        reassign_signal(signal=signal, owner=other, cause=Cause.by_user(manager))


def test_the_checklist_opens_its_tasks_once(account, csm, raise_one):
    kind = SignalType.objects.get(reason="usage_drop")
    TaskTemplate.objects.create(signal_type=kind, title="Call the champion", due_in_days=1)
    lead = UserFactory(username="lead")
    TaskTemplate.objects.create(
        signal_type=kind, title="Review usage", assign_to="named", assignee=lead
    )
    raise_one(account, key="a")
    raise_one(account, key="b")
    tasks = Task.objects.order_by("title")
    assert [(t.title, t.assignee) for t in tasks] == [
        ("Call the champion", csm),
        ("Review usage", lead),
    ]


def test_a_checklist_naming_a_deleted_user_is_refused_before_anything_is_written(raise_one):
    account = AccountFactory()
    kind = SignalType.objects.get(reason="usage_drop")
    gone = UserFactory(username="gone")
    TaskTemplate.objects.create(
        signal_type=kind, title="Ask gone", assign_to="named", assignee=gone
    )
    gone.delete()
    with pytest.raises(ValidationError, match="no longer exists"):
        raise_one(account)
    assert not Signal.objects.exists()
    assert not Task.objects.exists()


def test_an_unknown_reason_is_refused(account, raise_one):
    with pytest.raises(ValidationError, match="Unknown signal reason"):
        raise_one(account, "nope")


def test_a_switched_off_type_raises_nothing(account, raise_one):
    SignalType.objects.filter(reason="usage_drop").update(is_active=False)
    assert raise_one(account).count == 0
    assert not Signal.objects.exists()
