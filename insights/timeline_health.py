"""The health rows of an account's timeline: manual status changes, accepted computed
bands, overrides of the computed band and their expiry (#20), each told with who and when."""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import Account, HealthStatusChange
from core import clock
from health.models import ACCEPTED_BAND_NOTE, HealthOverride


def _who(row) -> str:
    """Who made a history row: the person (full name), else the kind of cause ("Workflow")."""
    return (
        (row.cause_user.get_full_name() or row.cause_user.get_username())
        if row.cause_user_id
        else row.get_cause_kind_display()
    )


def _accepted(row: HealthStatusChange) -> bool:
    return row.note.startswith(ACCEPTED_BAND_NOTE)


def health_text(row: HealthStatusChange) -> str:
    if _accepted(row):
        return f"{_who(row)} accepted the computed band {row.get_to_status_display()}"
    return f"Health set to {row.get_to_status_display()}"


def health_detail(row: HealthStatusChange) -> str:
    if _accepted(row):  # the note says the score and model version it accepted
        return row.note[len(ACCEPTED_BAND_NOTE) :].strip(" .").strip("()")
    return f"{row.cause_display}{' — ' + row.note if row.note else ''}"


def _day(when: datetime, since: datetime) -> str:
    """A date as people write it ("12 Jan"), with the year when it is not `since`'s."""
    day, then = timezone.localtime(when), timezone.localtime(since)
    return f"{day.day} {day:%b}" + (f" {day.year}" if day.year != then.year else "")


def override_text(row: HealthOverride) -> str:
    until = _day(row.expires_at, row.created_at)
    return f"{_who(row)} overrode health to {row.get_band_display()} until {until}: {row.reason}"


def override_detail(row: HealthOverride) -> str:
    if not row.computed_band:
        return ""
    return f"Computed: {row.get_computed_band_display()} ({row.computed_score})"


def override_ended(account: Account) -> QuerySet:
    """The account's overrides that ran out, and were not replaced by a newer one first
    (a replaced override never expired as far as the manager is concerned)."""
    replaced = HealthOverride.objects.filter(
        account=OuterRef("account"),
        created_at__gt=OuterRef("created_at"),
        created_at__lt=OuterRef("expires_at"),
    )
    return (
        HealthOverride.objects.filter(account=account, expires_at__lte=clock.now())
        .exclude(Exists(replaced))
        .select_related("cause_user")
    )


def override_ended_text(row: HealthOverride) -> str:
    since = _day(row.created_at, row.expires_at)
    return (
        f"Health override to {row.get_band_display()} expired "
        f"(set by {_who(row)} on {since}); the computed band counts again"
    )
