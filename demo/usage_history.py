"""Usage before the demo's recent 30 days of logins: up to 13 months of logins and feature
sessions, so the health backtest has a past to score. Loyal accounts keep their pace; an
account that will cancel fades over its last four months (what churn looks like in real
usage data), which is the signal the backtest measures."""

from datetime import datetime, timedelta
from decimal import Decimal

from activity.models import FeatureSession, Login

from .story import SYSTEM, AccountStory

HISTORY = timedelta(days=400)
FADE_DAYS = 120  # a churner's use starts fading this long before the cancellation


def add_earlier_usage(
    story: AccountStory, rng, features: list, *, until: datetime, churned_at: datetime | None
) -> None:
    """Rows (no playbook replay: this is history from before the demo's story) for each day
    between the later of sign-up and HISTORY ago, and `until`."""
    account = story.account
    at = max(account.signed_up_at, until - HISTORY) + timedelta(hours=rng.uniform(1, 20))
    pace = rng.uniform(0.2, 0.6)  # logins a day, this account's habit
    while at < until:
        fade = 1.0
        if churned_at is not None:
            left = (churned_at - at).days
            fade = min(1.0, max(0.03, (left - 15) / (FADE_DAYS - 15)))
        if rng.random() < pace * fade:
            story.rows[Login].append(dict(account=account, occurred_at=at, created_at=at, **SYSTEM))
        if features and rng.random() < 0.12 * fade:
            story.rows[FeatureSession].append(
                dict(
                    account=account,
                    feature=rng.choice(features),
                    started_at=at + timedelta(minutes=7),
                    # Short sessions: below c1's minutes, so they earn no points nor tags.
                    minutes=Decimal(rng.randint(1, 6)),
                    created_at=at,
                    **SYSTEM,
                )
            )
        at += timedelta(days=1, minutes=rng.uniform(-90, 90))
