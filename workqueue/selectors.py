"""Reads for the work queue: a person's (or the team's) open signals, ranked, and an
account's live signals; each a fixed number of queries whatever the queue's length."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from accounts.models import Contact

from .models import LIVE_STATUSES, Signal, SignalStatus, Touch
from .row_paths import row_paths


def queue(*, owner=None, now: datetime) -> QuerySet[Signal]:
    """Open signals (and snoozed ones whose time has come), most urgent first: priority,
    then the earliest due, then the largest MRR. `owner` None: the whole team's.

    Each row carries what `with_row_data` joins.
    """
    signals = Signal.objects.filter(status=SignalStatus.OPEN) | Signal.objects.filter(
        status=SignalStatus.SNOOZED, snoozed_until__lte=now
    )
    if owner is not None:
        signals = signals.filter(owner=owner)
    return with_row_data(signals).order_by("priority", "due_at", "-account__mrr", "pk")


def with_row_data(signals: QuerySet[Signal]) -> QuerySet[Signal]:
    """What a queue row shows, joined: the account (with its contacts, for the log form),
    the type (outcomes, next step), the owner and the next step of the account's latest
    touch that agreed one (an e-mail sent from the row agrees none, and keeps the last)."""
    latest_touch = (
        Touch.objects.filter(account=OuterRef("account"))
        .exclude(next_step="")
        .order_by("-happened_at", "-pk")
    )
    return (
        signals.select_related("account", "signal_type", "owner")
        .prefetch_related(
            Prefetch("account__contacts", queryset=Contact.objects.order_by("-is_primary", "name"))
        )
        .annotate(touch_next_step=Subquery(latest_touch.values("next_step")[:1]))
    )


def one_row(pk: int, now: datetime) -> "QueueRow":
    """One signal as a queue row, whatever its status (an htmx answer redraws it)."""
    return rows([with_row_data(Signal.objects.filter(pk=pk)).get()], now)[0]


def live_signals_of(account) -> list[Signal]:
    """The account's open and snoozed signals, for its page (each handed the page's
    account, whose contacts the page has read)."""
    signals = list(
        Signal.objects.filter(account=account, status__in=LIVE_STATUSES)
        .select_related("owner", "signal_type")
        .order_by("priority", "due_at", "pk")
    )
    for signal in signals:
        signal.account = account
    return signals


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue as My day shows it."""

    signal: Signal
    overdue_days: int  # 0: not overdue
    paths: dict[str, str]  # its links and actions' addresses, by name (row_paths)

    @property
    def next_step(self) -> str:
        """What to do next: the latest agreed next step of a touch, else the type's advice."""
        return getattr(self.signal, "touch_next_step", "") or self.signal.signal_type.next_step

    @property
    def why(self) -> str:
        """The figures that raised it, in words."""
        return why_text(self.signal.why)


WHY_WORDS = {
    "last_7_days_minutes": "{} min in the last 7 days",
    "weekly_median_minutes": "usual week {} min",
    "percent_of_median": "{}% of normal",
    "failures": "{} failed payments",
    "nps": "NPS {}",
    "days_since_sign_up": "{} days since sign-up, no login",
    "last_touch": "last touch {}",
    "band_before": "was {}",
    "band_now": "now {}",
    "score_before": "score {} then",
    "score_now": "{} now",
    "note": "{}",
    "trigger": "raised by a playbook ({})",
}


def why_text(why: dict) -> str:
    """`{"nps": 3}` → "NPS 3"; unknown figures as "key: value"."""
    parts = []
    for key, value in (why or {}).items():
        if key == "last_touch" and value is None:
            parts.append("never touched")
        elif key in WHY_WORDS:
            shown = f"{value:g}" if isinstance(value, float) else value
            parts.append(WHY_WORDS[key].format(shown))
        elif key not in {"contact", "mrr"}:
            parts.append(f"{key.replace('_', ' ')}: {value}")
    return " · ".join(parts)


def rows(signals, now: datetime) -> list[QueueRow]:
    """The signals as queue rows: how overdue each is, and its addresses."""
    paths = row_paths()
    return [
        QueueRow(
            s,
            max(0, (now - s.due_at).days + 1) if s.due_at and s.due_at < now else 0,
            paths(s.pk, s.account_id),
        )
        for s in signals
    ]
