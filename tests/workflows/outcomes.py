"""What a playbook left on an account, read the way a CSM would check it."""

from django.core import mail

from accounts.models import TagEvent
from notifications.models import Alert, Message
from pipelines.models import Card, StageMove
from scoring.models import ScoreEntry
from workflows.models import Run, TriggerEvent


def tag_names(account) -> set[str]:
    return set(account.tags.values_list("name", flat=True))


def stage(account, pipeline: str) -> str | None:
    """The stage the account's card sits in on the pipeline with key `pipeline`."""
    return (
        Card.objects.filter(account=account, pipeline__key=pipeline)
        .values_list("stage__name", flat=True)
        .first()
    )


def inbox(user) -> list[str]:
    """The titles in a staff member's in-app inbox, oldest first."""
    return list(Alert.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def emails_to(address: str) -> list:
    """The e-mails delivered to `address` (locmem outbox), oldest first."""
    return [email for email in mail.outbox if address in email.to]


def runs_of(workflow_key: str, account) -> list[Run]:
    return list(Run.objects.filter(workflow__key=workflow_key, account=account).order_by("id"))


def customer_messages(account, template_key: str) -> list[Message]:
    return list(
        Message.objects.filter(account=account, template__key=template_key, user=None).order_by(
            "id"
        )
    )


def footprint(account) -> dict[str, int]:
    """Everything a replayed event could add to: equal before and after means nothing happened."""
    return {
        "trigger events": TriggerEvent.objects.filter(account=account).count(),
        "runs": Run.objects.filter(account=account).count(),
        "tag events": TagEvent.objects.filter(account=account).count(),
        "card moves": StageMove.objects.filter(account=account).count(),
        "score entries": ScoreEntry.objects.filter(account=account).count(),
        "messages": Message.objects.filter(account=account).count(),
        "alerts": Alert.objects.filter(account=account).count(),
        "e-mails": len(mail.outbox),
    }
