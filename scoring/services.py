"""Adding and removing points: the one door that writes the score ledger."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef

from accounts.models import Account, Milestone
from accounts.services import account_transaction, lock_account
from core import clock
from core.causes import Cause
from core.handover import record_and_announce

from . import signals
from .models import MilestoneAchievement, ScoreEntry, ScoreSource
from .selectors import milestones_up_to

MAX_POINTS_PER_ENTRY = 100_000
MILESTONE_ORDER = list(Milestone.values)


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
        reached = _record_milestones(locked, score=score, cause=cause)
    return ScoreChange(entry=entry, score=score, milestones_reached=reached)


@transaction.atomic
def record_milestones(*, account: Account, score: int, cause: Cause) -> list[str]:
    """Record each milestone `score` reaches that `account` has not reached before.

    Returns the newly reached milestones, lowest first. The account's
    `milestone` becomes the highest ever reached. Takes the account's row
    lock itself, so a direct caller never races `add_points`; the unique
    (account, milestone) constraint backs that up (the catch-up sweep inserts
    achievements in bulk and relies on that constraint alone).
    """
    return _record_milestones(lock_account(account), score=score, cause=cause)


def _record_milestones(account: Account, *, score: int, cause: Cause) -> list[str]:
    """`record_milestones` for an account whose row lock this transaction holds.

    The usual case, nothing new reached, is one query.
    """
    achieved = MilestoneAchievement.objects.filter(account=account, milestone=OuterRef("milestone"))
    new = list(milestones_up_to(score).exclude(Exists(achieved)))
    if not new:
        return []
    already = set(
        MilestoneAchievement.objects.filter(account=account).values_list("milestone", flat=True)
    )
    now = clock.now()
    MilestoneAchievement.objects.bulk_create(
        [
            MilestoneAchievement(
                account=account,
                milestone=level.milestone,
                score=score,
                created_at=now,
                **cause.as_fields(),
            )
            for level in new
        ]
    )
    highest = max(already | {level.milestone for level in new}, key=MILESTONE_ORDER.index)
    Account.objects.filter(pk=account.pk).update(milestone=highest, updated_at=now)
    for level in new:
        record_and_announce(
            signals.milestone_reached,
            sender=MilestoneAchievement,
            account_id=account.pk,
            milestone=level.milestone,
            score=score,
            cause=cause,
        )
    return [level.milestone for level in new]
