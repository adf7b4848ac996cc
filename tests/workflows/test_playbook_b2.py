"""Playbook b2: a customer submits the feedback / NPS form."""

import pytest

from accounts.models import Account, Happiness
from activity.services.feedback import answer_feedback, record_feedback
from core.causes import Cause
from notifications.models import Alert
from tests.workflows.outcomes import emails_to, footprint, inbox, stage, tag_names

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

BY_FORM = Cause.by_customer("feedback form")


def answer(account, contact, nps, submission_key):
    return record_feedback(
        account=account, nps=nps, contact=contact, submission_key=submission_key, cause=BY_FORM
    )


@pytest.mark.parametrize(
    ("nps", "level"),
    [
        (10, Happiness.VERY_HAPPY),
        (9, Happiness.VERY_HAPPY),
        (8, Happiness.HAPPY),
        (7, Happiness.HAPPY),
        (6, Happiness.NEUTRAL),
        (5, Happiness.NEUTRAL),
        (4, Happiness.NOT_HAPPY),
        (0, Happiness.NOT_HAPPY),
    ],
)
def test_an_nps_answer_sets_its_happiness_level_tag_and_card_and_tells_the_owner(
    deliver, account, contact, csm, manager, nps, level
):
    earlier_nps = 5 if level == Happiness.HAPPY else 8  # Neutral or Happy, never escalated
    deliver(lambda: answer(account, contact, earlier_nps, "form-1"))

    deliver(lambda: answer(account, contact, nps, "form-2"))

    label = Happiness(level).label
    assert Account.objects.get(pk=account.pk).happiness == level
    assert tag_names(account) == {label}  # the earlier answer's tag is gone
    assert stage(account, "happiness") == label
    assert inbox(csm) == [
        f"NPS {earlier_nps} from {account.name}",
        f"NPS {nps} from {account.name}",
    ]
    escalations = [f"Escalation: {account.name} is not happy (NPS {nps})"]
    if level == Happiness.NOT_HAPPY:
        assert inbox(manager) == escalations
        assert [e.subject for e in emails_to(manager.email)] == escalations
    else:
        assert inbox(manager) == []
        assert emails_to(manager.email) == []


def test_the_same_submission_sent_twice_changes_nothing(deliver, account, contact, csm, manager):
    deliver(lambda: answer(account, contact, 2, "form-1"))
    before = footprint(account)

    deliver(lambda: answer(account, contact, 2, "form-1"))

    assert footprint(account) == before
    assert (len(inbox(csm)), len(inbox(manager))) == (1, 1)


def test_the_owners_alert_quotes_the_customers_comment(deliver, account, contact, csm):
    deliver(
        lambda: record_feedback(
            account=account,
            nps=6,
            comment="Reports are too slow",
            contact=contact,
            submission_key="form-1",
            cause=BY_FORM,
        )
    )

    [alert] = Alert.objects.filter(user=csm)
    assert 'Comment: "Reports are too slow"' in alert.body


def change_answer(account, contact, nps, replaces, submission_key="form-1"):
    return answer_feedback(
        account=account,
        contact=contact,
        nps=nps,
        submission_key=submission_key,
        replaces=replaces,
        cause=BY_FORM,
    )


def test_a_changed_answer_runs_the_playbook_again_and_the_happiness_follows_it(
    deliver, account, contact, csm, manager
):
    deliver(lambda: answer(account, contact, 3, "form-1"))

    deliver(lambda: change_answer(account, contact, 9, replaces=0))

    assert Account.objects.get(pk=account.pk).happiness == Happiness.VERY_HAPPY
    assert tag_names(account) == {"Very Happy"}
    assert stage(account, "happiness") == "Very Happy"
    assert inbox(csm) == [f"NPS 3 from {account.name}", f"NPS 9 from {account.name}"]
    assert len(inbox(manager)) == 1  # the first answer's escalation, not another


def test_the_same_change_sent_again_changes_nothing(deliver, account, contact, csm):
    deliver(lambda: answer(account, contact, 3, "form-1"))
    deliver(lambda: change_answer(account, contact, 9, replaces=0))
    before = footprint(account)

    deliver(lambda: change_answer(account, contact, 9, replaces=0))

    assert footprint(account) == before
