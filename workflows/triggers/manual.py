"""Started by hand: a person enrolled the account in one playbook (workflows.enrollment)."""

from __future__ import annotations

from typing import TypedDict

from .kind import Data

MANUAL = "manual"


class ManualStart(TypedDict):
    playbook: str  # the key of the one workflow this event starts
    note: str
    started_by: str


def enrollment_key(fact: Data) -> str:
    """One per playbook and account: the database refuses a second enrollment."""
    return f"manual:{fact['workflow_id']}:{fact['account_id']}"


def started(fact: Data) -> ManualStart:
    return {"playbook": fact["playbook"], "note": fact["note"], "started_by": fact["started_by"]}
