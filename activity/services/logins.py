"""Recording that a customer logged in to the SaaS product."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from accounts.models import Account
from accounts.services import lock_account
from core import clock
from core.causes import Cause
from core.events import send_on_commit

from .. import signals
from ..models import Login


@transaction.atomic
def record_login(
    *, account: Account, cause: Cause, occurred_at: datetime | None = None
) -> tuple[Login, bool]:
    """Record a login and move the account's last-login time forward.

    Returns (login, created): the same login (account and instant) reported
    again is stored once. A late-arriving older login never moves
    `last_login_at` backwards.
    """
    occurred_at = clock.require_past(occurred_at or clock.now(), "The login time")
    locked = lock_account(account)
    login, created = Login.objects.get_or_create(
        account=locked,
        occurred_at=occurred_at,
        defaults={"created_at": clock.now(), **cause.as_fields()},
    )
    if not created:
        return login, False
    Account.objects.filter(
        Q(last_login_at__isnull=True) | Q(last_login_at__lt=occurred_at), pk=locked.pk
    ).update(last_login_at=occurred_at)
    send_on_commit(
        signals.login_recorded,
        sender=Login,
        account_id=locked.pk,
        login_id=login.pk,
        occurred_at=occurred_at,
        previous_login_at=locked.last_login_at,
        cause=cause,
    )
    return login, True
