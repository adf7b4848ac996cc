"""Frequency caps: how often one kind of message may reach an account.

The outbox applies them, like opt-outs, when a message is queued, so every
sender gets the same rule: a template's repeat rule (`repeat_days`, counted
apart per value of `repeat_scope` in the trigger's data), whichever playbook or
step queues it. A message the cap holds back is not written: the caller is told
why and records that (a run's step shows "Skipped: …"). The caps per contact,
at most one message per playbook a day and the quiet hours, which hold a
written message back as it is sent, are notifications.policy's.
"""

from dataclasses import dataclass
from datetime import timedelta

from accounts.models import Account
from accounts.services import lock_account
from core import clock

from .models import Message, MessageTemplate


@dataclass(frozen=True)
class FrequencyCap:
    """At most one message from a template per account and `scope` every `days` days.

    `scope` narrows the cap (a feature's key: tips for each feature count apart).
    """

    days: int
    scope: str = ""

    def cause_key(self, cause_key: str) -> str:
        """The cause key a capped message is stored under: it ends with its scope, so the
        cap can find the messages of that scope again."""
        return f"{cause_key}|{self.scope}"


def cap_of(template: MessageTemplate, data: dict | None) -> FrequencyCap | None:
    """The template's repeat rule for a message with `data` (the trigger's), or None."""
    if not template.repeat_days:
        return None
    scope = (data or {}).get(template.repeat_scope) if template.repeat_scope else ""
    return FrequencyCap(days=template.repeat_days, scope=str(scope or ""))


class CapReached(Exception):
    """The cap holds the message back; the text says which message it waits behind."""


def enforce_cap(cap: FrequencyCap, *, account: Account, template_key: str, cause_key: str) -> None:
    """Raise CapReached if `template_key` reached `account` in the cap's scope and days
    for another cause (`cause_key`, scoped: the same cause again is the same message,
    which the outbox returns as it is).

    Takes the account's row lock first, so two runs queueing for one account
    wait for each other and the second sees the first's message.
    """
    lock_account(account)
    recent = (
        Message.objects.filter(
            account=account,
            template__key=template_key,
            cause_key__endswith=f"|{cap.scope}",
            created_at__gte=clock.now() - timedelta(days=cap.days),
        )
        .exclude(cause_key=cause_key)
        .first()
    )
    if recent:
        raise CapReached(
            f"{template_key} already sent on {recent.created_at:%Y-%m-%d} ({cap.scope})."
        )
