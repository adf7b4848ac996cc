"""The account timeline: keyset pages, type filters, folded staff alerts, labels, query counts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import CSM
from accounts.services import add_tag, upsert_contact
from activity.services.logins import record_login
from activity.services.payments import record_payment
from core import clock
from core.causes import Cause
from core.money import format_money
from insights.timeline import Cursor, timeline
from notifications.services import notify_staff
from tests.factories import AccountFactory, ContactFactory, UserFactory
from tests.web.html import timeline_of

pytestmark = pytest.mark.django_db


def _walk(account, groups=None, limit=7) -> list:
    """Every item, page after page through the keyset cursor."""
    seen, before = [], None
    for _ in range(100):
        page = timeline(account, groups=groups, before=before, limit=limit)
        seen += page.items
        if page.next is None:
            return seen
        before = Cursor.parse(str(page.next))
    raise AssertionError("the pages never ended")


def test_load_older_walks_every_item_once_in_order_with_ties(account, by_manager):
    start = clock.now() - timedelta(days=5)
    for n in range(20):
        record_login(account=account, cause=Cause.by_api(), occurred_at=start + timedelta(hours=n))
    # Three rows at one instant, in two sources: the cursor must not skip or repeat them.
    tie = start + timedelta(hours=5)
    record_payment(account=account, external_id="py_1", amount=Decimal("10"), succeeded=True,
                   cause=Cause.by_api(), occurred_at=tie)  # fmt: skip
    record_payment(account=account, external_id="py_2", amount=Decimal("11"), succeeded=True,
                   cause=Cause.by_api(), occurred_at=tie)  # fmt: skip

    items = _walk(account, groups={"customer"})

    keys = [(i.kind, i.pk) for i in items]
    assert len(keys) == len(set(keys)) == 22
    order = [(i.when, i.source, i.pk) for i in items]
    assert order == sorted(order, reverse=True)


def test_an_older_page_reads_no_offset(client, csm, account):
    for n in range(60):
        record_login(account=account, cause=Cause.by_api(),
                     occurred_at=clock.now() - timedelta(minutes=n + 1))  # fmt: skip
    client.force_login(csm)
    first = timeline(account, groups={"customer"})
    assert first.next is not None
    url = reverse("accounts:timeline", args=[account.pk])

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"type": "customer", "before": str(first.next)})

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="timeline-item"') == 10
    assert not any("OFFSET" in q["sql"].upper() for q in captured.captured_queries)


def test_a_bad_cursor_is_a_400(client, csm, account):
    client.force_login(csm)
    for bad in ["nonsense", "2026-01-01~0~x", "2026-01-01T00:00:00~99~1"]:
        for name in ["timeline", "detail", "ledger"]:
            response = client.get(reverse(f"accounts:{name}", args=[account.pk]), {"before": bad})
            assert response.status_code == 400, (name, bad)


def test_filters_by_type_and_keeps_customer_activity_apart(client, csm, account, by_manager):
    record_login(account=account, cause=Cause.by_api())
    add_tag(account=account, tag="VIP", cause=by_manager)
    client.force_login(csm)
    customer = timeline_of(client, account, type="customer")
    changes = timeline_of(client, account, type="changes")

    assert "Logged in" in customer
    assert "Tag VIP added" not in customer
    assert "Tag VIP added" in changes
    assert "Logged in" not in changes
    assert "timeline-customer" in customer  # marked as the customer's own


def test_the_account_page_fetches_its_timeline_after_loading(client, csm, account):
    record_login(account=account, cause=Cause.by_api())
    client.force_login(csm)

    page = client.get(reverse("accounts:detail", args=[account.pk]), {"type": "customer"})

    html = page.content.decode()
    timeline = reverse("accounts:timeline", args=[account.pk]) + "?type=customer"
    assert 'data-testid="timeline-item"' not in html  # the card's items come later
    assert f'hx-get="{timeline}" hx-trigger="load"' in html  # in the types chosen
    assert f'<noscript>It needs JavaScript here: <a href="{timeline}">' in html
    assert 'value="customer" checked' in html


def test_without_javascript_the_timeline_is_a_page_with_filters_and_older(client, csm, account):
    for n in range(55):
        record_login(account=account, cause=Cause.by_api(),
                     occurred_at=clock.now() - timedelta(minutes=n + 1))  # fmt: skip
    client.force_login(csm)
    url = reverse("accounts:timeline", args=[account.pk])

    page = client.get(url, {"type": "customer"}).content.decode()

    assert "<html" in page
    assert account.name in page
    assert page.count('data-testid="timeline-item"') == 50
    assert 'data-testid="timeline-filters"' in page
    assert 'value="customer" checked' in page
    older = re.search(r'data-testid="timeline-older"\s+href="([^"]+)"', page).group(1)
    assert older.startswith(f"{url}?type=customer&amp;before=")
    rest = client.get(older.replace("&amp;", "&")).content.decode()
    assert rest.count('data-testid="timeline-item"') == 5


def test_changing_the_filters_keeps_them_in_the_address_bar(client, csm, account):
    client.force_login(csm)
    url = reverse("accounts:timeline", args=[account.pk])
    detail = reverse("accounts:detail", args=[account.pk])

    def filter_on(page: str, **params):
        headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER": "timeline-filters",
                   "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}  # fmt: skip
        return client.get(url, params, **headers)

    assert filter_on(detail, type=["runs", "customer"])["HX-Push-Url"] == (
        f"{detail}?type=customer&type=runs"
    )
    assert filter_on(url, type="alerts")["HX-Push-Url"] == f"{url}?type=alerts"
    assert filter_on(detail)["HX-Push-Url"] == detail  # the default feed: a plain address
    loaded = client.get(url, HTTP_HX_REQUEST="true")  # the placeholder, "load older"
    assert "HX-Push-Url" not in loaded


def test_staff_alert_copies_are_one_line_per_alert(client, csm, account, manager):
    UserFactory(username="cora", first_name="Cora", last_name="Diaz", roles=[CSM])
    notify_staff(account=account, template_key="b1-health-changed-alert", cause_key="t:1",
                 cause=Cause.by_system(), rule="everyone")  # fmt: skip
    client.force_login(csm)

    html = timeline_of(client, account, type="alerts")
    assert html.count('data-kind="alert"') == 1
    assert "In-app alert to 3 people" in html
    assert "Cora Diaz" in html
    assert not re.search(r"\bcora\b", html)  # a name, not a username


def test_money_shows_with_its_currency(client, csm):
    account = AccountFactory(owner=csm, mrr=Decimal("4700.00"), currency="USD")
    record_payment(account=account, external_id="py_9", amount=Decimal("470000"), currency="JPY",
                   succeeded=True, cause=Cause.by_api())  # fmt: skip
    client.force_login(csm)
    page = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "$4,700.00" in page
    assert "4700.00 USD" not in page
    assert "¥470,000" in timeline_of(client, account)


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("4700", "USD", "$4,700.00"),
        ("12.5", "EUR", "€12.50"),
        ("4700.4", "JPY", "¥4,700"),
        ("99", "CHF", "CHF\u00a099.00"),
        ("-5", "GBP", "-£5.00"),
        ("1000000", "CAD", "CA$1,000,000.00"),
        ("not money", "USD", "not money"),
    ],
)
def test_format_money(amount, currency, shown):
    assert format_money(amount, currency) == shown


def test_the_health_form_preselects_nothing_on_an_unassessed_account(client, manager, account):
    client.force_login(manager)
    html = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    form = html.split('data-testid="health-form"')[1].split("</form>")[0]
    assert "selected" not in form.split("</select>")[0].replace('value="" selected', "")
    assert 'value="" selected' in form


def test_why_does_not_repeat_the_ledger(client, csm, account, by_manager):
    from scoring.services import add_points

    add_points(account=account, points=40, reason="Case study", source="manual", cause=by_manager)
    client.force_login(csm)
    html = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    why = html.split('data-testid="why"')[1].split("</ul>")[0]
    ledger = html.split('data-testid="ledger"')[1].split("</tbody>")[0]
    assert "Case study" in ledger
    assert "Case study" not in why


def test_the_ledger_pages_instead_of_stopping_at_20(client, csm, account, by_manager):
    from scoring.services import add_points

    for n in range(45):
        add_points(account=account, points=1, reason=f"Point {n}", source="manual",
                   cause=by_manager)  # fmt: skip
    client.force_login(csm)
    html = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert html.count('data-testid="ledger-entry"') == 20
    assert 'data-testid="ledger-older"' in html
    seen = 20
    before = html.split("?before=")[-1].split('"')[0]
    url = reverse("accounts:ledger", args=[account.pk])
    while before:
        part = client.get(url + "?before=" + before, HTTP_HX_REQUEST="true").content.decode()
        seen += part.count('data-testid="ledger-entry"')
        before = part.split("?before=")[-1].split('"')[0] if "ledger-older" in part else ""
    assert seen == 45


def _history(account, by_manager, n: int) -> None:
    """n of each kind the default page shows, plus contacts, alerts and a run-caused tag."""
    for i in range(n):
        record_login(account=account, cause=Cause.by_api(),
                     occurred_at=clock.now() - timedelta(minutes=i + 1))  # fmt: skip
        add_tag(account=account, tag=f"T{i}", cause=by_manager)
        ContactFactory(account=account, is_primary=False)
        notify_staff(account=account, template_key="b1-health-changed-alert",
                     cause_key=f"h:{account.pk}:{i}", cause=Cause.by_system(),
                     rule="everyone")  # fmt: skip
    add_tag(account=account, tag="By run", cause=Cause.by_workflow_run(1, "test"))


def _queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **headers).status_code == 200
    return len(captured)


# The page the CSM and the manager open, and the timeline's first page its card then
# fetches (#17, #20, #21: at most 25 each, whatever the account's history).
# The computed health section (#20) reads its snapshot and history: one more each; the
# timeline reads health overrides and their expiry (#20): two sources in "changes".
# One more for the account's meetings (booking, #24).
PAGE_QUERIES = {"csm": 19, "manager": 20}
# and one more for the product events source (custom events from Segment, #23).
TIMELINE_QUERIES = {"default": 21, "all": 25}


@pytest.mark.parametrize("role", ["csm", "manager"])
def test_the_account_page_costs_the_same_queries_small_and_large(request, client, role, by_manager):
    user = request.getfixturevalue(role)
    small, large = AccountFactory(owner=user), AccountFactory(owner=user)
    upsert_contact(account=small, name="Pat", email="pat@x.example", cause=by_manager)
    upsert_contact(account=large, name="Pat", email="pat@x.example", cause=by_manager)
    _history(small, by_manager, 2)
    _history(large, by_manager, 60)
    client.force_login(user)

    few = _queries(client, reverse("accounts:detail", args=[small.pk]))
    many = _queries(client, reverse("accounts:detail", args=[large.pk]))

    # The timeline's items load as their own fragment, so its dozen sources are not here.
    assert few == many == PAGE_QUERIES[role] <= 25
    # The filters change only where the fragment is fetched from, not what the page reads.
    every = reverse("accounts:detail", args=[large.pk]) + "?type=all"
    assert _queries(client, every) == PAGE_QUERIES[role]


@pytest.mark.parametrize("role", ["csm", "manager"])
@pytest.mark.parametrize("types", ["default", "all"])
def test_the_timeline_fragment_costs_the_same_queries_small_and_large(
    request, client, role, types, by_manager
):
    user = request.getfixturevalue(role)
    small, large = AccountFactory(owner=user), AccountFactory(owner=user)
    _history(small, by_manager, 2)
    _history(large, by_manager, 60)
    client.force_login(user)
    query = "?type=all" if types == "all" else ""

    def fragment(account) -> int:
        url = reverse("accounts:timeline", args=[account.pk]) + query
        return _queries(client, url, HTTP_HX_REQUEST="true")

    # One query per source in the chosen groups (two for the staff alerts), plus the
    # session, the user, their permissions and the account.
    assert fragment(small) == fragment(large) == TIMELINE_QUERIES[types] <= 25


def test_a_message_with_no_one_to_write_to_says_so_not_the_outbox_key(client, csm, by_manager):
    from notifications.services import queue_customer_message

    lonely = AccountFactory(owner=csm)  # no contact at all
    queue_customer_message(
        account=lonely, template_key="b1-health-steady", cause_key="t:1", cause=by_manager
    )
    client.force_login(csm)

    text = timeline_of(client, lonely)

    assert "contact:none" not in text
    assert "no one (no contact to write to)" in text


def test_a_long_call_summary_is_shortened_visibly_not_cut_mid_word(client, csm, account):
    from workqueue.touches import log_touch

    summary = "Walked through the renewal and the new seats they need for the support team " * 3
    log_touch(account=account, kind="call", summary=summary, author=csm)
    client.force_login(csm)

    html = timeline_of(client, account)

    shown = re.search(r"Call by [^:<]+: ([^<]*)", html).group(1).strip()
    assert shown.endswith("…"), shown
    assert len(shown) <= 80
