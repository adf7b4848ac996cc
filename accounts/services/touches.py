"""When the team last talked to an account (a logged call, meeting or note)."""

from datetime import datetime

from django.db.models import Q

from ..models import Account


def record_touch(*, account: Account | int, at: datetime) -> bool:
    """Move the account's last touch forward to `at` (never back). Returns whether it moved.

    A conditional UPDATE, so two touches logged at once keep the later one.
    """
    pk = account.pk if isinstance(account, Account) else account
    moved = Account.objects.filter(Q(last_touch_at__lt=at) | Q(last_touch_at=None), pk=pk)
    return bool(moved.update(last_touch_at=at))
