"""Scoring events, announced after commit (see accounts.signals)."""

from django.dispatch import Signal

points_added = Signal()  # account_id, points, score, source, cause
milestone_reached = Signal()  # account_id, milestone, score, cause
