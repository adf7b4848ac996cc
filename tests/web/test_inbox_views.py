"""The staff inbox: my alerts newest first, mark one read, mark all read."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.causes import Cause, CauseKind
from notifications.models import Alert, Channel, Message
from notifications.services import notify_staff
from tests.web.html import find_testids, text_of

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 10, 6, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def add_alerts(user, count, account=None, read=False) -> list[Alert]:
    """`count` alerts for `user`, the newest last, written in bulk (as delivery would)."""
    start = Message.objects.count()
    messages = Message.objects.bulk_create(
        Message(
            channel=Channel.IN_APP,
            user=user,
            account=account,
            recipient=f"user:{user.pk}",
            cause_key=f"test:{start + i}",
            subject=f"Alert {start + i}",
            body_text=f"Body {start + i}",
            next_attempt_at=NOW,
            created_at=NOW,
            cause_kind=CauseKind.SYSTEM,
        )
        for i in range(count)
    )
    return Alert.objects.bulk_create(
        Alert(
            message=m,
            user=user,
            account=account,
            title=m.subject,
            body=m.body_text,
            link=f"/accounts/{account.pk}/" if account else "",
            created_at=NOW - timedelta(minutes=count - i),
            read_at=NOW if read else None,
        )
        for i, m in enumerate(messages)
    )


def mark_read(client, alert, **headers):
    return client.post(reverse("inbox:read", args=[alert.pk]), **headers)


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [("inbox:list", [], "get"), ("inbox:read", [1], "post"), ("inbox:read-all", [], "post")],
)
def test_every_inbox_page_needs_a_login(client, name, args, method):
    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_inbox_lists_my_alerts_newest_first_unread_in_bold(client, csm, manager, account):
    older, newer = add_alerts(csm, 2, account=account)
    (seen,) = add_alerts(csm, 1, read=True)
    (not_mine,) = add_alerts(manager, 1, account=account)
    client.force_login(csm)

    page = client.get(reverse("inbox:list"))

    assert page.status_code == 200
    assert find_testids(page, "alert-") == [
        f"alert-{seen.pk}",
        f"alert-{newer.pk}",
        f"alert-account-{newer.pk}",
        f"alert-{older.pk}",
        f"alert-account-{older.pk}",
    ]
    assert f"alert-{not_mine.pk}" not in find_testids(page, "alert-")
    body = page.content.decode()
    assert f'data-testid="alert-{newer.pk}" data-unread="true"' in body
    assert f'data-testid="alert-{seen.pk}" data-unread="false"' in body
    assert "fw-bold" in body
    assert find_testids(page, f"mark-read-{seen.pk}") == []
    assert "Alert" in text_of(page, f"alert-{newer.pk}")
    assert text_of(page, "unread-count") == "2"


def test_an_alert_links_to_the_account_page(
    client, csm, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_staff(
            account=account,
            template_key="a1-new-account",
            cause_key="signup:1",
            cause=Cause.by_workflow_run(7),
            rule="owner",
        )
    alert = Alert.objects.get(user=csm)
    client.force_login(csm)

    page = client.get(reverse("inbox:list"))

    body = page.content.decode()
    assert f'href="{reverse("accounts:detail", args=[account.pk])}"' in body
    assert "/admin/" not in alert.body
    assert account.name in text_of(page, f"alert-account-{alert.pk}")


def test_the_inbox_shows_50_alerts_a_page(client, csm):
    alerts = add_alerts(csm, 60)
    client.force_login(csm)

    first = client.get(reverse("inbox:list"))
    second = client.get(reverse("inbox:list"), {"page": 2}, headers={"HX-Request": "true"})

    newest_first = [f"alert-{a.pk}" for a in reversed(alerts)]
    assert find_testids(first, "alert-") == newest_first[:50]
    assert find_testids(second, "alert-") == newest_first[50:]
    assert "<html" not in second.content.decode()


def test_marking_an_alert_read_swaps_the_item(client, csm):
    (alert,) = add_alerts(csm, 1)
    client.force_login(csm)

    response = mark_read(client, alert, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert find_testids(response, "alert-") == [f"alert-{alert.pk}"]
    assert find_testids(response, f"mark-read-{alert.pk}") == []
    assert 'data-unread="false"' in response.content.decode()
    alert.refresh_from_db()
    assert alert.read_at == NOW
    assert text_of(client.get(reverse("inbox:list")), "unread-count") is None


def test_marking_read_without_htmx_redirects_to_the_inbox(client, csm):
    (alert,) = add_alerts(csm, 1)
    client.force_login(csm)

    response = mark_read(client, alert)

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:list")
    alert.refresh_from_db()
    assert alert.read_at == NOW


def test_someone_elses_alert_is_not_found_and_stays_unread(client, csm, manager):
    (theirs,) = add_alerts(manager, 1)
    client.force_login(csm)

    response = mark_read(client, theirs)

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_a_post(client, csm):
    (alert,) = add_alerts(csm, 1)
    client.force_login(csm)

    assert client.get(reverse("inbox:read", args=[alert.pk])).status_code == 405
    alert.refresh_from_db()
    assert alert.read_at is None


def test_mark_all_read_marks_only_my_unread_alerts(client, csm, manager):
    add_alerts(csm, 3)
    (already,) = add_alerts(csm, 1, read=True)
    add_alerts(manager, 2)
    client.force_login(csm)

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = client.post(reverse("inbox:read-all"), follow=True)

    assert "Marked 3 alerts read." in response.content.decode()
    assert not Alert.objects.filter(user=csm, read_at=None).exists()
    already.refresh_from_db()
    assert already.read_at == NOW  # untouched
    assert Alert.objects.filter(user=manager, read_at=None).count() == 2


def test_the_inbox_query_count_does_not_grow_with_the_alerts(client, csm, account):
    client.force_login(csm)
    client.get(reverse("inbox:list"))  # warm per-process caches

    counts = []
    for size in (10, 490):  # 10 alerts, then 500
        add_alerts(csm, size, account=account)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("inbox:list")).status_code == 200
        counts.append(len(queries))

    assert Alert.objects.filter(user=csm).count() == 500
    assert counts[0] == counts[1]


def test_mark_read_updates_the_navbar_count_out_of_band(client, csm):
    first, _second = add_alerts(csm, 2)
    client.force_login(csm)

    response = mark_read(client, first, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert '<span id="unread-badge" hx-swap-oob="true">' in body
    assert text_of(response, "unread-count") == "1"


def test_an_alert_does_not_show_its_e_mail_copys_url_as_text(client, csm):
    (alert,) = add_alerts(csm, 1)
    Alert.objects.filter(pk=alert.pk).update(
        body="Acme is now Struggling.\nNext: reach out.\nhttp://testserver/accounts/1/"
    )
    client.force_login(csm)

    text = text_of(client.get(reverse("inbox:list")), f"body-of-alert-{alert.pk}")

    assert "reach out" in text
    assert "http" not in text


def test_the_inbox_filters_by_account_and_my_accounts(client, csm, manager):
    from tests.factories import AccountFactory

    mine = AccountFactory(owner=csm, name="Mine Co")
    theirs = AccountFactory(owner=manager, name="Theirs Co")
    (about_mine,) = add_alerts(csm, 1, account=mine)
    (about_theirs,) = add_alerts(csm, 1, account=theirs)
    client.force_login(csm)

    only_mine = find_testids(client.get(reverse("inbox:list"), {"mine": "on"}), "alert-")
    by_name = find_testids(client.get(reverse("inbox:list"), {"account": "theirs"}), "alert-")
    bad_kind = client.get(reverse("inbox:list"), {"kind": "nonsense"})

    assert f"alert-{about_mine.pk}" in only_mine
    assert f"alert-{about_theirs.pk}" not in only_mine
    assert f"alert-{about_theirs.pk}" in by_name
    assert f"alert-{about_mine.pk}" not in by_name
    assert bad_kind.status_code == 200
