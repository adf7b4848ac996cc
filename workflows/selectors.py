"""Reads for explaining an account: what caused each tag, stage and score entry."""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import Account, TagAction, TagEvent
from core.causes import CausedModel
from notifications.models import Message
from pipelines.models import StageMove
from scoring.models import ScoreEntry

from .models import Run

# The latest messages the outbox's caps or quiet hours held, shown with the reason.
HELD_MESSAGES = 5


@dataclass(frozen=True)
class Explanation:
    """One fact about an account and who or what made it so."""

    kind: str  # "tag", "stage", "score" or "message" (one the outbox's caps held)
    what: str
    when: datetime
    cause: str  # e.g. "Staff user maria: manual review"
    run: Run | None  # the workflow run behind it, with its trigger event


def explain_account(
    account: Account, *, score_entries: int = 20, stages: dict[int, int] | None = None
) -> list[Explanation]:
    """Why the account has each current tag, sits in each stage, its recent points, and
    why its latest held messages wait (or were suppressed) in the outbox.

    A constant number of queries, whatever the account's history; the account's tags
    and cards come from its prefetch cache when the caller has filled it (the account
    page does), so they are not read twice. `stages` ({pipeline id: stage id}), when
    the caller has read where the account sits already, replaces reading its cards.
    """
    current_tags = {tag.pk for tag in account.tags.all()}
    tag_events = {}
    for event in (
        TagEvent.objects.filter(account=account, action=TagAction.ADDED, tag_id__in=current_tags)
        .select_related("tag", "cause_user")
        .order_by("-created_at", "-id")
    ):
        tag_events.setdefault(event.tag_id, event)
    if stages is None:
        stages = {card.pipeline_id: card.stage_id for card in account.cards.all()}
    moves = {}
    for move in (
        StageMove.objects.filter(account=account)
        .select_related("to_stage__pipeline", "cause_user")
        .order_by("-created_at", "-id")
    ):
        if stages.get(move.pipeline_id) == move.to_stage_id:
            moves.setdefault(move.pipeline_id, move)
    entries = list(
        ScoreEntry.objects.filter(account=account)
        .select_related("cause_user")
        .order_by("-created_at", "-id")[:score_entries]
    )
    rows: list[tuple[str, str, CausedModel]] = [
        ("tag", event.tag.name, event) for event in tag_events.values()
    ]
    rows += [("stage", str(move.to_stage), move) for move in moves.values()]
    rows += [("score", f"{entry.points:+d} {entry.reason}", entry) for entry in entries]
    held = (
        Message.objects.filter(account=account)
        .exclude(held_reason="")
        .select_related("cause_user")
        .order_by("-created_at", "-id")[:HELD_MESSAGES]
    )
    rows += [
        (
            "message",
            f"“{message.subject or message.recipient}” {message.get_status_display().lower()}: "
            f"{message.held_reason}",
            message,
        )
        for message in held
    ]
    run_ids = {row.cause_run_id for _, _, row in rows if row.cause_run_id}
    runs = Run.objects.select_related("workflow", "event").in_bulk(run_ids)
    return [
        Explanation(
            kind=kind,
            what=what,
            when=row.created_at,
            cause=row.cause_display,
            run=runs.get(row.cause_run_id),
        )
        for kind, what, row in rows
    ]
