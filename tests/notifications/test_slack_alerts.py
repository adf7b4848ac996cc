"""Slack as a staff-alert channel, against a local stand-in for Slack's incoming webhooks:
a user's own webhook gets their alerts, digests and escalations as their inbox does; a
team channel gets the kinds it chose; each post is Slack blocks with a link to the
account; once per cause; retried when Slack fails, given up on when it refuses."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import StaffProfile
from accounts.roles import MANAGER
from core.causes import Cause
from notifications import delivery
from notifications.digests import send_due_digests
from notifications.models import (
    AlertPreference,
    Channel,
    Message,
    MessageStatus,
    MessageTemplate,
    PersonalSlack,
    SlackChannel,
)
from notifications.services import notify_staff
from tests.factories import AccountFactory, UserFactory
from tests.notifications.slack_stand_in import SlackStandIn

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 9, 30, tzinfo=UTC)
NEW_ACCOUNT = "a1-new-account"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def slack(settings):
    stand_in = SlackStandIn()
    settings.SLACK_WEBHOOK_URL_PREFIX = stand_in.prefix
    yield stand_in
    stand_in.close()


@pytest.fixture
def on_slack(slack, csm):
    PersonalSlack.objects.create(user=csm, webhook_url=slack.url("carl"))
    return csm


def alert(deliver, account, cause_key="signup:1", rule="owner", template=NEW_ACCOUNT):
    return deliver(
        lambda: notify_staff(
            account=account,
            template_key=template,
            cause_key=cause_key,
            cause=Cause.by_workflow_run(7),
            rule=rule,
        )
    )


def slack_messages():
    return Message.objects.filter(channel=Channel.SLACK)


def test_an_alert_reaches_the_users_slack_as_blocks_with_a_link_to_the_account(
    deliver, account, on_slack, slack
):
    alert(deliver, account)

    [post] = slack.to("carl")
    section, actions = post["blocks"]
    assert post["text"] == f"New account: {account.name}"
    assert section["text"]["text"].startswith(f"*New account: {account.name}*")
    [button] = actions["elements"]
    assert button["text"]["text"] == f"Open {account.name}"
    assert button["url"].endswith(reverse("accounts:detail", args=[account.pk]))
    assert slack_messages().get().status == MessageStatus.SENT


def test_the_same_cause_again_posts_nothing_more(deliver, account, on_slack, slack):
    alert(deliver, account)
    alert(deliver, account)
    deliver(delivery.deliver_due)

    assert len(slack.to("carl")) == 1


def test_someone_without_slack_gets_no_slack_post(deliver, account, slack, csm):
    alert(deliver, account)

    assert slack.posts == []
    assert not slack_messages().exists()


def test_an_hourly_digest_is_one_slack_post(deliver, on_slack, slack, frozen):
    AlertPreference.objects.create(user=on_slack, kind=NEW_ACCOUNT, delivery="hourly")
    accounts = [AccountFactory(owner=on_slack) for _ in range(3)]
    for account in accounts:
        alert(deliver, account, cause_key=f"signup:{account.pk}")
    assert slack.posts == []

    frozen.move_to(NOW.replace(hour=10, minute=2))
    assert deliver(send_due_digests) == 1
    assert deliver(send_due_digests) == 0

    [post] = slack.to("carl")
    assert post["text"] == "New account signed up: 3 alerts"
    for account in accounts:
        assert f"• New account: {account.name}" in post["blocks"][0]["text"]["text"]
    assert post["blocks"][1]["elements"][0]["text"]["text"] == "Open in OpenCSM"


def test_an_escalation_reaches_the_managers_slack_at_once_whatever_they_chose(
    deliver, account, slack, csm
):
    boss = UserFactory(username="bea", roles=[MANAGER])
    StaffProfile.objects.update_or_create(user=csm, defaults={"reports_to": boss})
    PersonalSlack.objects.create(user=boss, webhook_url=slack.url("bea"))
    AlertPreference.objects.create(user=boss, kind=NEW_ACCOUNT, delivery="daily")

    alert(deliver, account, rule="escalation")

    assert len(slack.to("bea")) == 1


def test_a_team_channel_gets_the_kinds_it_chose(deliver, account, slack, csm):
    everything = SlackChannel.objects.create(name="#cs-all", webhook_url=slack.url("all"))
    signups = SlackChannel.objects.create(name="#cs-signups", webhook_url=slack.url("signups"))
    signups.kinds.add(MessageTemplate.objects.get(key=NEW_ACCOUNT))
    SlackChannel.objects.create(name="#off", webhook_url=slack.url("off"), active=False)
    other_kind = MessageTemplate.objects.filter(audience="staff").exclude(key=NEW_ACCOUNT)[0]

    alert(deliver, account)
    alert(deliver, account, cause_key="other:1", template=other_kind.key)

    assert len(slack.to("signups")) == 1
    assert len(slack.to("all")) == 2
    assert slack.to("off") == []
    assert everything.pk  # posted without any person's Slack


def test_slack_failing_is_retried_later(deliver, account, on_slack, slack, frozen):
    slack.answer = (500, "internal_error")
    alert(deliver, account)
    message = slack_messages().get()
    assert (message.status, message.last_error) == (
        MessageStatus.QUEUED,
        "Slack answered 500 internal_error.",
    )

    slack.answer = (200, "ok")
    frozen.shift(timedelta(minutes=1))
    deliver(delivery.deliver_due)

    assert len(slack.to("carl")) == 1


def test_a_refusal_by_slack_is_not_retried_and_says_why(deliver, account, on_slack, slack):
    slack.answer = (404, "no_service")

    alert(deliver, account)

    message = slack_messages().get()
    assert (message.status, message.last_error) == (
        MessageStatus.FAILED,
        "Slack answered 404 no_service.",
    )


def test_a_url_outside_slack_is_never_called(deliver, account, on_slack, slack, settings):
    settings.SLACK_WEBHOOK_URL_PREFIX = "https://hooks.slack.com/services/"

    alert(deliver, account)

    assert slack.posts == []
    assert "not under https://hooks.slack.com/services/" in slack_messages().get().last_error


# --- alert settings ----------------------------------------------------------------------


def test_a_user_saves_their_slack_webhook_in_the_alert_settings(client, csm, slack):
    client.force_login(csm)

    response = client.post(reverse("inbox:settings"), {"slack_url": slack.url("carl")})

    assert response.status_code == 302
    assert PersonalSlack.objects.get(user=csm).webhook_url == slack.url("carl")
    page = client.get(reverse("inbox:settings")).content.decode()
    assert slack.url("carl") in page

    client.post(reverse("inbox:settings"), {"slack_url": ""})
    assert not PersonalSlack.objects.filter(user=csm).exists()


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest", "https://evil.example/services/x", "x" * 600]
)
def test_a_url_that_is_not_slacks_is_refused_with_the_reason(client, csm, slack, url):
    client.force_login(csm)

    response = client.post(reverse("inbox:settings"), {"slack_url": url})

    assert response.status_code == 400
    assert not PersonalSlack.objects.exists()
    page = response.content.decode()
    assert "incoming-webhook URL starts with" in page or "at most 500" in page
