"""One transport per channel, behind one interface (see base.Transport)."""

from django.conf import settings
from django.utils.module_loading import import_string

from ..models import Channel
from .base import Transport

SMS_BACKENDS = {
    "console": "notifications.transports.sms_console.ConsoleSmsTransport",
    "twilio": "notifications.transports.twilio.TwilioSmsTransport",
}


def transport_for(channel: str) -> Transport:
    """The transport that delivers `channel` under the current settings (inside a dry run,
    capture.captured(), all but in-app alerts are kept instead)."""
    from .capture import CapturingTransport, collector

    collected = collector()
    # Everything that would leave the building is captured: e-mail, SMS, webhooks, Slack.
    if collected is not None and channel != Channel.IN_APP:
        return CapturingTransport(collected)
    if channel == Channel.EMAIL:
        from .email import EmailTransport

        return EmailTransport()
    if channel == Channel.SMS:
        return import_string(SMS_BACKENDS.get(settings.SMS_BACKEND, settings.SMS_BACKEND))()
    if channel == Channel.IN_APP:
        from .in_app import InAppTransport

        return InAppTransport()
    if channel == Channel.WEBHOOK:
        from .webhook import WebhookTransport

        return WebhookTransport()
    if channel == Channel.SLACK:
        from .slack import SlackTransport

        return SlackTransport()
    raise ValueError(f"No transport for channel {channel!r}")
