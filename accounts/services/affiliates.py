"""Affiliate recruitment's end: the SaaS product reports that an invited account joined.

The invitation is playbook h1's e-mail (notifications); joining is this event, so the
Reports page can say how many of those invited joined. An account joins once: a
second report (another event id, the same fact) changes nothing.
"""

from datetime import datetime

from django.db import transaction

from core import clock
from core.causes import Cause

from ..models import Account, AccountEvent, AccountEventKind
from .locks import lock_account


@transaction.atomic
def record_affiliate_joined(
    *, account: Account, cause: Cause, affiliate_id: str = "", joined_at: datetime | None = None
) -> bool:
    """Record that the account joined the affiliate programme. Returns False (nothing
    written) if it already had; `joined_at` defaults to now and may not be in the future."""
    when = clock.require_past(joined_at, "The join time") if joined_at else clock.now()
    locked = lock_account(account)
    if AccountEvent.objects.filter(account=locked, kind=AccountEventKind.AFFILIATE_JOINED).exists():
        return False
    AccountEvent.objects.create(
        account=locked,
        kind=AccountEventKind.AFFILIATE_JOINED,
        data={"affiliate_id": affiliate_id, "joined_at": when.isoformat()},
        created_at=clock.now(),
        **cause.as_fields(),
    )
    return True
