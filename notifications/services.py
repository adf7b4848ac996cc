"""Queuing customer messages and staff alerts: the outbox is the only way out.

Every message is a row written in the caller's transaction, keyed by its
cause, recipient and channel, so the same cause never produces a second
message. Delivery happens after commit in a worker (notifications.delivery).
Opt-outs and frequency caps are enforced here for every playbook; a message
an opt-out stops is kept as `suppressed` with the reason, so "why didn't they
get it?" has an answer too.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Account, Contact
from core import clock
from core.causes import Cause
from core.lanes import INTERACTIVE, lane_of
from core.queue import wake_on_commit

from .audiences import StaffRule, staff_recipients
from .caps import cap_of, enforce_cap
from .delivery import OUTBOX_TASK
from .digests import deliveries, held_item, hold_for_digest
from .links import company_links, form_links, unsubscribe_url
from .models import (
    Alert,
    AlertDelivery,
    Audience,
    Channel,
    Message,
    MessageStatus,
    MessageTemplate,
)
from .optouts import opt_out_reason
from .slack import channel_recipient, team_channels_for, user_recipient, with_slack_flag
from .templating import Rendered, account_url, build_context, render, with_help_footer


def template_for(key: str, *, audience: str) -> MessageTemplate:
    """The template called `key` for `audience`, or a clear refusal."""
    template = MessageTemplate.objects.filter(key=key).first()
    if template is None:
        raise ValidationError(f"There is no message template {key!r}.", code="unknown_template")
    if template.audience != audience:
        raise ValidationError(
            f"Template {key!r} is for {template.get_audience_display().lower()}, "
            f"not {Audience(audience).label.lower()}.",
            code="wrong_audience",
        )
    return template


def queue_customer_message(
    *,
    account: Account,
    template_key: str,
    cause_key: str,
    cause: Cause,
    contact: Contact | None = None,
    data: dict[str, Any] | None = None,
    links: dict[str, str] | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> tuple[Message, bool]:
    """Queue one e-mail or SMS (by the template's channel) to a contact.

    `attachments` ({"filename", "mimetype", "content"} each) go with an e-mail only.

    Goes to the account's primary contact unless `contact` is given.
    Returns (message, created); the same cause for the same recipient and
    channel returns the first message. Its one write is the message row, so it
    needs no transaction (or savepoint) of its own. Under the template's repeat
    rule (notifications.caps), raises CapReached, writing nothing, while an earlier
    message holds this one back.
    """
    template = template_for(template_key, audience=Audience.CUSTOMER)
    cap = cap_of(template, data)
    if cap is not None:
        cause_key = cap.cause_key(cause_key)
        enforce_cap(cap, account=account, template_key=template_key, cause_key=cause_key)
    composed = compose_customer_message(
        account=account, template=template, contact=contact, data=data, links=links
    )
    contact, rendered = composed.contact, composed.rendered
    return _create_once(
        cause=cause,
        cause_key=cause_key,
        channel=template.channel,
        recipient=composed.address or f"contact:{contact.pk if contact else 'none'}",
        template=template,
        transactional=template.transactional,
        priority=template.priority,
        account=account,
        contact=contact,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        attachments=(attachments or []) if template.channel == Channel.EMAIL else [],
        status=MessageStatus.SUPPRESSED if composed.suppressed else MessageStatus.QUEUED,
        last_error=composed.suppressed,
    )


@dataclass(frozen=True)
class Composed:
    """A customer message as it would be queued: to whom, why not (if so), what it says."""

    contact: Contact | None
    address: str
    suppressed: str  # why it would not go out ("" if it would)
    rendered: Rendered


def compose_customer_message(
    *,
    account: Account,
    template: MessageTemplate,
    contact: Contact | None = None,
    data: dict[str, Any] | None = None,
    links: dict[str, str] | None = None,
) -> Composed:
    """The message `queue_customer_message` would queue, written nowhere: what a preview
    shows is what is sent. Goes to the primary contact unless `contact` is given."""
    contact = contact or account.contacts.filter(is_primary=True).first()
    if contact is not None and contact.account_id != account.pk:
        raise ValidationError("The contact belongs to another account.", code="contact_mismatch")
    address = _address(contact, template.channel)
    suppressed = _suppression_reason(contact, template, address)
    links = {**company_links(), **(form_links(contact) if contact else {}), **(links or {})}
    if template.channel == Channel.EMAIL and not template.transactional and contact:
        links["unsubscribe"] = unsubscribe_url(contact)
    rendered = render(
        template,
        build_context(
            account=account,
            contact=contact,
            recipient_name=contact.name if contact else "",
            data=data,
            links=links,
        ),
    )
    if template.channel == Channel.EMAIL:  # an SMS has no room for it
        rendered = with_help_footer(
            rendered,
            request_link=links.get("request", ""),
            unsubscribe_link=links.get("unsubscribe", ""),
        )
    return Composed(contact=contact, address=address, suppressed=suppressed, rendered=rendered)


@dataclass
class StaffAlerts:
    """What one notify_staff call did: messages sent at once, alerts held for a digest."""

    messages: list[Message] = field(default_factory=list)
    held_for: list[str] = field(default_factory=list)  # usernames whose digest has it


def notify_staff(**kwargs: Any) -> list[Message]:
    """alert_staff's messages created now (none when the cause was already notified)."""
    return alert_staff(**kwargs).messages


def alert_staff(
    *,
    account: Account | None,
    template_key: str,
    cause_key: str,
    cause: Cause,
    rule: str,
    role: str = "",
    user_id: int | None = None,
    email: bool = False,
    data: dict[str, Any] | None = None,
) -> StaffAlerts:
    """Alert the staff a rule names: an inbox item each, an e-mail copy if asked, a Slack
    copy for those with a Slack webhook, and a post to each team Slack channel of the kind.

    Each recipient gets it as they chose for this kind (notifications.digests): at
    once, held for their hourly or daily digest, or not at all; an escalation always
    at once. An alert links to the account it is about. Refusals come before
    anything is written; inside a caller's transaction this adds no savepoint
    (a failure rolls the caller back).
    """
    if rule not in StaffRule.values:
        raise ValidationError(f"Unknown staff rule {rule!r}.", code="invalid_rule")
    template = template_for(template_key, audience=Audience.STAFF)
    users = _recipients(rule=rule, account=account, role=role, user_id=user_id)
    how = deliveries(
        template=template,
        user_ids=[user.pk for user in users],
        escalation=rule == StaffRule.ESCALATION,
    )
    link = account_url(account) if account else ""
    done, held = StaffAlerts(), []
    with transaction.atomic(savepoint=False):
        done.messages += _post_to_team_channels(
            template=template, account=account, data=data, cause=cause, cause_key=cause_key
        )
        for user in users:
            delivery = how[user.pk]
            if delivery == AlertDelivery.OFF:
                continue
            rendered = _rendered_for(template, account=account, user=user, data=data)
            if delivery != AlertDelivery.IMMEDIATE:
                held.append(
                    held_item(
                        user=user,
                        delivery=delivery,
                        kind=template.key,
                        cause_key=cause_key,
                        cause=cause,
                        account=account,
                        rendered=rendered,
                        link=link,
                        email=email,
                    )
                )
                continue
            done.messages += _alert_now(
                user=user,
                template=template,
                rendered=rendered,
                email=email,
                slack=user.on_slack,
                cause=cause,
                cause_key=cause_key,
                account=account,
                link=link,
            )
        if hold_for_digest(held):
            done.held_for = [item.user.username for item in held]
    return done


def _recipients(*, rule: str, account: Account | None, role: str, user_id: int | None) -> list:
    """The staff the rule names, each with whether they take alerts in Slack, in one query."""
    recipients = staff_recipients(rule=rule, account=account, role=role, user_id=user_id)
    return list(with_slack_flag(recipients).select_related("staff_profile"))


def _rendered_for(template: MessageTemplate, *, account: Account | None, user, data) -> Rendered:
    """The alert as this person reads it (their name in the greeting)."""
    name = user.get_full_name() or user.username
    return render(template, build_context(account=account, recipient_name=name, data=data))


def _alert_now(
    *, user, template, rendered, email: bool, slack: bool, cause: Cause, **fields: Any
) -> list:
    """The inbox item (and e-mail and Slack copies) of one recipient; returns the messages
    created."""
    channels = [(Channel.IN_APP, f"user:{user.pk}")]
    if email and user.email:
        channels.append((Channel.EMAIL, user.email))
    if slack:
        channels.append((Channel.SLACK, user_recipient(user.pk)))
    created_now = []
    for channel, recipient in channels:
        message, created = _create_once(
            cause=cause,
            channel=channel,
            recipient=recipient,
            template=template,
            transactional=True,
            user=user,
            subject=rendered.subject,
            body_text=rendered.body_text,
            **fields,
        )
        if created:
            created_now.append(message)
    return created_now


def _post_to_team_channels(
    *, template: MessageTemplate, account, data, cause: Cause, cause_key: str
) -> list[Message]:
    """One Slack post per team channel that takes this kind of alert, at once."""
    channels = team_channels_for(template)
    if not channels:
        return []
    rendered = render(template, build_context(account=account, recipient_name="team", data=data))
    created_now = []
    for channel_id in channels:
        message, created = _create_once(
            cause=cause,
            cause_key=cause_key,
            channel=Channel.SLACK,
            recipient=channel_recipient(channel_id),
            template=template,
            transactional=True,
            account=account,
            subject=rendered.subject,
            body_text=rendered.body_text,
            link=account_url(account) if account else "",
        )
        if created:
            created_now.append(message)
    return created_now


def _address(contact: Contact | None, channel: str) -> str:
    if contact is None:
        return ""
    return contact.email if channel == Channel.EMAIL else contact.phone


def _suppression_reason(contact: Contact | None, template: MessageTemplate, address: str) -> str:
    """Why this message must not go out, or "" if it may."""
    if contact is None:
        return "The account has no primary contact."
    if not address:
        what = "e-mail address" if template.channel == Channel.EMAIL else "phone number"
        return f"{contact.name} has no {what}."
    return opt_out_reason(contact, channel=template.channel, transactional=template.transactional)


def _create_once(*, cause: Cause, **fields: Any) -> tuple[Message, bool]:
    """Write the message, in its cause's lane, unless its (cause, recipient, channel) exists;
    wake the outbox once for the commit.

    The INSERT comes first: message_once_per_cause decides, and a repeat (rare:
    a replayed cause) is found after the savepoint rolls the attempt back.
    """
    now = clock.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                created_at=now,
                next_attempt_at=now,
                lane=lane_of(cause),
                **fields,
                **cause.as_fields(),
            )
    except IntegrityError:
        identity = {key: fields[key] for key in ("cause_key", "recipient", "channel")}
        return Message.objects.get(**identity), False
    if message.status == MessageStatus.QUEUED:
        wake_on_commit(OUTBOX_TASK)
    return message, True


@transaction.atomic
def retry_message(*, message: Message) -> bool:
    """Put a failed message back in the queue for a fresh round of attempts."""
    changed = Message.objects.filter(pk=message.pk, status=MessageStatus.FAILED).update(
        status=MessageStatus.QUEUED,
        lane=INTERACTIVE,  # a manager asked for it
        attempts=0,
        next_attempt_at=clock.now(),
        claimed_at=None,
    )
    if changed:
        wake_on_commit(OUTBOX_TASK)
    return bool(changed)


def mark_alert_read(*, alert: Alert) -> bool:
    """Mark one inbox item read. Returns False if it already was."""
    return bool(Alert.objects.filter(pk=alert.pk, read_at=None).update(read_at=clock.now()))


def mark_all_alerts_read(*, user) -> int:
    """Mark every unread alert of `user` read in one conditional UPDATE; returns how many."""
    return Alert.objects.filter(user=user, read_at=None).update(read_at=clock.now())
