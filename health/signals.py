"""Health events, announced after commit through core.handover (so workflows record them).

Both carry `account_id` and `cause`, plus `day`, `old_band`, `new_band`, `old_score`,
`new_score` and `moved` (the factors whose points moved most, worst first:
[{"key", "label", "delta"}]).
"""

from django.dispatch import Signal

health_band_changed = Signal()
health_score_dropped = Signal()  # also: `drop` (points lost within the last 7 days)
