"""Recording that a customer logged in to the SaaS product.

Logins are the most frequent thing a SaaS product reports, so they are
recorded in batches: `record_logins` takes a whole API batch in a constant
number of queries, with exactly the outcome of recording them one by one.
`record_login` is a batch of one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery

from accounts.models import Account
from accounts.services import lock_accounts
from core import clock
from core.causes import Cause
from core.handover import record_and_announce_many

from .. import signals
from ..models import Login


@dataclass(frozen=True)
class LoginReport:
    """One login to record: whose, when (None: now) and who reported it."""

    account: Account
    cause: Cause
    occurred_at: datetime | None = None


def record_login(
    *, account: Account, cause: Cause, occurred_at: datetime | None = None
) -> tuple[Login, bool]:
    """Record a login and move the account's last-login time forward.

    Returns (login, created): the same login (account and instant) reported
    again is stored once. A late-arriving older login never moves
    `last_login_at` backwards.
    """
    [outcome] = record_logins(
        reports=[LoginReport(account=account, cause=cause, occurred_at=occurred_at)]
    )
    return outcome


def login_time(occurred_at: datetime | None) -> datetime:
    """When a reported login happened (None: now), or a refusal if that is in the future."""
    return clock.require_past(occurred_at or clock.now(), "The login time")


@transaction.atomic
def record_logins(*, reports: Sequence[LoginReport]) -> list[tuple[Login, bool]]:
    """Record many logins as `record_login` would one after another; one outcome each.

    Raises ValidationError, writing nothing, if any login is in the future
    or its account is gone. Every account is locked (in id order) before
    anything is read, so concurrent batches queue up rather than interleave.
    """
    if not reports:
        return []
    now = clock.now()
    times = [login_time(report.occurred_at) for report in reports]
    accounts = lock_accounts((report.account.pk for report in reports), only=("last_login_at",))
    # Logins already on record. The range lets the planner probe login_once per
    # account (with the instants alone it scanned the table); the instants keep
    # one replayed old login from loading a month of rows.
    on_record = Login.objects.filter(
        account__in=accounts.keys(),
        occurred_at__range=(min(times), max(times)),
        occurred_at__in=set(times),
    )
    known = {(login.account_id, login.occurred_at): login for login in on_record}
    outcomes: list[tuple[Login, bool]] = []
    new: list[tuple[Login, Cause]] = []
    for report, occurred_at in zip(reports, times, strict=True):
        key = (report.account.pk, occurred_at)
        if key in known:
            outcomes.append((known[key], False))
            continue
        login = Login(
            account_id=report.account.pk,
            occurred_at=occurred_at,
            created_at=now,
            **report.cause.as_fields(),
        )
        known[key] = login
        new.append((login, report.cause))
        outcomes.append((login, True))
    Login.objects.bulk_create([login for login, _ in new])
    _announce(new, accounts)
    return outcomes


def _announce(new: list[tuple[Login, Cause]], accounts: dict[int, Account]) -> None:
    """Move each account's last login forward and announce every new login, in order.

    Each announcement carries the account's last login before that one, as
    if the logins had been recorded one at a time.
    """
    last = {pk: account.last_login_at for pk, account in accounts.items()}
    announcements = []
    for login, cause in new:
        previous = last[login.account_id]
        announcements.append(
            {
                "account_id": login.account_id,
                "login_id": login.pk,
                "occurred_at": login.occurred_at,
                "previous_login_at": previous,
                "cause": cause,
            }
        )
        if previous is None or login.occurred_at > previous:
            last[login.account_id] = login.occurred_at
    # Moved forward to the newest of this batch's logins, in one UPDATE: the
    # newest login since the batch's earliest (any older one on record is no
    # later than last_login_at, which every login passes through here).
    if moved := [pk for pk, at in last.items() if at != accounts[pk].last_login_at]:
        earliest = min(login.occurred_at for login, _ in new)
        newest = Login.objects.filter(account=OuterRef("pk"), occurred_at__gte=earliest)
        Account.objects.filter(pk__in=moved).update(
            last_login_at=Subquery(newest.order_by("-occurred_at").values("occurred_at")[:1])
        )
    record_and_announce_many(signals.login_recorded, sender=Login, announcements=announcements)
