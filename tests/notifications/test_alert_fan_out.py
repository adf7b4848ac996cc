"""Alerts reach the people who own the work (issue 16, item 5), end to end.

An event goes in through the services and the engine; what each staff member
finds in their inbox and mailbox comes out: the owner at once, the owner's
manager for an escalation (else the Manager role), digests by each person's
choice, c2 as one daily digest per CS team member.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import StaffProfile
from accounts.roles import MANAGER
from activity.models import Feature
from activity.services.feedback import record_feedback
from core.causes import Cause
from notifications.digests import send_due_digests
from notifications.models import Alert, AlertPreference, Digest, DigestItem
from notifications.services import notify_staff
from tests.factories import AccountFactory, FeatureFactory, UserFactory
from tests.queries import statements
from tests.workflows.outcomes import emails_to, footprint, inbox
from workflows.sweeps import unused_features

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 9, 30, tzinfo=UTC)  # a Monday, 09:30 UTC
BY_FORM = Cause.by_customer("feedback form")
ESCALATION = "Escalation: {name} is not happy (NPS 2)"


@pytest.fixture(autouse=True)
def frozen():
    """The clock stands still at NOW (before the other fixtures make their rows)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def boss(manager):
    """Another manager: the one the owner reports to."""
    return UserFactory(username="bea", roles=[MANAGER])


def reports_to(user, manager) -> None:
    StaffProfile.objects.update_or_create(user=user, defaults={"reports_to": manager})


def unhappy(deliver, account, contact, key="form-1"):
    deliver(
        lambda: record_feedback(
            account=account, nps=2, contact=contact, submission_key=key, cause=BY_FORM
        )
    )


def prefer(user, kind, delivery) -> None:
    AlertPreference.objects.create(user=user, kind=kind, delivery=delivery)


# --- who gets what ---------------------------------------------------------------------


def test_an_escalation_goes_to_the_owners_manager_only(
    deliver, account, contact, csm, manager, boss
):
    reports_to(csm, boss)

    unhappy(deliver, account, contact)

    escalation = ESCALATION.format(name=account.name)
    assert inbox(csm) == [f"NPS 2 from {account.name}"]  # the owner: the feedback itself
    assert inbox(boss) == [escalation]
    assert [e.subject for e in emails_to(boss.email)] == [escalation]
    assert inbox(manager) == []
    assert emails_to(manager.email) == []

    before = footprint(account)
    unhappy(deliver, account, contact)  # the same submission again
    assert footprint(account) == before


def test_without_a_manager_an_escalation_goes_to_the_manager_role(
    deliver, account, contact, csm, manager, boss
):
    unhappy(deliver, account, contact)

    escalation = ESCALATION.format(name=account.name)
    assert inbox(manager) == inbox(boss) == [escalation]
    assert escalation not in inbox(csm)


def test_an_inactive_manager_or_no_owner_falls_back_to_the_manager_role(
    deliver, csm, manager, boss
):
    reports_to(csm, boss)
    boss.is_active = False
    boss.save()
    owned, unowned = AccountFactory(owner=csm), AccountFactory(owner=None)

    for account in (owned, unowned):
        deliver(
            lambda account=account: notify_staff(
                account=account,
                template_key="b2-not-happy-escalation",
                cause_key=f"x:{account.pk}",
                cause=BY_FORM,
                rule="escalation",
                data={"nps": 2},
            )
        )

    alerted = Alert.objects.filter(user=manager).values_list("account", flat=True)
    assert sorted(alerted) == sorted([owned.pk, unowned.pk])
    assert not Alert.objects.filter(user=boss).exists()


def test_an_escalation_arrives_at_once_whatever_the_person_chose(
    deliver, account, contact, csm, boss
):
    reports_to(csm, boss)
    prefer(boss, "b2-not-happy-escalation", "off")
    prefer(csm, "b2-feedback-received", "daily")

    unhappy(deliver, account, contact)

    assert inbox(boss) == [ESCALATION.format(name=account.name)]
    assert inbox(csm) == []  # the owner's feedback alert waits for their daily digest
    assert DigestItem.objects.filter(user=csm).count() == 1


def test_an_alert_kind_switched_off_reaches_nobody_who_switched_it_off(deliver, account, csm):
    prefer(csm, "a1-new-account", "off")

    deliver(lambda: notify(account, "signup:1", email=True))

    assert inbox(csm) == []
    assert mail.outbox == []
    assert not DigestItem.objects.exists()


# --- digests -----------------------------------------------------------------------------


def notify(account, cause_key, **kwargs):
    return notify_staff(
        account=account,
        template_key="a1-new-account",
        cause_key=cause_key,
        cause=Cause.by_workflow_run(7),
        rule="owner",
        **kwargs,
    )


def test_an_hourly_digest_rolls_alerts_up_into_one_alert_and_one_email(deliver, csm, frozen):
    prefer(csm, "a1-new-account", "hourly")
    accounts = [AccountFactory(owner=csm) for _ in range(5)]

    for account in accounts:
        deliver(lambda account=account: notify(account, f"signup:{account.pk}", email=True))
        deliver(lambda account=account: notify(account, f"signup:{account.pk}", email=True))
    assert inbox(csm) == []
    assert mail.outbox == []
    assert DigestItem.objects.filter(user=csm).count() == 5  # the repeat held nothing

    frozen.move_to(NOW.replace(minute=59))
    assert deliver(send_due_digests) == 0  # the window has not ended
    frozen.move_to(NOW.replace(hour=10, minute=2))
    assert deliver(send_due_digests) == 1

    [alert] = Alert.objects.filter(user=csm)
    assert alert.title == "New account signed up: 5 alerts"
    assert alert.body.splitlines() == [f"New account: {a.name}" for a in accounts]
    [email] = mail.outbox
    assert (email.to, email.subject) == ([csm.email], "New account signed up: 5 alerts")
    for account in accounts:
        assert f"/accounts/{account.pk}/" in email.body

    assert deliver(send_due_digests) == 0  # exactly once
    assert Alert.objects.filter(user=csm).count() == 1
    assert len(mail.outbox) == 1


def test_a_daily_digest_arrives_at_eight_in_the_users_timezone(deliver, csm, frozen):
    prefer(csm, "a1-new-account", "daily")
    StaffProfile.objects.create(user=csm, timezone="Asia/Tokyo")  # 08:00 there is 23:00 UTC
    deliver(lambda: notify(AccountFactory(owner=csm), "signup:1"))

    frozen.move_to(datetime(2025, 9, 1, 22, 59, tzinfo=UTC))
    assert deliver(send_due_digests) == 0
    frozen.move_to(datetime(2025, 9, 1, 23, 1, tzinfo=UTC))
    assert deliver(send_due_digests) == 1
    assert inbox(csm) == ["New account signed up: 1 alert"]
    assert Digest.objects.get().due_at == datetime(2025, 9, 1, 23, 0, tzinfo=UTC)


# --- c2: all CS team members, one daily digest each --------------------------------------


def test_c2_on_50_accounts_and_3_features_is_one_daily_digest_per_team_member(
    deliver, csm, manager, affiliate_manager, frozen, settings
):
    settings.TIME_ZONE = "UTC"
    Feature.objects.all().delete()  # the starter catalogue: only these three
    other_csm = UserFactory(username="cora", roles=["CSM"])
    for key in ("reports", "exports", "alerts"):
        FeatureFactory(key=key, name=key.title(), not_used_days=14)
    accounts = [AccountFactory(owner=csm) for _ in range(50)]

    deliver(unused_features)

    assert Alert.objects.count() == 0  # nothing yet: 150 nudges, held for the digests
    frozen.move_to(datetime(2025, 9, 2, 8, 0, tzinfo=UTC))
    assert deliver(send_due_digests) == 3
    for member in (csm, manager, other_csm):
        [digest] = Alert.objects.filter(user=member)
        assert digest.title == "Feature not used: 150 alerts"
        lines = digest.body.splitlines()
        assert len(lines) == 150
        assert f"{accounts[0].name} hasn't used Reports" in lines
    assert inbox(affiliate_manager) == []  # not a CS team member
    assert DigestItem.objects.filter(user=affiliate_manager).count() == 0


# --- the sweep's queries do not grow with digests or items -------------------------------


def hold(users, per_user):
    for user in users:
        prefer(user, "a1-new-account", "hourly")
        for n in range(per_user):
            notify(AccountFactory(owner=user), f"signup:{user.pk}:{n}", email=True)


def sweep_statements() -> list[str]:
    """The sweep's own statements (delivery follows after commit, in the outbox's worker)."""
    with CaptureQueriesContext(connection) as captured:
        send_due_digests()
    return statements(captured)


def test_the_digest_sweep_runs_the_same_queries_at_two_sizes(frozen):
    hold([UserFactory(roles=["CSM"]) for _ in range(2)], per_user=3)
    frozen.move_to(NOW + timedelta(hours=1))
    small = sweep_statements()
    assert Digest.objects.count() == 2

    hold([UserFactory(roles=["CSM"]) for _ in range(12)], per_user=20)
    frozen.move_to(NOW + timedelta(hours=2))
    large = sweep_statements()
    assert Digest.objects.count() == 14

    assert len(large) == len(small), "\n".join(large)
    assert Alert.objects.count() == 0  # (delivered after commit, by the outbox)
