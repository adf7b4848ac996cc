"""The default detectors: set-based sweeps that raise signals (thresholds in SignalRules).

Each finds every due account in a fixed number of queries and hands the batch to
`raise_signals`, whose partial unique constraint makes a run twice (or on two
workers) open one signal. Each occurrence has a key (the week, the failed
payment, the NPS answer …): the same key again changes nothing. "Now" is core.clock.
"""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Account, AccountEvent, AccountEventKind, Lifecycle
from activity.models import Feedback, Payment, PaymentStatus
from core import clock
from core.causes import Cause
from health.selectors import worse_than_on

from .models import SignalRules
from .services import Found, Raised, raise_signals, wake_snoozed
from .usage import usage_outliers


def signal_rules() -> SignalRules:
    """The thresholds row (created with defaults if missing)."""
    rules, _ = SignalRules.objects.get_or_create(pk=1)
    return rules


def _active():
    return Account.objects.filter(lifecycle=Lifecycle.ACTIVE)


def _week() -> int:
    return int(clock.now().timestamp() // (7 * 86400))


def _raise(reason: str, found: list[Found]) -> Raised:
    return raise_signals(reason=reason, found=found, cause=Cause.by_system(f"{reason} detector"))


def usage(rules: SignalRules) -> dict[str, list[Found]]:
    """Usage drop and spike against the account's own 8-week median (one SQL query)."""
    rows = usage_outliers(
        now=clock.now(),
        min_median=rules.usage_min_baseline_minutes,
        drop_percent=rules.usage_drop_percent,
        spike_percent=rules.usage_spike_percent,
        also_median_at_least=rules.advocacy_min_weekly_minutes,
    )
    key = f"week:{_week()}"
    found: dict[str, list[Found]] = {"usage_drop": [], "usage_spike": [], "high_usage": []}
    for row in rows:
        why = {
            "last_7_days_minutes": float(row.recent),
            "weekly_median_minutes": float(row.median),
            "percent_of_median": row.percent(),
        }
        if row.median >= rules.advocacy_min_weekly_minutes:
            found["high_usage"].append(Found(row.account_id, key, why))
        if row.median < rules.usage_min_baseline_minutes:
            continue
        if row.recent * 100 <= row.median * rules.usage_drop_percent:
            found["usage_drop"].append(Found(row.account_id, key, why))
        elif row.recent * 100 >= row.median * rules.usage_spike_percent:
            found["usage_spike"].append(Found(row.account_id, key, why))
    return found


def payments_failed_twice(rules: SignalRules) -> list[Found]:
    """Two (or more) failed payments within `payment_failure_days`; a new failure is a repeat."""
    since = clock.now() - timedelta(days=rules.payment_failure_days)
    rows = (
        Payment.objects.filter(
            status=PaymentStatus.FAILED,
            occurred_at__gte=since,
            account__lifecycle=Lifecycle.ACTIVE,
        )
        .values("account_id")
        .annotate(failures=Count("pk"), last=Max("pk"))
        .filter(failures__gte=rules.payment_failures)
    )
    return [
        Found(row["account_id"], f"payment:{row['last']}", {"failures": row["failures"]})
        for row in rows
    ]


def _latest_answers(rules: SignalRules):
    """Active accounts with their latest NPS answer within `feedback_days` (two subqueries)."""
    latest = Feedback.objects.filter(
        account=OuterRef("pk"),
        submitted_at__gte=clock.now() - timedelta(days=rules.feedback_days),
    ).order_by("-submitted_at", "-pk")
    return (
        _active()
        .annotate(nps=Subquery(latest.values("nps")[:1]), answer=Subquery(latest.values("pk")[:1]))
        .filter(nps__isnull=False)
    )


def detractors(rules: SignalRules) -> list[Found]:
    """The latest recent NPS answer is a detractor's (≤ `detractor_max_nps`)."""
    rows = _latest_answers(rules).filter(nps__lte=rules.detractor_max_nps)
    return [
        Found(pk, f"feedback:{answer}", {"nps": nps})
        for pk, answer, nps in rows.values_list("pk", "answer", "nps")
    ]


def advocates(rules: SignalRules, high_usage: list[Found]) -> list[Found]:
    """A promoter (latest recent NPS ≥ `promoter_min_nps`) whose usage median is high."""
    heavy = {item.account_id: item for item in high_usage}
    if not heavy:
        return []
    rows = _latest_answers(rules).filter(nps__gte=rules.promoter_min_nps, pk__in=list(heavy))
    return [
        Found(pk, f"feedback:{answer}", {"nps": nps, **heavy[pk].why})
        for pk, answer, nps in rows.values_list("pk", "answer", "nps")
    ]


def champions_left(rules: SignalRules) -> list[Found]:
    """A contact became primary recently on an account that already had other contacts
    (the champion changed; a first contact made primary at sign-up is not that)."""
    since = clock.now() - timedelta(days=rules.contact_change_days)
    events = (
        AccountEvent.objects.filter(
            kind=AccountEventKind.CONTACT_CHANGED,
            created_at__gte=since,
            account__lifecycle=Lifecycle.ACTIVE,
        )
        .annotate(contacts=Count("account__contacts"))
        .filter(contacts__gte=2)
        .values_list("pk", "account_id", "data")
        .order_by("pk")
    )
    found: dict[int, Found] = {}
    for _pk, account_id, data in events:
        if "is_primary" in (data or {}).get("fields", []):
            found[account_id] = Found(
                account_id, f"contact:{data.get('contact_id')}", {"contact": data.get("contact_id")}
            )
    return list(found.values())


def onboarding_stalled(rules: SignalRules) -> list[Found]:
    """Signed up over `onboarding_days` ago (within the 30 days after) and nobody has
    logged in since."""
    now = clock.now()
    due = now - timedelta(days=rules.onboarding_days)
    rows = _active().filter(
        last_login_at__isnull=True, signed_up_at__lt=due, signed_up_at__gte=due - timedelta(30)
    )
    return [
        Found(pk, "signup", {"days_since_sign_up": (now - signed_up).days})
        for pk, signed_up in rows.values_list("pk", "signed_up_at")
    ]


def untouched(rules: SignalRules) -> list[Found]:
    """High-MRR accounts nobody has logged a touch with in `no_touch_days`."""
    cutoff = clock.now() - timedelta(days=rules.no_touch_days)
    rows = _active().filter(
        Q(last_touch_at__lt=cutoff) | Q(last_touch_at__isnull=True),
        mrr__gte=rules.no_touch_min_mrr,
        signed_up_at__lt=cutoff,
    )
    return [
        Found(
            pk,
            f"since:{last.isoformat() if last else 'never'}",
            {"last_touch": last.date().isoformat() if last else None, "mrr": float(mrr)},
        )
        for pk, last, mrr in rows.values_list("pk", "last_touch_at", "mrr")
    ]


def health_worsened(rules: SignalRules) -> list[Found]:
    """Active accounts whose computed band (health.AccountHealth) is worse than on their
    latest snapshot `health_band_days` ago or earlier (one query, read from health/).

    The occurrence is the move itself ("healthy>struggling"): the same worse band seen
    every hour adds nothing; a further fall (to another band) is a new occurrence.
    """
    then_day = timezone.localdate(clock.now()) - timedelta(days=rules.health_band_days)
    rows = (
        worse_than_on(then_day)
        .values_list("account_id", "band", "score", "then_band", "then_score")
        .order_by("account_id")
    )
    return [
        Found(
            pk,
            f"band:{before}>{band}",
            {"band_before": before, "band_now": band, "score_before": old, "score_now": score},
        )
        for pk, band, score, before, old in rows
    ]


def run_all() -> dict[str, int]:
    """Wake snoozed signals whose time came, then run every detector: how many it raised."""
    rules = signal_rules()
    counts = {"woke": wake_snoozed(cause=Cause.by_system("snooze ended"))}
    used = usage(rules)
    batches: dict[str, Callable[[], list[Found]]] = {
        "usage_drop": lambda: used["usage_drop"],
        "usage_spike": lambda: used["usage_spike"],
        "payment_failed_twice": lambda: payments_failed_twice(rules),
        "detractor_nps": lambda: detractors(rules),
        "champion_left": lambda: champions_left(rules),
        "onboarding_stalled": lambda: onboarding_stalled(rules),
        "advocacy": lambda: advocates(rules, used["high_usage"]),
        "no_touch": lambda: untouched(rules),
        "health_worsened": lambda: health_worsened(rules),
    }
    for reason, batch in batches.items():
        counts[reason] = _raise(reason, batch()).count
    return counts
