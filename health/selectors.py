"""Reads of computed health: for conditions, the account page, lists and the dashboard."""

from __future__ import annotations

from accounts.models import Account

from .models import AccountHealth


def computed_health_score(account: Account | int) -> int | None:
    """The account's latest computed score, None before its first."""
    pk = account.pk if isinstance(account, Account) else account
    return AccountHealth.objects.filter(account_id=pk).values_list("score", flat=True).first()
