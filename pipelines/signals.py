"""Pipeline events, announced after commit (see accounts.signals)."""

from django.dispatch import Signal

card_moved = Signal()  # account_id, move_id, pipeline_key, from_stage, to_stage (names), cause
