"""activity.services.feedback.record_feedback: a customer's NPS answer."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Account
from activity import signals
from activity.models import Feedback, FeedbackChange
from activity.services.feedback import MAX_COMMENT, Answer, answer_feedback, record_feedback
from core.causes import Cause, CauseKind
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2025, 8, 20, 17, 45, tzinfo=UTC)


@pytest.fixture
def by_form() -> Cause:
    return Cause.by_customer("feedback form")


def test_an_answer_is_stored_with_its_score_comment_contact_and_time(account, by_form):
    contact = ContactFactory(account=account)

    with time_machine.travel(SUBMITTED, tick=False):
        feedback, created = record_feedback(
            account=account, nps=9, comment="  Love the reports!  ", contact=contact, cause=by_form
        )

    assert created is True
    feedback.refresh_from_db()
    assert (feedback.account, feedback.contact, feedback.nps, feedback.comment) == (
        account,
        contact,
        9,
        "Love the reports!",
    )
    assert (feedback.submitted_at, feedback.cause_kind, feedback.cause_reason) == (
        SUBMITTED,
        CauseKind.CUSTOMER,
        "feedback form",
    )


def test_a_double_submit_is_stored_once_keeping_the_first_answer(account, by_form):
    first, _ = record_feedback(account=account, nps=4, submission_key="nonce-1", cause=by_form)

    again, created = record_feedback(
        account=account, nps=10, submission_key="nonce-1", cause=by_form
    )

    assert (again.pk, created, again.nps) == (first.pk, False, 4)
    assert Feedback.objects.count() == 1


def test_answers_without_a_submission_key_are_each_stored(account, by_form):
    record_feedback(account=account, nps=6, cause=by_form)
    record_feedback(account=account, nps=6, cause=by_form)

    assert Feedback.objects.filter(account=account).count() == 2


@pytest.mark.parametrize("nps", [11, -1, "7", 7.0, True, None])
def test_an_nps_outside_0_to_10_or_not_a_whole_number_is_refused(account, by_form, nps):
    with pytest.raises(ValidationError) as refusal:
        record_feedback(account=account, nps=nps, cause=by_form)

    assert refusal.value.code == "invalid_nps"
    assert refusal.value.messages == ["The NPS answer is a whole number from 0 to 10."]
    assert Feedback.objects.count() == 0


@pytest.mark.parametrize("nps", [0, 10])
def test_both_ends_of_the_nps_scale_are_accepted(account, by_form, nps):
    feedback, _ = record_feedback(account=account, nps=nps, cause=by_form)

    feedback.refresh_from_db()
    assert feedback.nps == nps


def test_an_overlong_comment_is_refused(account, by_form):
    with pytest.raises(ValidationError) as refusal:
        record_feedback(account=account, nps=8, comment="a" * (MAX_COMMENT + 1), cause=by_form)

    assert refusal.value.code == "too_long"
    assert f"longer than {MAX_COMMENT} characters" in refusal.value.messages[0]
    assert Feedback.objects.count() == 0


def test_a_contact_of_another_account_is_refused(account, by_form):
    stranger = ContactFactory(account=AccountFactory())

    with pytest.raises(ValidationError) as refusal:
        record_feedback(account=account, nps=8, contact=stranger, cause=by_form)

    assert refusal.value.code == "contact_mismatch"
    assert refusal.value.messages == ["The contact belongs to another account."]
    assert Feedback.objects.count() == 0


def test_a_submission_key_already_used_by_another_account_is_refused(account, by_form):
    # Like a payment or booking id, a key seen on one account must not
    # answer for another one (it would hand back that account's feedback).
    other = AccountFactory()
    record_feedback(account=other, nps=2, submission_key="nonce-9", cause=by_form)

    with pytest.raises(ValidationError) as refusal:
        record_feedback(account=account, nps=9, submission_key="nonce-9", cause=by_form)

    assert "another account" in refusal.value.messages[0]
    assert not Feedback.objects.filter(account=account).exists()


def test_feedback_for_a_deleted_account_is_refused(account, by_form):
    Account.objects.filter(pk=account.pk).delete()

    with pytest.raises(ValidationError, match="does not exist"):
        record_feedback(account=account, nps=8, cause=by_form)
    assert Feedback.objects.count() == 0


def test_an_answer_is_announced_once_after_commit(
    account, by_form, received, django_capture_on_commit_callbacks
):
    sent = received(signals.feedback_submitted)

    with django_capture_on_commit_callbacks(execute=True):
        feedback, _ = record_feedback(account=account, nps=3, submission_key="n-2", cause=by_form)
        record_feedback(account=account, nps=3, submission_key="n-2", cause=by_form)
        assert sent == []

    assert sent == [
        {
            "sender": Feedback,
            "account_id": account.pk,
            "feedback_id": feedback.pk,
            "nps": 3,
            "revision": 0,
            "previous_nps": None,
            "cause": by_form,
        }
    ]


def test_a_rolled_back_answer_is_not_announced(
    account, by_form, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.feedback_submitted)

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        record_feedback(account=account, nps=0, cause=by_form)

    assert sent == []
    assert Feedback.objects.count() == 0


def answer(account, nps, *, replaces=None, comment="", cause=None, key="link-1"):
    return answer_feedback(
        account=account,
        nps=nps,
        comment=comment,
        submission_key=key,
        replaces=replaces,
        cause=cause or Cause.by_customer("feedback form"),
    )


def test_a_first_answer_on_a_link_is_recorded(account):
    result = answer(account, 7, comment="Fine")

    assert result.outcome == Answer.RECORDED
    feedback = result.feedback
    assert (feedback.nps, feedback.comment, feedback.revision) == (7, "Fine", 0)


def test_the_same_answer_again_changes_nothing(account):
    answer(account, 7, comment="Fine")

    result = answer(account, 7, comment=" Fine ")

    assert result.outcome == Answer.UNCHANGED
    assert FeedbackChange.objects.count() == 0


def test_a_different_answer_is_not_taken_until_the_customer_says_it_replaces_the_first(account):
    answer(account, 3)

    result = answer(account, 9)

    assert result.outcome == Answer.CONFIRM
    assert Feedback.objects.get().nps == 3
    assert FeedbackChange.objects.count() == 0


def test_a_confirmed_change_replaces_the_answer_and_keeps_the_old_one_in_its_history(account):
    with time_machine.travel(SUBMITTED, tick=False):
        answer(account, 3, comment="Broken export")
    later = datetime(2025, 8, 22, 9, 0, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        result = answer(account, 9, comment="Fixed", replaces=0)

    assert result.outcome == Answer.CHANGED
    feedback = Feedback.objects.get()
    assert (feedback.nps, feedback.comment, feedback.revision) == (9, "Fixed", 1)
    assert (feedback.submitted_at, feedback.changed_at) == (SUBMITTED, later)
    change = FeedbackChange.objects.get()
    assert (change.revision, change.from_nps, change.to_nps) == (1, 3, 9)
    assert (change.from_comment, change.to_comment) == ("Broken export", "Fixed")
    assert (change.created_at, change.cause_kind) == (later, CauseKind.CUSTOMER)


def test_a_change_sent_twice_is_made_once(account):
    answer(account, 3)
    answer(account, 9, replaces=0)

    again = answer(account, 9, replaces=0)

    assert again.outcome == Answer.UNCHANGED
    assert FeedbackChange.objects.count() == 1


def test_a_change_of_an_answer_that_changed_meanwhile_is_not_made(account):
    answer(account, 3)
    answer(account, 7, replaces=0)  # another tab

    stale = answer(account, 9, replaces=0)

    assert stale.outcome == Answer.STALE
    assert (stale.feedback.nps, stale.feedback.revision) == (7, 1)
    assert FeedbackChange.objects.count() == 1


def test_a_change_is_announced_with_its_revision_and_the_answer_it_replaces(
    account, received, django_capture_on_commit_callbacks
):
    sent = received(signals.feedback_submitted)
    first = answer(account, 3)
    by_form = Cause.by_customer("feedback form")

    with django_capture_on_commit_callbacks(execute=True):
        answer(account, 9, replaces=0, cause=by_form)
        answer(account, 9, replaces=0, cause=by_form)

    assert sent == [
        {
            "sender": Feedback,
            "account_id": account.pk,
            "feedback_id": first.feedback.pk,
            "nps": 9,
            "revision": 1,
            "previous_nps": 3,
            "cause": by_form,
        }
    ]


def test_the_same_revision_can_be_written_only_once(account):
    from django.db import IntegrityError, transaction

    feedback = answer(account, 3).feedback
    answer(account, 9, replaces=0)

    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackChange.objects.create(
            feedback=feedback,
            revision=1,
            from_nps=3,
            to_nps=5,
            created_at=SUBMITTED,
            **Cause.by_customer("feedback form").as_fields(),
        )
