"""The database's promise that one staff member's time is booked once.

On PostgreSQL an exclusion constraint (btree_gist) refuses two live bookings of one
staff member whose time (start to the end of the buffer after it) overlaps; the
migration adds it there only. SQLite has no such constraint: its transactions take
the write lock when they begin (`"transaction_mode": "IMMEDIATE"`), so the check the
booking service makes before it writes (booking.services) is a locked check there.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models

NAME = "booking_staff_time_once"


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def staff_time_once() -> ExclusionConstraint:
    """No two live bookings of one staff member overlap ([start, blocked_until))."""
    return ExclusionConstraint(
        name=NAME,
        expressions=[
            (TsTzRange("starts_at", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
            ("staff", RangeOperators.EQUAL),
        ],
        condition=models.Q(holds_time=True),
    )
