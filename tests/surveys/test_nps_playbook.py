"""The shipped NPS playbook end to end: the sweep sends the NPS survey; its answer is b2's."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail

from accounts.models import Account, Happiness
from surveys.models import SurveySend
from tests.workflows.outcomes import footprint, inbox, stage, tag_names
from workflows import tasks
from workflows.actions import ACTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(account, contact):
    Account.objects.filter(pk=account.pk).update(signed_up_at=datetime(2023, 1, 15, tzinfo=UTC))
    return account


def test_the_nps_sweep_sends_the_survey_and_a_low_score_makes_the_account_not_happy(
    client, deliver, customer, contact, csm, manager
):
    assert deliver(lambda: tasks.run_sweep("nps_due")) == 1
    [send] = SurveySend.objects.filter(contact=contact)
    assert send.version.survey.key == "nps"
    [email] = mail.outbox
    two = re.search(r"^2 http://127\.0\.0\.1:8000(\S+)$", email.body, re.M).group(1)
    assert client.get(two).status_code == 200

    deliver(lambda: client.post(two.split("?")[0], {"q-nps": "2", "q-comment": "Slow"}))

    assert Account.objects.get(pk=customer.pk).happiness == Happiness.NOT_HAPPY
    assert tag_names(customer) == {"Not Happy"}
    assert stage(customer, "happiness") == "Not Happy"
    assert inbox(csm) == [f"NPS 2 from {customer.name}"]
    assert inbox(manager) == [f"Escalation: {customer.name} is not happy (NPS 2)"]
    before = footprint(customer)

    deliver(lambda: client.post(two.split("?")[0], {"q-nps": "2", "q-comment": "Slow"}))
    deliver(lambda: tasks.run_sweep("nps_due"))

    assert footprint(customer) == before
    assert SurveySend.objects.count() == 1
    assert len(mail.outbox) == 1 + 1  # the survey, and the manager's escalation e-mail


def test_the_step_refuses_an_unknown_survey_or_parameter():
    step = ACTIONS["send_survey"]
    step.validate({"survey": "csat", "contact": "data.contact_id"})
    with pytest.raises(Exception, match="no survey 'nope'"):
        step.validate({"survey": "nope"})
    with pytest.raises(Exception, match="Unknown parameter"):
        step.check({"survey": "nps", "scores": 3})
    with pytest.raises(Exception, match="not a customer e-mail"):
        step.validate({"survey": "nps", "template": "b2-feedback-received"})
