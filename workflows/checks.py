"""`manage.py check --database default` says when automations are behind.

A database check (Django runs those only when asked, `--database`), so a
deployment's health probe or a manager's shell can ask "is anyone waiting on
the workers?" without every `manage.py` command touching the database.
"""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def interactive_work_waits(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    """W001: interactive runs or messages have waited longer than a person should."""
    if not databases:
        return []
    from .lane_status import behind_lanes

    try:
        behind = behind_lanes()
    except DatabaseError:  # not migrated yet: `migrate` runs the database checks first
        return []
    return [
        Warning(
            f"{lane.waiting} interactive item(s) waiting, the oldest for "
            f"{int(lane.waited.total_seconds() // 60)} minutes: automations are behind.",
            hint="Check that the workers run (`manage.py worker`) and are not stuck; the "
            "workflows page shows each lane's queue.",
            id="workflows.W001",
        )
        for lane in behind
    ]
