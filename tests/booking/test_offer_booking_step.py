"""The playbook step "Offer a booking link": one e-mail with the contact's own booking
page per run and step; the same run again sends nothing new."""

import re

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Message
from tests.workflows.test_engine import build_workflow, failed_payment
from workflows import engine
from workflows.actions import ACTIONS
from workflows.models import Run

pytestmark = pytest.mark.usefixtures("frozen_time")


def offers():
    return Message.objects.filter(template__key="booking-offer")


def test_a_playbook_offers_the_owners_booking_page_and_the_link_opens_it(deliver, customer, client):
    build_workflow(
        "offer-a-walkthrough",
        "payment_failed",
        [("offer_booking", {"meeting_kind": "feature-walkthrough"})],
    )
    deliver(lambda: failed_payment(customer.account, "ch_1"))

    [offer] = offers()
    assert offer.recipient == "ana@acme.example"
    assert "feature walkthrough" in offer.subject.lower()
    assert "Carl Berg" in offer.subject
    [link] = re.findall(r"http://\S+/c/book/\S+/", offer.body_text)
    page = client.get(link.removeprefix("http://127.0.0.1:8000"), {"tz": "Europe/Lisbon"})
    assert page.status_code == 200
    assert "Feature walkthrough, 30 minutes" in page.content.decode()

    run = Run.objects.get(workflow__key="offer-a-walkthrough")
    deliver(lambda: engine.execute_run(run.pk))
    assert offers().count() == 1


def test_an_owner_who_takes_no_bookings_gets_no_offer_sent(deliver, customer, owner):
    owner.availability.delete()
    build_workflow("offer", "payment_failed", [("offer_booking", {})])
    deliver(lambda: failed_payment(customer.account, "ch_1"))
    assert not offers().exists()
    assert "takes no bookings" in Run.objects.get(workflow__key="offer").results.get().detail


def test_saving_the_step_with_an_unknown_kind_or_parameter_is_refused(db):
    step = ACTIONS["offer_booking"]
    step.validate(step.example)
    with pytest.raises(ValidationError, match="no meeting kind"):
        step.validate({"meeting_kind": "yoga"})
    with pytest.raises(ValidationError, match="Unknown parameter"):
        step.check({"kind": "x"})
    with pytest.raises(ValidationError):
        step.check({"meeting_kind": 5})
