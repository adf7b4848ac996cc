"""Staff alerts: the right people's inboxes, once per cause, optionally by e-mail."""

import pytest
from django.core import mail

from accounts.roles import CSM, MANAGER
from core.causes import Cause
from notifications.models import Alert
from notifications.services import mark_alert_read, notify_staff
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_ACCOUNT = "a1-new-account"


@pytest.fixture
def notify(django_capture_on_commit_callbacks):
    def notify(account, rule, cause_key="signup:1", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return notify_staff(
                account=account,
                template_key=NEW_ACCOUNT,
                cause_key=cause_key,
                cause=Cause.by_workflow_run(7),
                rule=rule,
                **kwargs,
            )

    return notify


def inbox(user) -> list[str]:
    return list(Alert.objects.filter(user=user).values_list("title", flat=True))


def test_an_owner_alert_lands_in_the_owners_inbox_only(notify, account, csm, manager):
    notify(account, "owner")

    assert len(inbox(csm)) == 1
    assert account.name in inbox(csm)[0]
    assert inbox(manager) == []
    alert = Alert.objects.get(user=csm)
    assert alert.account == account
    assert alert.link.endswith(f"/accounts/{account.pk}/")
    assert alert.read_at is None


def test_an_unassigned_accounts_owner_alert_goes_to_the_managers(notify, manager, csm):
    account = AccountFactory(owner=None)

    notify(account, "owner")

    assert len(inbox(manager)) == 1
    assert inbox(csm) == []


def test_a_role_alert_reaches_everyone_in_the_role(notify, account, csm, manager):
    other_csm = UserFactory(username="cora", roles=[CSM])

    notify(account, "role", role=CSM)

    assert (len(inbox(csm)), len(inbox(other_csm)), len(inbox(manager))) == (1, 1, 0)


def test_an_escalation_goes_to_the_managers(notify, account, csm, manager):
    second_manager = UserFactory(username="mo", roles=[MANAGER])

    notify(account, "escalation")

    assert (len(inbox(manager)), len(inbox(second_manager)), len(inbox(csm))) == (1, 1, 0)


def test_everyone_and_a_named_user(notify, account, csm, manager, affiliate_manager):
    notify(account, "everyone", cause_key="all")
    notify(account, "user", cause_key="one", user_id=affiliate_manager.pk)

    assert (len(inbox(csm)), len(inbox(manager))) == (1, 1)
    assert len(inbox(affiliate_manager)) == 2


def test_an_alert_can_also_be_emailed(notify, account, csm):
    notify(account, "owner", email=True)

    assert len(inbox(csm)) == 1
    assert [m.to for m in mail.outbox] == [[csm.email]]


def test_the_same_cause_alerts_once(notify, account, csm):
    assert len(notify(account, "owner", email=True)) == 2
    assert notify(account, "owner", email=True) == []

    assert len(inbox(csm)) == 1
    assert len(mail.outbox) == 1


def test_marking_an_alert_read(notify, account, csm):
    notify(account, "owner")
    alert = Alert.objects.get(user=csm)

    assert mark_alert_read(alert=alert)
    assert not mark_alert_read(alert=alert)
    alert.refresh_from_db()
    assert alert.read_at is not None


def test_an_unknown_rule_is_refused(account):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Unknown staff rule"):
        notify_staff(
            account=account,
            template_key=NEW_ACCOUNT,
            cause_key="x",
            cause=Cause.by_system(),
            rule="the-moon",
        )
