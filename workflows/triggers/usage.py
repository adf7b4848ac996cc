"""Product-use data: feature sessions, logins, and their absence (inactivity, unused features)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

from django.db.models import DateTimeField, Expression, Q, Value
from django.db.models.functions import Coalesce

from activity.models import Feature, FeatureSession
from core.expressions import JSONBoolean, WholeDaysBetween
from scoring.selectors import scoring_rules

from .keys import account_key
from .kind import Data


class SessionData(TypedDict):
    feature_key: str
    feature_name: str
    feature_points: int
    minutes: float
    long_enough: bool


class LoginData(TypedDict):
    occurred_at: str
    days_since_previous: int | None


class InactivityData(TypedDict):
    days_inactive: int
    never_logged_in: bool


class UnusedFeatureInSQL(TypedDict):
    """Computed per account by the database (the sweep inserts it with INSERT … SELECT)."""

    feature_key: Expression
    feature_name: Expression
    days_unused: Expression
    never_used: Expression


def announced_sessions(announcements: Sequence[Data]) -> list[SessionData]:
    """The data of a batch of announced sessions (`session_id`), in one query."""
    sessions = FeatureSession.objects.select_related("feature").in_bulk(
        [announcement["session_id"] for announcement in announcements]
    )
    required = scoring_rules().feature_session_minutes
    return [_session(sessions[a["session_id"]], required) for a in announcements]


def announced_session(announcement: Data) -> SessionData:
    """The data of one announced session."""
    return announced_sessions([announcement])[0]


def _session(session: FeatureSession, required: int) -> SessionData:
    return {
        "feature_key": session.feature.key,
        "feature_name": session.feature.name,
        "feature_points": session.feature.points,
        "minutes": float(session.minutes),
        # The scoring rules' session length (editable in the admin) decides what counts.
        "long_enough": session.minutes >= required,
    }


def login(announcement: Data) -> LoginData:
    occurred_at, previous = announcement["occurred_at"], announcement["previous_login_at"]
    return {
        "occurred_at": occurred_at.isoformat(),
        "days_since_previous": (occurred_at - previous).days if previous else None,
    }


def inactive_spell_key(spell: Data) -> str:
    """One event per inactive spell: `<account>:<its last login, or sign-up>`."""
    return f"{spell['account_id']}:{spell['since'].isoformat()}"


def inactivity(spell: Data) -> InactivityData:
    """An inactive spell (`since`, `last_login_at`, `now`), as the sweep found it."""
    return {
        "days_inactive": (spell["now"] - spell["since"]).days,
        # Never logged in: the spell counts from sign-up, and the e-mail says so.
        "never_logged_in": spell["last_login_at"] is None,
    }


def unused_feature_key(*, feature: Feature, window: int) -> Expression:
    """One nudge per account, feature and re-check window, in SQL."""
    return account_key(f"{feature.key}:", f":{window}")


def unused_feature(*, feature: Feature, now: datetime) -> UnusedFeatureInSQL:
    """An unused feature's data, in SQL over accounts annotated with their `last_used`."""
    return {
        "feature_key": Value(feature.key),
        "feature_name": Value(feature.name),
        "days_unused": WholeDaysBetween(
            Value(now, output_field=DateTimeField()), Coalesce("last_used", "signed_up_at")
        ),
        "never_used": JSONBoolean(Q(last_used__isnull=True)),
    }


class ProductEventData(TypedDict):
    event_name: str
    properties: dict


def product_event(announcement: Data) -> ProductEventData:
    """A custom product event: its name (test it with `data.event_name`) and properties."""
    return {"event_name": announcement["name"], "properties": announcement["properties"]}
