"""The team report on the Reports page: per CSM, opened, closed, median days, outcomes, touches."""

from datetime import timedelta

import pytest
from django.urls import reverse

from core.causes import Cause
from tests.factories import AccountFactory
from tests.web.html import text_of
from workqueue.models import Signal
from workqueue.services import Found, close_signal, raise_signals
from workqueue.touches import log_touch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def test_the_team_report_counts_each_csms_signals_outcomes_and_touches(
    client, csm, manager, frozen_time
):
    accounts = AccountFactory.create_batch(3, owner=csm)
    raise_signals(
        reason="usage_drop",
        found=[Found(a.pk, "k") for a in accounts],
        cause=Cause.by_system("t"),
    )
    frozen_time.shift(timedelta(days=2))
    first, second, _ = Signal.objects.order_by("pk")
    close_signal(signal=first, outcome="Saved", cause=Cause.by_user(csm))
    frozen_time.shift(timedelta(days=2))
    close_signal(signal=second, outcome="Saved", cause=Cause.by_user(csm))
    log_touch(account=accounts[0], kind="call", summary="Checked in", author=csm)
    client.force_login(manager)

    page = client.get(reverse("reports:index"))

    assert csm.get_full_name() in text_of(page, "team-report-table")
    assert 'data-chart="chart-work-queue"' in page.content.decode()
    response = client.get(reverse("workqueue:report_csv"))
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("CSM,Signals opened,Signals closed,Median days to close")
    assert f"{csm.get_full_name()},3,2,3.0,Saved 2,1" in csv


def test_the_team_report_says_so_when_there_is_nothing_yet(client, manager):
    client.force_login(manager)
    assert "Nothing to show yet" in text_of(client.get(reverse("reports:index")), "team-report")
