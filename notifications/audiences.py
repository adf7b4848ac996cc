"""Who on the team receives a staff alert: recipients by rule."""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet

from accounts.models import Account
from accounts.roles import CSM, MANAGER


class StaffRule(models.TextChoices):
    OWNER = "owner", "The account's owner"  # falls back to the managers if unassigned
    ROLE = "role", "Everyone in a role"
    EVERYONE = "everyone", "Every staff member"
    USER = "user", "A named user"
    ESCALATION = "escalation", "The owner's managers"  # the Manager role


def staff_recipients(
    *, rule: str, account: Account | None, role: str = "", user_id: int | None = None
) -> QuerySet:
    """The active staff users a rule names, in one query.

    An alert must reach someone: an unassigned account's owner alerts go to
    the managers, as escalations do.
    """
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    if rule == StaffRule.OWNER:
        if account is not None and account.owner_id:
            return users.filter(pk=account.owner_id)
        return users.filter(groups__name=MANAGER)
    if rule == StaffRule.ROLE:
        return users.filter(groups__name=role or CSM).distinct()
    if rule == StaffRule.EVERYONE:
        return users.filter(is_staff=True)
    if rule == StaffRule.USER:
        return users.filter(pk=user_id)
    if rule == StaffRule.ESCALATION:
        return users.filter(groups__name=MANAGER)
    raise ValueError(f"Unknown staff rule {rule!r}")
