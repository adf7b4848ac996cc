"""Logging a call, meeting or note on an account: it joins the timeline and counts as a touch."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account, Contact
from accounts.services import lock_account, require_same_account
from accounts.services.touches import record_touch
from core import clock

from .models import Signal, Touch, TouchKind

SUMMARY_LIMIT = 5000


@transaction.atomic
def log_touch(
    *,
    account: Account,
    kind: str,
    summary: str,
    author,
    happened_at: datetime | None = None,
    contact: Contact | None = None,
    outcome: str = "",
    next_step: str = "",
    signal: Signal | None = None,
) -> Touch:
    """Record a touch by `author`; the account's last touch moves to it if it is newer."""
    if kind not in TouchKind.values:
        raise ValidationError(f"Unknown kind {kind!r}: a call, meeting or note.", code="bad_kind")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError("Say what was discussed.", code="required")
    if len(summary) > SUMMARY_LIMIT:
        raise ValidationError(f"Keep it under {SUMMARY_LIMIT} characters.", code="too_long")
    happened_at = clock.require_past(happened_at or clock.now(), "When it happened")
    locked = lock_account(account)
    require_same_account(contact, locked)
    if signal is not None and signal.account_id != locked.pk:
        raise ValidationError("The signal belongs to another account.", code="signal_mismatch")
    touch = Touch.objects.create(
        account=locked,
        kind=kind,
        contact=contact,
        happened_at=happened_at,
        summary=summary,
        outcome=outcome.strip()[:200],
        next_step=next_step.strip()[:200],
        author=author,
        signal=signal,
        created_at=clock.now(),
    )
    record_touch(account=locked, at=happened_at)
    return touch
