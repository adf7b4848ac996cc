"""Webhook and Slack deliveries go out as a batch in a constant number of statements
(the endpoints and destinations read once), over one kept-alive connection per receiver."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.causes import Cause
from notifications import delivery
from notifications.models import (
    Channel,
    Message,
    MessageStatus,
    PersonalSlack,
    SlackChannel,
    WebhookEndpoint,
)
from tests.factories import UserFactory
from tests.notifications.slack_stand_in import SlackStandIn
from tests.notifications.webhook_receiver import Receiver
from tests.queries import statements

pytestmark = pytest.mark.django_db

SECRET = "whsec_batch"


@pytest.fixture
def receiver():
    listening = Receiver(SECRET)
    yield listening
    listening.close()


@pytest.fixture
def slack(settings):
    stand_in = SlackStandIn()
    settings.SLACK_WEBHOOK_URL_PREFIX = stand_in.prefix
    yield stand_in
    stand_in.close()


def queue(count: int, receiver, slack) -> list[tuple[int, None]]:
    """`count` webhook deliveries, and as many Slack posts (a person's and a channel's)."""
    endpoint = WebhookEndpoint.objects.create(
        key=f"hook-{count}", name="Hook", url=receiver.url, secret=SECRET, allow_private=True
    )
    team = SlackChannel.objects.create(name="#cs", webhook_url=slack.url("team"))
    person = UserFactory()
    PersonalSlack.objects.create(user=person, webhook_url=slack.url("person"))
    now = delivery.clock.now()
    cause = Cause.by_system("test").as_fields()
    rows = []
    for n in range(count):
        common = {"cause_key": f"batch-{count}:{n}", "next_attempt_at": now, "created_at": now}
        rows.append(
            Message(
                channel=Channel.WEBHOOK,
                recipient=f"webhook:{endpoint.pk}",
                body_text='{"type": "workflow.step"}',
                **common,
                **cause,
            )
        )
        rows.append(
            Message(
                channel=Channel.SLACK,
                recipient=f"slack:user:{person.pk}" if n % 2 else f"slack:channel:{team.pk}",
                user=person if n % 2 else None,
                subject=f"Alert {n}",
                body_text="Something happened",
                **common,
                **cause,
            )
        )
    return [(message.pk, None) for message in Message.objects.bulk_create(rows)]


@pytest.mark.parametrize("count", [3, 12])
def test_a_batch_of_webhooks_and_slack_posts_takes_the_same_statements_at_any_size(
    count, receiver, slack
):
    leases = queue(count, receiver, slack)

    with CaptureQueriesContext(connection) as captured:
        outcomes = delivery.deliver_batch(leases)

    assert outcomes == [MessageStatus.SENT] * (2 * count)
    # claim, load, the endpoints, the Slack destinations (people, channels), the outcomes
    assert len(statements(captured)) == 6, "\n".join(statements(captured))
    assert len(receiver.handled) == count
    assert len(slack.posts) == count
