"""Recording custom product events (Segment `track`/`page` calls with no record of their own).

Like logins, they come in batches: `record_product_events` takes a whole
batch in a constant number of queries; the sender's id (`external_id`) is
unique, so an event reported twice is stored once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from accounts.models import Account
from core import clock
from core.causes import Cause
from core.handover import record_and_announce_many

from .. import signals
from ..models import ProductEvent


@dataclass(frozen=True)
class ProductEventReport:
    """One custom event to record: whose, what, when (None: now), the sender's id for it."""

    account: Account
    name: str
    external_id: str
    cause: Cause
    properties: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime | None = None


def event_time(occurred_at: datetime | None) -> datetime:
    """When a reported event happened (None: now), or a refusal if that is in the future."""
    return clock.require_past(occurred_at or clock.now(), "The event time")


@transaction.atomic
def record_product_events(
    *, reports: Sequence[ProductEventReport]
) -> list[tuple[ProductEvent, bool]]:
    """Record each event once (by its external id); one (event, created) outcome each.

    Three queries whatever the batch's length: read the ids on record, insert
    the new rows, record their trigger events. Raises ValidationError, writing
    nothing, if any event is in the future.
    """
    if not reports:
        return []
    now = clock.now()
    times = [event_time(report.occurred_at) for report in reports]
    known = ProductEvent.objects.in_bulk(
        [report.external_id for report in reports], field_name="external_id"
    )
    outcomes: list[tuple[ProductEvent, bool]] = []
    new: list[tuple[ProductEvent, Cause]] = []
    for report, occurred_at in zip(reports, times, strict=True):
        if report.external_id in known:
            outcomes.append((known[report.external_id], False))
            continue
        event = ProductEvent(
            account_id=report.account.pk,
            name=report.name,
            properties=report.properties,
            occurred_at=occurred_at,
            external_id=report.external_id,
            created_at=now,
            **report.cause.as_fields(),
        )
        known[report.external_id] = event
        new.append((event, report.cause))
        outcomes.append((event, True))
    ProductEvent.objects.bulk_create([event for event, _ in new])
    record_and_announce_many(
        signals.product_event_recorded,
        sender=ProductEvent,
        announcements=[
            {
                "account_id": event.account_id,
                "product_event_id": event.pk,
                "name": event.name,
                "properties": event.properties,
                "cause": cause,
            }
            for event, cause in new
        ],
    )
    return outcomes
