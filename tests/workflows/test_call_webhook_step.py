"""The "Call a webhook" step end to end: a playbook's step POSTs signed JSON through the
outbox to a local receiver that verifies it as the README says; once per run and step,
retried on 5xx and time-outs with the same delivery id, given up after its deadline with
the reason, never to a private address unless the endpoint allows it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from notifications import delivery
from notifications.models import Channel, Message, MessageStatus, WebhookEndpoint
from notifications.transports import webhook as transport
from tests.notifications.webhook_receiver import Receiver
from tests.workflows.test_engine import build_workflow, failed_payment
from workflows import engine
from workflows.actions import ACTIONS
from workflows.models import Run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

SECRET = "whsec_receiver_knows_this"


@pytest.fixture
def receiver():
    listening = Receiver(SECRET)
    yield listening
    listening.close()


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(
        key="crm-sync", name="CRM sync", url=receiver.url, secret=SECRET, allow_private=True
    )


@pytest.fixture
def playbook(endpoint):
    return build_workflow(
        "tell-the-crm",
        "payment_failed",
        [("call_webhook", {"endpoint": "crm-sync", "type": "payment.failed"})],
    )


def webhooks():
    return Message.objects.filter(channel=Channel.WEBHOOK)


def test_a_failed_payment_posts_one_signed_payload_the_receiver_verifies(
    deliver, account, playbook, receiver
):
    deliver(lambda: failed_payment(account, "ch_1"))

    [message] = webhooks()
    assert message.status == MessageStatus.SENT
    assert receiver.refused == []
    [(delivery_id, payload)] = receiver.handled.items()
    assert message.provider_id == delivery_id == payload["id"]
    run = Run.objects.get(workflow=playbook)
    assert payload["type"] == "payment.failed"
    assert payload["event"]["kind"] == "payment_failed"
    assert payload["event"]["data"]["failure_reason"] == "card_declined"
    assert payload["account"]["id"] == account.external_id
    assert payload["account"]["url"].endswith(f"/accounts/{account.pk}/")
    assert payload["run"] == {"id": run.pk, "workflow": "Tell The Crm", "step": "1"}


def test_the_same_run_again_posts_nothing_more(deliver, account, playbook, receiver):
    deliver(lambda: failed_payment(account, "ch_1"))
    run = Run.objects.get(workflow=playbook)

    deliver(lambda: engine.execute_run(run.pk))
    deliver(delivery.deliver_due)

    assert webhooks().count() == 1
    assert len(receiver.requests) == 1


def test_a_server_error_is_retried_later_with_the_same_delivery_id_and_body(
    deliver, account, playbook, receiver, frozen_time
):
    receiver.status = 503
    deliver(lambda: failed_payment(account, "ch_1"))
    [message] = webhooks()
    assert message.status == MessageStatus.QUEUED
    assert message.last_error == "The receiver answered 503."

    receiver.status = 200
    deliver(delivery.deliver_due)  # not due yet: nothing sent
    assert len(receiver.requests) == 1
    frozen_time.shift(timedelta(minutes=1))
    deliver(delivery.deliver_due)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    (first_headers, first_body), (again_headers, again_body) = receiver.requests
    assert first_body == again_body
    assert first_headers["OpenCSM-Delivery"] == again_headers["OpenCSM-Delivery"]
    assert list(receiver.handled) == [message.provider_id]


def test_a_receiver_that_does_not_answer_in_time_is_retried(
    deliver, account, playbook, receiver, monkeypatch
):
    monkeypatch.setattr(transport, "TIMEOUT_SECONDS", 0.2)
    receiver.delay = 0.5

    deliver(lambda: failed_payment(account, "ch_1"))

    [message] = webhooks()
    assert message.status == MessageStatus.QUEUED
    assert "did not answer within" in message.last_error


def test_it_is_given_up_after_the_deadline_with_the_last_reason(
    deliver, account, playbook, receiver, frozen_time, settings
):
    settings.WEBHOOK_DEADLINE_HOURS = 1
    receiver.status = 500
    deliver(lambda: failed_payment(account, "ch_1"))
    frozen_time.shift(timedelta(minutes=31))  # past the first back-off (1 minute)
    deliver(delivery.deliver_due)
    [message] = webhooks()
    assert message.status == MessageStatus.QUEUED
    frozen_time.shift(timedelta(minutes=31))  # past the deadline
    deliver(delivery.deliver_due)

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error.startswith("Given up after 3 attempts over 1 hour;")
    assert message.last_error.endswith("The receiver answered 500.")


def test_a_client_error_is_not_retried(deliver, account, playbook, receiver):
    receiver.status = 410

    deliver(lambda: failed_payment(account, "ch_1"))

    [message] = webhooks()
    assert (message.status, message.last_error) == (
        MessageStatus.FAILED,
        "The receiver answered 410.",
    )


def test_a_private_address_is_refused_unless_the_endpoint_allows_it(
    deliver, account, playbook, endpoint, receiver
):
    endpoint.allow_private = False
    endpoint.save()

    deliver(lambda: failed_payment(account, "ch_1"))

    [message] = webhooks()
    assert message.status == MessageStatus.FAILED
    assert "127.0.0.1, a private or reserved address" in message.last_error
    assert receiver.requests == []


def test_a_switched_off_endpoint_keeps_the_delivery_as_suppressed(
    deliver, account, playbook, endpoint, receiver
):
    endpoint.active = False
    endpoint.save()

    deliver(lambda: failed_payment(account, "ch_1"))

    [message] = webhooks()
    assert (message.status, message.last_error) == (
        MessageStatus.SUPPRESSED,
        "The endpoint crm-sync is switched off.",
    )
    assert receiver.requests == []


def test_a_delivery_whose_worker_died_is_retried_not_failed(
    deliver, account, playbook, receiver, frozen_time
):
    receiver.status = 503
    deliver(lambda: failed_payment(account, "ch_1"))
    [message] = webhooks()
    webhooks().update(status=MessageStatus.SENDING, claimed_at=message.created_at)
    frozen_time.shift(timedelta(hours=1))

    assert delivery.release_stuck_messages() == 1

    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED


@pytest.mark.parametrize(
    ("params", "refusal"),
    [
        ({}, "Missing parameter(s): endpoint."),
        ({"endpoint": "nowhere"}, "There is no webhook endpoint 'nowhere'"),
        ({"endpoint": "crm-sync", "type": 7}, "`type` is text, not 7."),
        ({"endpoint": "crm-sync", "url": "http://x"}, "Unknown parameter `url`"),
    ],
)
def test_a_bad_step_is_refused_when_saved(endpoint, params, refusal):
    with pytest.raises(ValidationError) as refused:
        ACTIONS["call_webhook"].validate(params)

    assert refusal in " ".join(refused.value.messages)


def test_the_readmes_verify_function_accepts_a_delivery_and_nothing_else(
    deliver, account, playbook, receiver, settings
):
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("### Verify a webhook's signature", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(code, namespace)  # the README's own receiver code, as a team would paste it
    verify = namespace["verify"]
    deliver(lambda: failed_payment(account, "ch_1"))
    [(headers, body)] = receiver.requests
    header = headers["OpenCSM-Signature"]

    assert verify(body, header, SECRET)
    assert not verify(body + b" ", header, SECRET)
    assert not verify(body, header, "whsec_someone_else")
    assert not verify(body, "t=soon,v1=00", SECRET)


def test_a_dry_run_posts_nothing(account, playbook, receiver):
    from workflows.simulation.testing import at, simulate

    result = simulate(
        account,
        days=1,
        workflow="tell-the-crm",
        happenings=[at(days=0, what="a failed payment", do=lambda: failed_payment(account))],
    )

    assert receiver.requests == []
    assert not webhooks().exists()  # rolled back
    [hook] = [m for m in result.messages if m.channel == "Webhook"]
    assert (hook.status, hook.to_customer) == ("sent", False)  # captured, as e-mail is
    assert '"kind": "payment_failed"' in hook.body_text
