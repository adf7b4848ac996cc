"""Slack: staff alerts posted to incoming webhooks with the official `slack-sdk`.

A message's recipient names where it goes (`slack:user:<id>`, the user's own webhook
from their alert settings, or `slack:channel:<id>`, a team channel); the URL is read
when it is sent, and only a URL under `SLACK_WEBHOOK_URL_PREFIX` is ever called. The
post is Slack blocks: the alert's title and text, and a button to the account (or the
inbox, for a digest of several accounts). Slack does not de-duplicate, but a missed
escalation costs more than a repeated one: time-outs, 429 and 5xx are retried.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from slack_sdk.webhook import WebhookClient

from ..slack import CHANNEL_PREFIX, USER_PREFIX
from .base import Transport, TransportError

if TYPE_CHECKING:
    from ..models import Message

TIMEOUT_SECONDS = 10
# Slack's limits: a section's text, a button's label.
SECTION_LIMIT = 3000
BUTTON_LIMIT = 75


def _escaped(text: str) -> str:
    """Slack's mrkdwn: &, < and > are control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks_for(message: Message) -> tuple[str, list[dict]]:
    """The notification text (what a phone's banner shows) and the blocks of one alert."""
    title = message.subject or "OpenCSM alert"
    text = f"*{_escaped(title)}*"
    if message.body_text.strip():
        text += f"\n{_escaped(message.body_text.strip())}"
    if len(text) > SECTION_LIMIT:
        text = text[: SECTION_LIMIT - 1] + "…"
    blocks: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if message.link:
        account = message.account.name if message.account_id else ""
        label = f"Open {account}" if account else "Open in OpenCSM"
        if len(label) > BUTTON_LIMIT:
            label = label[: BUTTON_LIMIT - 1] + "…"
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": label},
                        "url": message.link,
                    }
                ],
            }
        )
    return title, blocks


class SlackTransport(Transport):
    def send(self, message: Message) -> str:
        outcome = next(self.send_many([message]))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def send_many(self, messages: Sequence[Message]) -> Iterator[str | Exception]:
        """A batch's destinations read in two queries, then each post in turn."""
        urls = _urls([message.recipient for message in messages])
        for message in messages:
            try:
                yield _post(message, urls.get(message.recipient))
            except Exception as error:  # the delivery loop settles every kind
                yield error


def _urls(recipients: list[str]) -> dict[str, str]:
    """Each recipient's webhook URL, where it still has one."""
    from ..integration_models import PersonalSlack, SlackChannel

    users = [r.removeprefix(USER_PREFIX) for r in recipients if r.startswith(USER_PREFIX)]
    channels = [r.removeprefix(CHANNEL_PREFIX) for r in recipients if r.startswith(CHANNEL_PREFIX)]
    found = {
        f"{USER_PREFIX}{user_id}": url
        for user_id, url in PersonalSlack.objects.filter(
            user_id__in=[u for u in users if u.isdigit()]
        ).values_list("user_id", "webhook_url")
    }
    found |= {
        f"{CHANNEL_PREFIX}{pk}": url
        for pk, url in SlackChannel.objects.filter(
            pk__in=[c for c in channels if c.isdigit()], active=True
        ).values_list("pk", "webhook_url")
    }
    return found


def _post(message: Message, url: str | None) -> str:
    if url is None:
        raise TransportError(
            "Its Slack destination is gone (removed from the alert settings, or the "
            "channel deleted or switched off).",
            permanent=True,
        )
    if not url.startswith(settings.SLACK_WEBHOOK_URL_PREFIX):
        raise TransportError(
            f"The Slack URL is not under {settings.SLACK_WEBHOOK_URL_PREFIX}.", permanent=True
        )
    text, blocks = blocks_for(message)
    try:
        # No retries inside the worker: the outbox retries with back-off.
        client = WebhookClient(url, timeout=TIMEOUT_SECONDS, retry_handlers=[])
        response = client.send(text=text, blocks=blocks)
    except TimeoutError:
        raise TransportError(f"Slack did not answer within {TIMEOUT_SECONDS} s.") from None
    except OSError as error:
        raise TransportError(f"Slack could not be reached: {error!r}.") from None
    if response.status_code == 200:
        return f"slack-{message.pk}"
    answer = f"Slack answered {response.status_code} {(response.body or '').strip()[:200]}"
    permanent = 400 <= response.status_code < 500 and response.status_code != 429
    raise TransportError(answer.strip() + ".", permanent=permanent)
