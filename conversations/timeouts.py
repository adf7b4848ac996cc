"""The first-response time-out: no staff reply within N business hours.

Each waiting thread carries its deadlines (set when the wait began, in business
hours: conversations.business_hours), so the sweep is one indexed query per
level: threads whose owner deadline has passed, then whose manager deadline has.
Each becomes one `first_response_overdue` announcement (the workflows' trigger),
keyed by the thread, its first unanswered message and the level: a second run,
or a second worker, records nothing new. The deadline is cleared as it is
announced, so later runs do not even find it.
"""

from django.db import transaction
from django.db.models import Q

from core import clock
from core.causes import Cause
from core.handover import record_and_announce_many

from . import signals
from .models import Conversation, ConversationStatus

LEVELS = (("owner", "response_due_at"), ("manager", "escalation_due_at"))


@transaction.atomic
def first_response_timeouts() -> int:
    """Announce every first-response deadline now passed; how many."""
    now = clock.now()
    cause = Cause.by_system("chat first-response time-out")
    announced = 0
    for level, field in LEVELS:
        due = Conversation.objects.filter(
            Q(**{f"{field}__lte": now}),
            status=ConversationStatus.OPEN,
            awaiting_since__isnull=False,
        )
        rows = list(due.values("pk", "account_id", "awaiting_message_id"))
        if not rows:
            continue
        Conversation.objects.filter(pk__in=[row["pk"] for row in rows]).update(**{field: None})
        record_and_announce_many(
            signals.first_response_overdue,
            sender=Conversation,
            announcements=[
                {
                    "account_id": row["account_id"],
                    "cause": cause,
                    "conversation_id": row["pk"],
                    "message_id": row["awaiting_message_id"],
                    "level": level,
                }
                for row in rows
            ],
        )
        announced += len(rows)
    return announced
