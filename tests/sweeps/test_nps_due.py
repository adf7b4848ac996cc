"""The NPS sweep: every active account is asked for an NPS answer every 90 days."""

from datetime import timedelta

import pytest

from accounts.models import Lifecycle
from tests.factories import AccountFactory
from tests.sweeps.conftest import NOW
from tests.sweeps.helpers import emails_to, event_keys, events, footprint
from workflows.sweeps import nps_due

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

KIND = "nps_due"


def test_an_account_older_than_90_days_is_asked_and_younger_or_churned_ones_are_not(csm):
    old = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=91))
    young = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=30))
    churned = AccountFactory(
        owner=csm, signed_up_at=NOW - timedelta(days=200), lifecycle=Lifecycle.CHURNED
    )

    assert nps_due() == 1

    assert len(events(KIND, old)) == 1
    assert events(KIND, young) == events(KIND, churned) == []


def test_a_second_run_within_90_days_records_nothing_and_after_90_days_asks_again(csm, frozen_time):
    old = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=120))
    assert nps_due() == 1

    assert nps_due() == 0
    frozen_time.shift(timedelta(days=89, hours=23))
    assert nps_due() == 0

    frozen_time.shift(timedelta(hours=1, minutes=1))
    assert nps_due() == 1
    first, second = event_keys(KIND, old)
    assert first != second


def test_the_nps_survey_is_emailed_once(deliver, account, contact, frozen_time):
    frozen_time.shift(timedelta(days=1))  # the account is now 91 days old

    deliver(nps_due)

    assert len(emails_to(contact.email)) == 1
    before = footprint(account)
    deliver(nps_due)
    assert footprint(account) == before
