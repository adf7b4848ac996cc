"""A template e-mail to the account's primary contact, sent from a signal in the queue.

It leaves through the outbox like any playbook's message (opt-outs, the interactive
lane of a person's action, one message per cause), and, once queued, counts as a touch
on the account, joined to the signal. The form carries a key made when the preview was
drawn: a double click, or the same form sent twice, finds the first message and sends
nothing more.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.defaultfilters import pluralize

from core.causes import Cause
from notifications.caps import CapReached
from notifications.models import Audience, Channel, Message, MessageStatus, MessageTemplate
from notifications.services import Composed, compose_customer_message, queue_customer_message

from .models import Signal, Touch, TouchKind
from .touches import log_touch


def email_templates() -> QuerySet[MessageTemplate]:
    """The e-mails a CSM may send by hand: the customer ones that are not transactional
    (a transactional text would reach contacts who unsubscribed)."""
    return MessageTemplate.objects.filter(
        audience=Audience.CUSTOMER, channel=Channel.EMAIL, transactional=False
    ).order_by("name")


def email_template(key: str) -> MessageTemplate:
    """One of `email_templates()`, or a clear refusal."""
    template = email_templates().filter(key=key).first()
    if template is None:
        raise ValidationError("Choose one of the e-mail templates.", code="unknown_template")
    return template


def new_send_key() -> str:
    """The key a preview's send form carries: the same form sent again sends once."""
    return uuid.uuid4().hex


def preview_email(*, signal: Signal, template: MessageTemplate) -> Composed:
    """The e-mail as this signal's primary contact would get it, and why not, if not."""
    return compose_customer_message(account=signal.account, template=template)


@dataclass(frozen=True)
class Sent:
    """What sending did: the outbox's message, whether this call wrote it, the touch."""

    message: Message
    created: bool
    touch: Touch | None

    @property
    def refused(self) -> str:
        """Why the outbox will not send it ("" if it will)."""
        return self.message.last_error if self.message.status == MessageStatus.SUPPRESSED else ""


@transaction.atomic
def send_template_email(
    *, signal: Signal, template: MessageTemplate, send_key: str, author
) -> Sent:
    """Queue `template` for the primary contact (interactive lane) and log it as a touch.

    A message the opt-outs stop is kept by the outbox with its reason and logs no touch;
    a repeat of `send_key` returns the first message and logs nothing; while the
    template's repeat rule holds a new one back, ValidationError says so.
    """
    if not send_key or len(send_key) > 64:
        raise ValidationError("Preview the e-mail again, then send it.", code="no_send_key")
    cause_key = f"workqueue:email:{send_key}"
    # The same form again finds its message before the template's repeat rule would count
    # that very message against it (a capped message's key ends with "|<scope>").
    first = Message.objects.filter(
        Q(cause_key=cause_key) | Q(cause_key__startswith=f"{cause_key}|"), account=signal.account
    ).first()
    if first is not None:
        return Sent(message=first, created=False, touch=None)
    try:
        message, created = queue_customer_message(
            account=signal.account,
            template_key=template.key,
            cause_key=cause_key,
            cause=Cause.by_user(author, "work queue"),
        )
    except CapReached:
        raise ValidationError(
            f"Not sent: “{template.name}” already went to this account in the last "
            f"{template.repeat_days} day{pluralize(template.repeat_days)} "
            "(the template's repeat rule).",
            code="repeat_rule",
        ) from None
    touch = None
    if created and message.status != MessageStatus.SUPPRESSED:
        touch = log_touch(
            account=signal.account,
            kind=TouchKind.EMAIL,
            summary=f"“{message.subject}” ({template.name})",
            author=author,
            contact=message.contact,
            signal=signal,
        )
    return Sent(message=message, created=created, touch=touch)
