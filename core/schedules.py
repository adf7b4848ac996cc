"""Installing django-q2 schedules: upserted by name, never recreated.

Deleting and recreating a schedule on deploy resets its timing, and
`Schedule.name` is not unique in django-q2, so schedules are created once
by a migration and later only updated (func, interval) in place.
"""

MINUTES = "I"  # django_q.models.Schedule.MINUTES


def upsert_schedule(schedule_model, *, name: str, func: str, minutes: int, args: str = "") -> None:
    """Create the schedule `name`, or update its function, arguments and interval.

    `args` is django-q2's textual form, e.g. "'inactive_accounts'".
    """
    existing = schedule_model.objects.filter(name=name).order_by("pk")
    if existing.exists():
        existing.update(func=func, args=args or None, schedule_type=MINUTES, minutes=minutes)
        return
    schedule_model.objects.create(
        name=name, func=func, args=args or None, schedule_type=MINUTES, minutes=minutes, repeats=-1
    )
