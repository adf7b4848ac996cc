"""Reading what a sweep recorded and what the playbooks it triggered left behind."""

from django.core import mail

from notifications.models import Alert, Channel, Message
from pipelines.models import Card
from workflows.models import TriggerEvent


def events(kind: str, account=None) -> list[TriggerEvent]:
    """The trigger events of `kind` (for `account`, if given), oldest first."""
    found = TriggerEvent.objects.filter(kind=kind)
    if account is not None:
        found = found.filter(account=account)
    return list(found.order_by("created_at", "pk"))


def event_keys(kind: str, account=None) -> list[str]:
    return [event.event_key for event in events(kind, account)]


def tag_names(account) -> set[str]:
    return set(account.tags.values_list("name", flat=True))


def stage(account, pipeline: str) -> str | None:
    """The stage the account's card sits in on the pipeline with key `pipeline`."""
    return (
        Card.objects.filter(account=account, pipeline__key=pipeline)
        .values_list("stage__name", flat=True)
        .first()
    )


def inbox(user, account=None) -> list[str]:
    """The titles in a staff member's in-app inbox, oldest first."""
    alerts = Alert.objects.filter(user=user)
    if account is not None:
        alerts = alerts.filter(account=account)
    return list(alerts.order_by("id").values_list("title", flat=True))


def emails_to(address: str) -> list:
    """The e-mails delivered to `address` (locmem outbox), oldest first."""
    return [email for email in mail.outbox if address in email.to]


def sms_to(contact) -> list[Message]:
    return list(
        Message.objects.filter(contact=contact, channel=Channel.SMS).order_by("created_at", "pk")
    )


def footprint(account) -> dict[str, int]:
    """What a repeated sweep could add to: equal before and after means nothing happened."""
    return {
        "trigger events": TriggerEvent.objects.filter(account=account).count(),
        "runs": account.workflow_runs.count(),
        "tag events": account.tag_events.count(),
        "messages": Message.objects.filter(account=account).count(),
        "alerts": Alert.objects.filter(account=account).count(),
        "e-mails": len(mail.outbox),
    }
