"""Global search: accounts, contacts and tasks matching part of a name, e-mail or phone.

Plain `icontains` lookups on both databases. On PostgreSQL, the trigram indexes
that accounts' and activity's migrations add (`gin_trgm_ops` on the very
`UPPER(column::text)` expressions Django's `icontains` compares) make a
`%term%` match an index scan instead of reading 100,000 rows; SQLite scans,
which is fine for the portfolio sizes it is used with.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Q, When

from accounts.models import Account, Contact
from activity.models import Task, TaskStatus

MIN_LENGTH = 2
MAX_LENGTH = 100
DIGITS = re.compile(r"\D")


@dataclass
class Results:
    """What matched, per kind; `searched` is False for a term too short to look up."""

    term: str
    searched: bool = False
    accounts: list[Account] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.accounts or self.contacts or self.tasks)


def clean_term(raw: str | None) -> str:
    """The term as searched: trimmed, inner whitespace collapsed, at most 100 characters."""
    return " ".join((raw or "").split())[:MAX_LENGTH]


def _contact_match(term: str) -> Q:
    match = Q(name__icontains=term) | Q(email__icontains=term)
    digits = DIGITS.sub("", term)
    # "415 555-01" finds +14155550100: phones are stored as +digits.
    if len(digits) >= 3:
        match |= Q(phone__contains=digits)
    return match


def search(user: AbstractBaseUser, raw: str | None, limit: int) -> Results:
    """Up to `limit` of each kind the user may read; three queries whatever matches."""
    term = clean_term(raw)
    results = Results(term=term)
    if len(term) < MIN_LENGTH or not user.has_perm("accounts.view_account"):
        return results
    results.searched = True
    results.accounts = list(
        Account.objects.filter(Q(name__icontains=term) | Q(external_id__icontains=term))
        .select_related("owner")
        .order_by("name", "pk")[:limit]
    )
    if user.has_perm("accounts.view_contact"):
        results.contacts = list(
            Contact.objects.filter(_contact_match(term))
            .select_related("account")
            .order_by("name", "pk")[:limit]
        )
    if user.has_perm("activity.view_task"):
        open_first = Case(When(status=TaskStatus.OPEN, then=0), default=1)
        results.tasks = list(
            Task.objects.filter(title__icontains=term)
            .select_related("account", "assignee")
            .order_by(open_first, "-created_at", "-pk")[:limit]
        )
    return results
