"""The ingestion workload: events as a product reports them, and the floor to compare with.

The floor writes the same rows as plain INSERTs with nothing checked, so the
bench can say how many times as long the API takes as the database alone.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from activity.models import FeatureSession, Login
from api.models import InboundEvent
from core import clock
from core.bulk import insert_rows
from core.causes import Cause
from workflows.models import TriggerEvent


def api_event(n: int, accounts: list, features: list, base: datetime) -> dict:
    """The `n`th event of the workload: a login, or every third one a feature session."""
    external_id, _ = accounts[n % len(accounts)]
    at = (base + timedelta(microseconds=n)).isoformat()
    if n % 3 == 2 and features:
        feature, _ = features[n % len(features)]
        return {
            "id": f"bench-{n}",
            "type": "feature.used",
            "account": external_id,
            "feature": feature,
            "minutes": 3 + n % 10,
            "started_at": at,
        }
    return {"id": f"bench-{n}", "type": "login", "account": external_id, "occurred_at": at}


def insert_same_rows(events: list[dict], accounts: list, features: list) -> int:
    """What ingesting `events` writes (the sender's ids, the logins and sessions,
    their trigger events), as plain INSERTs with nothing checked: the floor."""
    pks = dict(accounts)
    feature_pks = dict(features)
    now = clock.now()
    cause = Cause.by_api("bench floor").as_fields()
    logins = [e for e in events if e["type"] == "login"]
    sessions = [e for e in events if e["type"] == "feature.used"]
    written = insert_rows(
        InboundEvent,
        (
            {
                "sender": "floor",
                "event_id": e["id"],
                "kind": e["type"],
                "account": pks[e["account"]],
                "received_at": now,
            }
            for e in events
        ),
    )
    written += insert_rows(
        Login,
        (
            {
                "account": pks[e["account"]],
                "occurred_at": datetime.fromisoformat(e["occurred_at"]) + timedelta(seconds=1),
                "created_at": now,
                **cause,
            }
            for e in logins
        ),
    )
    written += insert_rows(
        FeatureSession,
        (
            {
                "account": pks[e["account"]],
                "feature": feature_pks[e["feature"]],
                "started_at": datetime.fromisoformat(e["started_at"]) + timedelta(seconds=1),
                "minutes": Decimal(e["minutes"]),
                "created_at": now,
                **cause,
            }
            for e in sessions
        ),
    )
    written += insert_rows(
        TriggerEvent,
        (
            {
                "kind": "login_recorded" if e["type"] == "login" else "feature_session_recorded",
                "account": pks[e["account"]],
                "event_key": f"floor:{e['id']}",
                "data": {"occurred_at": now.isoformat(), "days_since_previous": 1},
                "created_at": now,
                **cause,
            }
            for e in events
        ),
    )
    return written


def segment_message(event: dict) -> dict:
    """The same event as a Segment `track` call (Logged In / Feature Used, seconds)."""
    at = event.get("occurred_at") or event["started_at"]
    message = {
        "type": "track",
        "messageId": f"segment-{event['id']}",
        "userId": f"user-{event['account']}",
        "context": {"groupId": event["account"]},
        "timestamp": at,
        "event": "Logged In",
    }
    if event["type"] == "feature.used":
        properties = {"feature": event["feature"], "duration": event["minutes"] * 60}
        message |= {"event": "Feature Used", "properties": properties}
    return message
