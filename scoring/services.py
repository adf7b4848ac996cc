"""Adding and removing points: the one door that writes the score ledger."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from accounts.models import Account, Milestone
from accounts.services import account_transaction
from core import clock
from core.causes import Cause
from core.handover import record_and_announce, record_and_announce_many

from . import signals
from .models import MilestoneAchievement, MilestoneLevel, ScoreEntry, ScoreSource
from .selectors import accounts_short_of_a_milestone

MAX_POINTS_PER_ENTRY = 100_000
MILESTONE_ORDER = list(Milestone.values)
# Accounts locked and caught up per transaction (and per IN list).
CATCH_UP_BATCH = 5000


@dataclass(frozen=True)
class ScoreChange:
    """What `add_points` did: the entry (None if it was a repeat) and the score after."""

    entry: ScoreEntry | None
    score: int
    milestones_reached: list[str] = field(default_factory=list)


def add_points(
    *,
    account: Account,
    points: int,
    reason: str,
    source: str,
    cause: Cause,
    idempotency_key: str = "",
) -> ScoreChange:
    """Add (or, if negative, subtract) points as one ledger entry.

    The account row is locked and its score moved with the same UPDATE that
    the ledger line commits with, so the score is always the ledger's sum,
    however many writers there are. `idempotency_key` names what earned the
    points: the same key on the same account scores once. A score that
    reaches a milestone records it (once per milestone, never undone).
    """
    if not isinstance(points, int) or isinstance(points, bool) or points == 0:
        raise ValidationError("Points must be a non-zero whole number.", code="invalid_points")
    if abs(points) > MAX_POINTS_PER_ENTRY:
        raise ValidationError(
            f"At most {MAX_POINTS_PER_ENTRY} points in one entry.", code="too_many_points"
        )
    if source not in ScoreSource.values:
        raise ValidationError(f"Unknown score source {source!r}.", code="invalid_source")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Every score entry needs a reason.", code="reason_required")
    with account_transaction(account) as locked:
        # Every writer of this account's ledger waits for the row lock, so the
        # key is checked and the line written with nobody in between (on
        # SQLite too: its transactions take the write lock up front); the
        # unique (account, key) constraint backs that up.
        if (
            idempotency_key
            and ScoreEntry.objects.filter(account=locked, idempotency_key=idempotency_key).exists()
        ):
            return ScoreChange(entry=None, score=locked.score)
        now = clock.now()
        entry = ScoreEntry.objects.create(
            account=locked,
            points=points,
            reason=reason[:255],
            source=source,
            idempotency_key=idempotency_key,
            created_at=now,
            **cause.as_fields(),
        )
        Account.objects.filter(pk=locked.pk).update(score=F("score") + points, updated_at=now)
        score = locked.score + points  # read under the lock, so nobody moved it since
        record_and_announce(
            signals.points_added,
            sender=ScoreEntry,
            account_id=locked.pk,
            points=points,
            score=score,
            source=source,
            cause=cause,
        )
        reached = record_milestones_reached(
            accounts=Account.objects.filter(pk=locked.pk), cause=cause
        )
    return ScoreChange(entry=entry, score=score, milestones_reached=reached.get(locked.pk, []))


def record_milestones_reached(*, accounts: QuerySet[Account], cause: Cause) -> dict[int, list[str]]:
    """Record each milestone the `accounts`' scores reach that they have not reached before.

    The one door for milestones, for one account or thousands at once:
    `add_points` calls it for the account it scored, the catch-up sweep
    (`catch_up_milestones`) for every account a bulk import lifted past a
    threshold. Each new achievement is announced (`milestone_reached`, which
    records the trigger event in this transaction) and the account's
    `milestone` becomes the highest it ever reached.

    The caller holds the accounts' row locks (so what is already achieved is
    read with nobody in between; the unique (account, milestone) constraint
    backs that up). Returns the newly reached milestones by account id,
    lowest first, leaving out accounts with nothing new. Whatever the number
    of accounts: one read, one bulk insert, and an UPDATE per highest milestone.
    """
    rows = _milestone_progress(accounts)
    now = clock.now()
    reached: dict[int, list[str]] = {}
    highest: dict[str, list[int]] = {}
    achievements = []
    announcements = []
    for account_id, score, thresholds, achieved in rows:
        by_threshold = sorted(thresholds, key=thresholds.get)
        new = [m for m in by_threshold if thresholds[m] <= score and m not in achieved]
        if not new:
            continue
        reached[account_id] = new
        top = max(achieved | set(new), key=MILESTONE_ORDER.index)
        highest.setdefault(top, []).append(account_id)
        for milestone in new:
            achievements.append(
                MilestoneAchievement(
                    account_id=account_id,
                    milestone=milestone,
                    score=score,
                    created_at=now,
                    **cause.as_fields(),
                )
            )
            announcements.append(
                {"account_id": account_id, "milestone": milestone, "score": score, "cause": cause}
            )
    if not achievements:
        return reached
    MilestoneAchievement.objects.bulk_create(achievements)
    for milestone, account_ids in highest.items():
        Account.objects.filter(pk__in=account_ids).update(milestone=milestone, updated_at=now)
    record_and_announce_many(
        signals.milestone_reached, sender=MilestoneAchievement, announcements=announcements
    )
    return reached


def catch_up_milestones(*, cause: Cause) -> int:
    """Record the milestones that scores passed without `add_points` (imports, data loads).

    Returns how many were recorded. The due accounts are taken
    `CATCH_UP_BATCH` at a time, each batch locked (in id order) and recorded
    in one transaction, so a batch queues behind a concurrent `add_points` on
    one of its accounts instead of announcing that account's milestone again.
    """
    due = list(accounts_short_of_a_milestone().order_by("pk").values_list("pk", flat=True))
    recorded = 0
    for start in range(0, len(due), CATCH_UP_BATCH):
        with transaction.atomic():
            locked = list(
                Account.objects.select_for_update()
                .filter(pk__in=due[start : start + CATCH_UP_BATCH])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            reached = record_milestones_reached(
                accounts=Account.objects.filter(pk__in=locked), cause=cause
            )
        recorded += sum(map(len, reached.values()))
    return recorded


def _milestone_progress(
    accounts: QuerySet[Account],
) -> list[tuple[int, int, dict[str, int], set[str]]]:
    """(id, score, threshold by configured milestone, milestones achieved) per account.

    One query: the thresholds and the achievements are subqueries of the
    accounts' read (the usual case, one account with nothing new, costs no more).
    """
    thresholds = {
        f"threshold_{m}": Subquery(
            MilestoneLevel.objects.filter(milestone=m).values("threshold")[:1]
        )
        for m in MILESTONE_ORDER
    }
    achieved = {
        f"achieved_{m}": Exists(
            MilestoneAchievement.objects.filter(account=OuterRef("pk"), milestone=m)
        )
        for m in MILESTONE_ORDER
    }
    progress = []
    for row in accounts.annotate(**thresholds, **achieved).values(
        "pk", "score", *thresholds, *achieved
    ):
        levels = {m: row[f"threshold_{m}"] for m in MILESTONE_ORDER}
        progress.append(
            (
                row["pk"],
                row["score"],
                {m: threshold for m, threshold in levels.items() if threshold is not None},
                {m for m in MILESTONE_ORDER if row[f"achieved_{m}"]},
            )
        )
    return progress
