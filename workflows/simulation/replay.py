"""Replay: the account's recorded history of the last days, run again through the catalogue.

Inside the simulation's transaction, what the account recorded since `since`
(logins, feature sessions) and what the automations made of it (trigger events,
runs, messages) is removed, the account's last login put back to what it was
then, and each fact becomes a happening at its own time, recorded again through
its service. Tags, score and stages start as they are today: their history is
not rewound.
"""

from datetime import datetime

from accounts.models import Account
from activity.models import FeatureSession, Login
from activity.services.features import record_feature_session
from activity.services.logins import record_login
from core.causes import Cause
from notifications.models import Message

from ..models import Run, TriggerEvent


def rewind(account: Account, *, since: datetime) -> tuple[list, list[str]]:
    """Remove the account's facts and automation since `since`; (happenings, notes)."""
    from .runner import Happening

    cause = Cause.by_system("replay")
    logins = list(Login.objects.filter(account=account, occurred_at__gte=since))
    sessions = list(
        FeatureSession.objects.filter(account=account, started_at__gte=since).select_related(
            "feature"
        )
    )
    Message.objects.filter(account=account, created_at__gte=since).delete()
    Run.objects.filter(account=account, created_at__gte=since).delete()
    TriggerEvent.objects.filter(account=account, created_at__gte=since).delete()
    Login.objects.filter(pk__in=[login.pk for login in logins]).delete()
    FeatureSession.objects.filter(pk__in=[session.pk for session in sessions]).delete()
    before = (
        Login.objects.filter(account=account, occurred_at__lt=since)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    Account.objects.filter(pk=account.pk).update(last_login_at=before)
    happenings = [
        Happening(
            login.occurred_at - since,
            "Login (recorded)",
            lambda login=login: record_login(
                account=account, occurred_at=login.occurred_at, cause=cause
            ),
        )
        for login in logins
    ] + [
        Happening(
            session.started_at - since,
            f"{session.feature.name}: {session.minutes} minutes (recorded)",
            lambda session=session: record_feature_session(
                account=account,
                feature=session.feature,
                minutes=session.minutes,
                started_at=session.started_at,
                cause=cause,
            ),
        )
        for session in sessions
    ]
    notes = [
        f"Replays {len(logins)} logins and {len(sessions)} feature sessions recorded since "
        f"{since:%Y-%m-%d}; tags, score and stages start as they are today."
    ]
    return happenings, notes
