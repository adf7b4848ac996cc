"""Global search: accounts, contacts and tasks matching part of a name, e-mail or phone.

Plain `icontains` lookups (`istartswith` for a two-letter term) on both
databases. On PostgreSQL, the trigram indexes that accounts' and activity's
migrations add (`gin_trgm_ops` on the very
`UPPER(column::text)` expressions Django's `icontains` compares) make a
`%term%` match an index scan instead of reading 100,000 rows; SQLite scans,
which is fine for the portfolio sizes it is used with.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Model, Q, QuerySet, When
from django.db.models.functions import Length

from accounts.models import Account, Contact
from activity.models import Task, TaskStatus

MIN_LENGTH = 2
TRIGRAM_LENGTH = 3
MAX_LENGTH = 100
PHONE_DIGITS = 4
CANDIDATES = 300
DIGITS = re.compile(r"\D")
PHONE_LIKE = re.compile(r"^[\d\s+().-]+$")


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


def _match(field: str, term: str) -> Q:
    """Part of `field` for a term of three or more characters, its start for two.

    Two characters give a trigram index nothing to look up (it would read every
    row), while the prefix indexes answer them at once.
    """
    lookup = "icontains" if len(term) >= TRIGRAM_LENGTH else "istartswith"
    return Q(**{f"{field}__{lookup}": term})


def _best_first(field: str, term: str) -> list:
    """Names starting with the term, then shorter (closer) ones.

    Only numbers are compared: ordering by the name itself made PostgreSQL either
    walk the name index filtering (a match late in the alphabet read 85,000 rows)
    or sort thousands of matches by collation (~100 ms for 12,000 tasks).
    """
    starts = Case(When(**{f"{field}__istartswith": term}, then=0), default=1)
    return [starts, Length(field), "pk"]


def _first_matches(model: type[Model], match: Q) -> QuerySet:
    """The rows of the first CANDIDATES matches, for ranking.

    A common word matches thousands of rows (an eighth of 100,000 tasks for
    "qbr" in the measured data); ranking all of them cost ~200 ms, while the
    first few hundred the index yields are ranked in a few ms and the page
    shows 25 at most anyway.
    """
    return model.objects.filter(
        pk__in=model.objects.filter(match).order_by().values("pk")[:CANDIDATES]
    )


def _contact_match(term: str) -> Q:
    match = _match("name", term) | _match("email", term)
    digits = DIGITS.sub("", term)
    # "415 555-01" finds +14155550100: phones are stored as +digits.
    if PHONE_LIKE.match(term) and len(digits) >= PHONE_DIGITS:
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
        _first_matches(Account, _match("name", term) | _match("external_id", term))
        .select_related("owner")
        .order_by(*_best_first("name", term))[:limit]
    )
    if user.has_perm("accounts.view_contact"):
        results.contacts = list(
            _first_matches(Contact, _contact_match(term))
            .select_related("account")
            .order_by(*_best_first("name", term))[:limit]
        )
    if user.has_perm("activity.view_task"):
        open_first = Case(When(status=TaskStatus.OPEN, then=0), default=1)
        results.tasks = list(
            _first_matches(Task, _match("title", term))
            .select_related("account", "assignee")
            .order_by(open_first, *_best_first("title", term))[:limit]
        )
    return results
