"""Computed health data: a band change and a score drop (announced by health.services)."""

from __future__ import annotations

from typing import TypedDict

from accounts.models import HealthStatus

from .kind import Data


class HealthData(TypedDict):
    old_band: str
    new_band: str
    old_band_label: str
    new_band_label: str
    old_score: int
    new_score: int
    worsened: bool
    top_factors: str  # e.g. "Logins −8, Payments −15": the two that lost most
    drop: int


RANK = {"thriving": 0, "healthy": 1, "steady": 2, "struggling": 3}


def band_key(changed: Data) -> str:
    """Once per account, day and change (two workers scoring the same day record one)."""
    change = f"{changed['old_band']}:{changed['new_band']}"
    return f"health-band:{changed['account_id']}:{changed['day']}:{change}"


def drop_key(dropped: Data) -> str:
    """Once per account and day."""
    return f"health-drop:{dropped['account_id']}:{dropped['day']}"


def health(changed: Data) -> HealthData:
    """The old and new band and score, and the factors that moved most."""
    losses = [m for m in changed["moved"] if m["delta"] < 0][:2]
    return {
        "old_band": changed["old_band"],
        "new_band": changed["new_band"],
        "old_band_label": HealthStatus(changed["old_band"]).label,
        "new_band_label": HealthStatus(changed["new_band"]).label,
        "old_score": changed["old_score"],
        "new_score": changed["new_score"],
        "worsened": RANK[changed["new_band"]] > RANK[changed["old_band"]],
        "top_factors": ", ".join(f"{m['label']} {m['delta']:+d}" for m in losses) or "—",
        "drop": changed.get("drop", changed["old_score"] - changed["new_score"]),
    }
