"""Writing scores: the daily snapshot of every active account, re-scores of the accounts an
event touched, and the thinning of old history.

Safe to run twice or on two workers at once: a snapshot is one row per account and day
(a unique constraint; a later score that day replaces it), the latest score is one row per
account, and the health events are keyed by account, day and change, so the trigger
events' own constraint records each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from accounts.models import Account, Lifecycle
from core import clock
from core.causes import Cause
from core.handover import record_and_announce_many

from .. import signals
from ..bulk import upsert_scores
from ..definition import worse
from ..models import AccountHealth, HealthModelVersion, HealthSnapshot, HealthTouched
from ..scoring import Scored, score_accounts

KEEP_DAILY_DAYS = 400
CHUNK = 10_000  # accounts written per transaction
DEFAULT_DROP_POINTS = 15  # a model's definition may set its own "drop_points"
# Below this many accounts, the measures read only their rows; above, everyone's at once.
SCOPED_UP_TO = 1000


def score_due_accounts(*, cause: Cause | None = None) -> int:
    """Score every active account that has no snapshot for today yet; how many were scored.

    The daily schedule's sweep: the first run of a day scores everyone, later runs only
    accounts that arrived since, so running it again (or on two workers) adds nothing.
    """
    now = clock.now()
    day = timezone.localdate(now)
    scored_today = HealthSnapshot.objects.filter(account=OuterRef("pk"), day=day)
    due = list(
        Account.objects.filter(lifecycle=Lifecycle.ACTIVE)
        .exclude(Exists(scored_today))
        .order_by("pk")
        .values_list("pk", "plan")
    )
    if not due:
        return 0
    scope = [pk for pk, _ in due] if len(due) <= SCOPED_UP_TO else None
    results = score_accounts(due, as_of=now, scope=scope)
    write_scores(results, day=day, now=now, cause=cause or Cause.by_system("daily health score"))
    thin_history(today=day)
    return len(results)


def rescore_touched(*, limit: int = 2000) -> int:
    """Re-score the accounts events touched since their last score; how many were scored.

    Claimed with a row lock that skips rows another worker holds, and deleted in the
    same transaction as the new scores, so a crash leaves them for the next run.
    """
    now = clock.now()
    with transaction.atomic():
        ids = list(
            HealthTouched.objects.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        HealthTouched.objects.filter(pk__in=ids).delete()
        accounts = list(
            Account.objects.filter(pk__in=ids, lifecycle=Lifecycle.ACTIVE)
            .order_by("pk")
            .values_list("pk", "plan")
        )
        results = score_accounts(accounts, as_of=now, scope=[pk for pk, _ in accounts])
        write_scores(
            results,
            day=timezone.localdate(now),
            now=now,
            cause=Cause.by_system("activity since the last health score"),
        )
    return len(results)


def rescore_account(account: Account | int) -> Scored | None:
    """Score one account now (a manager's "score now", tests); its result, None if unscored."""
    pk = account.pk if isinstance(account, Account) else account
    now = clock.now()
    accounts = list(Account.objects.filter(pk=pk).values_list("pk", "plan"))
    results = score_accounts(accounts, as_of=now, scope=[pk])
    # write_scores is atomic itself (one transaction per chunk; here, the one row).
    write_scores(
        results, day=timezone.localdate(now), now=now, cause=Cause.by_system("health re-score")
    )
    return results[0] if results else None


def write_scores(results: Sequence[Scored], *, day: date, now: datetime, cause: Cause) -> None:
    """Store `results` as the day's snapshots and the accounts' latest scores, and announce
    band changes and drops, in chunks of CHUNK accounts (each its own transaction)."""
    ordered = sorted(results, key=lambda r: r.account_id)  # row locks in id order
    versions = _definitions({r.version_id for r in ordered})
    for start in range(0, len(ordered), CHUNK):
        with transaction.atomic():
            _write_chunk(ordered[start : start + CHUNK], day, now, cause, versions)


def _definitions(ids: set[int]) -> dict[int, dict]:
    return dict(HealthModelVersion.objects.filter(pk__in=ids).values_list("pk", "definition"))


def _write_chunk(
    chunk: Sequence[Scored], day: date, now: datetime, cause: Cause, versions: dict[int, dict]
) -> None:
    low, high = chunk[0].account_id, chunk[-1].account_id
    in_chunk = {"account_id__gte": low, "account_id__lte": high}
    scored = {r.account_id: r for r in chunk}
    # Only accounts whose band changed or whose score fell can fire an event: read the
    # old scores of all (small tuples), the old factors and 7-day peaks of those only.
    moving = [
        pk
        for pk, score, band in AccountHealth.objects.filter(**in_chunk).values_list(
            "account_id", "score", "band"
        )
        if pk in scored and (band != scored[pk].band or scored[pk].score < score)
    ]
    previous = {
        pk: (score, band, factors)
        for pk, score, band, factors in AccountHealth.objects.filter(
            account_id__in=moving
        ).values_list("account_id", "score", "band", "factors")
    }
    peaks = (
        dict(
            HealthSnapshot.objects.filter(
                account_id__in=moving, day__gte=day - timedelta(days=7), day__lt=day
            )
            .values("account_id")
            .annotate(peak=Max("score"))
            .values_list("account_id", "peak")
            .order_by()
        )
        if moving
        else {}
    )
    upsert_scores(chunk, day=day, now=now)
    changed, dropped = [], []
    for r in chunk:
        if r.account_id not in previous:
            continue  # a first score is no change
        old_score, old_band, old_factors = previous[r.account_id]
        definition = versions[r.version_id]
        facts = {
            "account_id": r.account_id,
            "day": day.isoformat(),
            "old_band": old_band,
            "new_band": r.band,
            "old_score": old_score,
            "new_score": r.score,
            "moved": moved_factors(definition, old_factors, r.factors),
            "cause": cause,
        }
        if old_band != r.band:
            changed.append(facts)
        threshold = definition.get("drop_points", DEFAULT_DROP_POINTS)
        peak = max(peaks.get(r.account_id, old_score), old_score)
        if peak - old_score < threshold <= peak - r.score:
            dropped.append({**facts, "drop": peak - r.score})
    record_and_announce_many(
        signals.health_band_changed, sender=AccountHealth, announcements=changed
    )
    record_and_announce_many(
        signals.health_score_dropped, sender=AccountHealth, announcements=dropped
    )


def moved_factors(definition: dict, before: dict, after: dict) -> list[dict]:
    """The factors whose points changed between two scores, the biggest loss first."""
    labels = {f["key"]: f.get("label") or f["key"] for f in definition["factors"]}
    moved = []
    for key, (_, points) in after.items():
        old = before.get(key, [None, points])[1]
        if points != old:
            moved.append({"key": key, "label": labels.get(key, key), "delta": points - old})
    return sorted(moved, key=lambda m: (m["delta"], m["key"]))


def band_worsened(old_band: str, new_band: str) -> bool:
    """Whether a band change is for the worse (the default playbook's condition)."""
    return worse(new_band, old_band)


def thin_history(*, today: date) -> int:
    """Keep daily snapshots for KEEP_DAILY_DAYS, then one a week (Mondays); rows deleted."""
    cutoff = today - timedelta(days=KEEP_DAILY_DAYS)
    deleted, _ = HealthSnapshot.objects.filter(day__lt=cutoff).exclude(day__week_day=2).delete()
    return deleted


def touch_accounts(account_ids: Sequence[int]) -> None:
    """Mark accounts for a re-score (health.touching's handover; the minute's task scores them)."""
    now = clock.now()
    HealthTouched.objects.bulk_create(
        [HealthTouched(account_id=pk, touched_at=now) for pk in sorted(set(account_ids))],
        ignore_conflicts=True,
    )
