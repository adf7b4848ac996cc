"""Who on the team receives a staff alert: recipients by rule.

Alerts go to the people who own the work: the account's owner, and for an
escalation the owner's manager (the user their staff profile says they report
to). The Manager role is the fallback when there is nobody more specific.
"""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, Q, QuerySet

from accounts.models import Account, StaffProfile
from accounts.roles import CSM, MANAGER

# The CS team: who "alert all CS team members" reaches (not the affiliate programme manager).
CS_TEAM_ROLES = (CSM, MANAGER)


class StaffRule(models.TextChoices):
    OWNER = "owner", "The account's owner"  # falls back to the managers if unassigned
    ROLE = "role", "Everyone in a role"
    TEAM = "team", "All CS team members (CSMs and managers)"
    EVERYONE = "everyone", "Every staff member"
    USER = "user", "A named user"
    ESCALATION = "escalation", "The owner's manager"  # else the Manager role


def staff_recipients(
    *, rule: str, account: Account | None, role: str = "", user_id: int | None = None
) -> QuerySet:
    """The active staff users a rule names, in one query.

    An alert must reach someone: an unassigned account's owner alerts go to
    the managers, as escalations do when the owner reports to nobody.
    """
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    if rule == StaffRule.OWNER:
        if account is not None and account.owner_id:
            return users.filter(pk=account.owner_id)
        return users.filter(groups__name=MANAGER)
    if rule == StaffRule.ROLE:
        return users.filter(groups__name=role or CSM).distinct()
    if rule == StaffRule.TEAM:
        return users.filter(groups__name__in=CS_TEAM_ROLES).distinct()
    if rule == StaffRule.EVERYONE:
        return users.filter(is_staff=True)
    if rule == StaffRule.USER:
        return users.filter(pk=user_id)
    if rule == StaffRule.ESCALATION:
        return _escalation(users, owner_id=account.owner_id if account is not None else None)
    raise ValueError(f"Unknown staff rule {rule!r}")


def _escalation(users: QuerySet, *, owner_id: int | None) -> QuerySet:
    """The owner's active manager; the Manager role if the owner has none (or there is no
    owner). One query either way: the fallback applies only where no manager exists."""
    managers = Q(groups__name=MANAGER)
    if owner_id is None:
        return users.filter(managers).distinct()
    has_manager = StaffProfile.objects.filter(
        user_id=owner_id, reports_to__isnull=False, reports_to__is_active=True
    )
    owners_manager = Q(staff_reports__user_id=owner_id)
    return users.filter(owners_manager | (managers & ~Exists(has_manager))).distinct()
