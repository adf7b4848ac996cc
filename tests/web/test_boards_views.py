"""The kanban boards: the list of boards, one board, a column's next page, drag-and-drop moves."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, AccountTag
from accounts.roles import CSM
from core.causes import Cause, CauseKind
from pipelines.models import Card, Pipeline, Stage, StageMove
from pipelines.services import move_card
from tests.factories import AccountFactory, TagFactory, UserFactory
from tests.web.html import find_testids, text_of

pytestmark = pytest.mark.django_db

MONDAY = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def health():
    return Pipeline.objects.get(key="health")


def stage(pipeline, name):
    return Stage.objects.get(pipeline=pipeline, name=name)


def place(account, pipeline, name, when=MONDAY):
    with time_machine.travel(when, tick=False):
        move_card(
            account=account,
            pipeline=pipeline,
            stage=stage(pipeline, name),
            cause=Cause.by_system("test setup"),
        )


def board_url(pipeline, **query):
    url = reverse("boards:board", args=[pipeline.key])
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else url


def move(client, pipeline, account, stage_id):
    return client.post(
        reverse("boards:move", args=[pipeline.key]), {"account": account.pk, "stage": stage_id}
    )


# --- who may see and move -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("boards:index", [], "get"),
        ("boards:board", ["health"], "get"),
        ("boards:stage", ["health", 1], "get"),
        ("boards:move", ["health"], "post"),
    ],
)
def test_every_board_page_needs_a_login(client, name, args, method):
    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_change_card_may_not_move_a_card(client, affiliate_manager, health):
    account = AccountFactory()
    place(account, health, "Healthy")
    client.force_login(affiliate_manager)

    response = move(client, health, account, stage(health, "Struggling").pk)

    assert response.status_code == 403
    assert Card.objects.get(account=account).stage.name == "Healthy"
    assert StageMove.objects.filter(account=account).count() == 1  # only the placement


def test_a_board_offers_dragging_only_to_users_who_may_move(client, csm, affiliate_manager, health):
    from django.contrib.auth.models import Permission

    client.force_login(affiliate_manager)
    assert client.get(board_url(health)).status_code == 403  # no board for this role

    affiliate_manager.user_permissions.add(
        Permission.objects.get(codename="view_card", content_type__app_label="pipelines")
    )
    assert 'data-can-move="false"' in client.get(board_url(health)).content.decode()

    client.force_login(csm)
    assert 'data-can-move="true"' in client.get(board_url(health)).content.decode()


# --- the list of boards -------------------------------------------------------------------


def test_the_boards_page_lists_every_pipeline_with_its_stage_counts(client, csm, health):
    for account in AccountFactory.create_batch(2):
        place(account, health, "Healthy")
    place(AccountFactory(), health, "Struggling")
    client.force_login(csm)

    page = client.get(reverse("boards:index"))

    assert page.status_code == 200
    assert find_testids(page, "board-") == [f"board-{p.key}" for p in Pipeline.objects.all()]
    assert text_of(page, "count-health-Healthy") == "2"
    assert text_of(page, "count-health-Struggling") == "1"
    assert text_of(page, "count-health-Thriving") == "0"
    assert text_of(page, "count-subscription-Active") == "0"


# --- one board ----------------------------------------------------------------------------


def test_a_board_shows_its_columns_in_order_with_counts_and_account_essentials(client, csm, health):
    account = AccountFactory(name="Acme Rockets", owner=csm, mrr=1234, health_status="healthy")
    place(account, health, "Healthy")
    client.force_login(csm)

    page = client.get(board_url(health))

    assert page.status_code == 200
    assert find_testids(page, "column-") == [
        "column-Thriving",
        "column-Healthy",
        "column-Steady",
        "column-Struggling",
    ]
    assert text_of(page, "count-Healthy") == "1"
    assert text_of(page, "count-Thriving") == "0"
    card = text_of(page, f"card-{account.pk}")
    assert "Acme Rockets" in card
    assert csm.get_full_name() in card
    assert "$1,234" in card  # with its currency, as money shows everywhere
    assert "Healthy" in card
    assert reverse("accounts:detail", args=[account.pk]) in page.content.decode()


def test_a_column_shows_its_newest_30_cards_and_loads_the_rest_on_demand(client, csm, health):
    accounts = AccountFactory.create_batch(35)
    for minutes, account in enumerate(accounts):
        place(account, health, "Steady", when=MONDAY + timedelta(minutes=minutes))
    steady = stage(health, "Steady")
    client.force_login(csm)

    page = client.get(board_url(health))

    newest_first = [f"card-{a.pk}" for a in reversed(accounts)]
    assert find_testids(page, "card-") == newest_first[:30]
    assert text_of(page, "count-Steady") == "35"
    more_url = reverse("boards:stage", args=[health.key, steady.pk]) + "?page=2"
    assert more_url in page.content.decode()

    more = client.get(more_url, HTTP_HX_REQUEST="true")

    assert more.status_code == 200
    assert "<html" not in more.content.decode()
    assert find_testids(more, "card-") == newest_first[30:]
    assert find_testids(more, "load-more-") == []


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "two"])
def test_an_odd_page_number_gives_a_page_not_a_server_error(client, csm, health, page):
    place(AccountFactory(), health, "Steady")
    client.force_login(csm)

    response = client.get(
        reverse("boards:stage", args=[health.key, stage(health, "Steady").pk]), {"page": page}
    )

    assert response.status_code == 200
    assert len(find_testids(response, "card-")) == (0 if page.startswith("9") else 1)


def test_a_stage_of_another_board_is_not_found(client, csm, health):
    client.force_login(csm)
    other = Stage.objects.get(pipeline__key="subscription", name="Churned")

    response = client.get(reverse("boards:stage", args=[health.key, other.pk]))

    assert response.status_code == 404


def test_owner_and_tag_filters_apply_to_every_column_and_its_count(client, csm, manager, health):
    vip = TagFactory(name="VIP")
    mine_tagged = AccountFactory(owner=csm)
    mine_untagged = AccountFactory(owner=csm)
    theirs = AccountFactory(owner=manager)
    AccountTag.objects.bulk_create(
        [AccountTag(account=a, tag=vip, added_at=MONDAY) for a in (mine_tagged, theirs)]
    )
    place(mine_tagged, health, "Healthy")
    place(mine_untagged, health, "Struggling")
    place(theirs, health, "Healthy")
    client.force_login(csm)

    by_owner = client.get(board_url(health, owner=csm.pk))
    by_both = client.get(board_url(health, owner=csm.pk, tag=vip.pk))

    assert set(find_testids(by_owner, "card-")) == {
        f"card-{mine_tagged.pk}",
        f"card-{mine_untagged.pk}",
    }
    assert text_of(by_owner, "count-Healthy") == "1"
    assert text_of(by_owner, "count-Struggling") == "1"
    assert find_testids(by_both, "card-") == [f"card-{mine_tagged.pk}"]
    assert text_of(by_both, "count-Struggling") == "0"


def test_an_htmx_filter_change_renders_only_the_board(client, csm, health):
    client.force_login(csm)

    response = client.get(board_url(health), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="board"')
    assert "<html" not in body


def test_an_unknown_board_is_not_found(client, csm):
    client.force_login(csm)

    assert client.get(reverse("boards:board", args=["renewals"])).status_code == 404


# --- moving a card ------------------------------------------------------------------------


@pytest.fixture
def billing():
    return Pipeline.objects.get(key="subscription")


def test_dropping_a_card_on_another_column_moves_it_and_records_who(client, csm, billing):
    account = AccountFactory(owner=csm)
    place(account, billing, "Active Subscription")
    failed = stage(billing, "Subscription Failed")
    client.force_login(csm)

    response = move(client, billing, account, failed.pk)

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "moved": True,
        "account": account.pk,
        "stage": failed.pk,
    }
    assert Card.objects.get(account=account, pipeline=billing).stage == failed
    last = StageMove.objects.filter(account=account).first()
    assert (last.from_stage.name, last.to_stage.name) == (
        "Active Subscription",
        "Subscription Failed",
    )
    assert last.cause_kind == CauseKind.USER
    assert last.cause_user == csm
    board = client.get(board_url(billing))
    assert f"card-{account.pk}" in find_testids(board, "card-")
    assert text_of(board, "count-Subscription Failed") == "1"
    assert text_of(board, "count-Active Subscription") == "0"


def test_moving_a_card_fires_the_stage_change_after_commit(
    client, manager, billing, received, django_capture_on_commit_callbacks
):
    from pipelines import signals

    account = AccountFactory()
    place(account, billing, "Active")
    sent = received(signals.card_moved)
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        move(client, billing, account, stage(billing, "Churned").pk)

    assert [(s["pipeline_key"], s["to_stage"]) for s in sent] == [("subscription", "Churned")]
    assert sent[0]["cause"].user == manager


def test_dropping_a_card_on_its_own_column_changes_nothing(client, csm, billing):
    account = AccountFactory()
    place(account, billing, "Active")
    client.force_login(csm)

    response = move(client, billing, account, stage(billing, "Active").pk)

    assert response.status_code == 200
    assert json.loads(response.content)["moved"] is False
    assert StageMove.objects.filter(account=account).count() == 1


def test_a_csm_cannot_change_health_by_dragging_on_the_health_board(client, csm, health):
    account = AccountFactory(owner=csm)
    place(account, health, "Healthy")
    client.force_login(csm)

    response = move(client, health, account, stage(health, "Struggling").pk)

    assert response.status_code == 403
    account.refresh_from_db()
    assert account.health_status == ""
    assert Card.objects.get(account=account, pipeline=health).stage.name == "Healthy"


def test_a_manager_dragging_on_the_health_board_changes_the_health_status(
    client, manager, health, django_capture_on_commit_callbacks
):
    from accounts.models import HealthStatusChange

    account = AccountFactory()
    place(account, health, "Healthy")
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = move(client, health, account, stage(health, "Struggling").pk)

    assert response.status_code == 200
    account.refresh_from_db()
    assert account.health_status == "struggling"
    assert HealthStatusChange.objects.get(account=account).cause_user == manager
    assert Card.objects.get(account=account, pipeline=health).stage.name == "Struggling"
    assert "Struggling" in account.tags.values_list("name", flat=True)


def test_a_managers_drag_on_the_health_board_shows_on_reload_before_any_worker_runs(
    client, manager, health
):
    account = AccountFactory(name="Acme Rockets")
    place(account, health, "Healthy")
    client.force_login(manager)

    # Nothing after commit runs: the workers are busy (or stopped).
    response = move(client, health, account, stage(health, "Struggling").pk)

    assert response.status_code == 200
    page = client.get(board_url(health))
    assert "Acme Rockets" in text_of(page, "column-Struggling")
    assert "Acme Rockets" not in text_of(page, "column-Healthy")
    move_row = StageMove.objects.filter(account=account).first()
    assert (move_row.to_stage.name, move_row.cause_user) == ("Struggling", manager)


def test_a_stage_of_another_pipeline_is_refused_and_nothing_moves(client, csm, health):
    account = AccountFactory()
    place(account, health, "Healthy")
    churned = Stage.objects.get(pipeline__key="subscription", name="Churned")
    client.force_login(csm)

    response = move(client, health, account, churned.pk)

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "error": "Stage 'Churned' is not in pipeline 'Customer Health Status'."
    }
    assert Card.objects.get(account=account).stage.name == "Healthy"
    assert not Card.objects.filter(account=account, pipeline__key="subscription").exists()
    assert StageMove.objects.filter(account=account).count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Send the account id and the stage id."),
        ({"account": "abc", "stage": "1"}, "Send the account id and the stage id."),
        ({"account": "999999", "stage": "STAGE"}, "That account or stage no longer exists."),
        ({"account": "ACCOUNT", "stage": "999999"}, "That account or stage no longer exists."),
    ],
)
def test_bad_move_input_is_refused_with_a_reason(client, csm, health, data, error):
    account = AccountFactory()
    place(account, health, "Healthy")
    struggling = stage(health, "Struggling")
    data = {
        k: {"ACCOUNT": str(account.pk), "STAGE": str(struggling.pk)}.get(v, v)
        for k, v in data.items()
    }
    client.force_login(csm)

    response = client.post(reverse("boards:move", args=[health.key]), data)

    assert response.status_code == 400
    assert json.loads(response.content) == {"error": error}
    assert StageMove.objects.filter(account=account).count() == 1


def test_moving_needs_a_post(client, csm, health):
    client.force_login(csm)

    assert client.get(reverse("boards:move", args=[health.key])).status_code == 405


# --- query counts -------------------------------------------------------------------------


def add_cards(pipeline, count, owner, tag):
    """`count` accounts with a tag, spread over the pipeline's columns (bulk, no history)."""
    start = Account.objects.count()
    accounts = Account.objects.bulk_create(
        Account(
            name=f"Bulk {start + i}",
            external_id=f"bulk_{start + i:06d}",
            owner=owner,
            signed_up_at=MONDAY,
        )
        for i in range(count)
    )
    AccountTag.objects.bulk_create(
        AccountTag(account=a, tag=tag, added_at=MONDAY) for a in accounts
    )
    stages = list(pipeline.stages.all())
    Card.objects.bulk_create(
        Card(
            account=a,
            pipeline=pipeline,
            stage=stages[i % len(stages)],
            entered_stage_at=MONDAY + timedelta(seconds=i),
        )
        for i, a in enumerate(accounts)
    )


def query_count(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries)


def test_board_pages_query_counts_do_not_grow_with_the_cards(client, csm, health):
    owner = UserFactory(username="olga", roles=[CSM])
    tag = TagFactory(name="Bulk")
    steady = stage(health, "Steady")
    urls = {
        "index": reverse("boards:index"),
        "board": board_url(health),
        "filtered board": board_url(health, owner=owner.pk, tag=tag.pk),
        # Page 1: with 10 cards a column has no second page (an empty page skips the tag query).
        "column page": reverse("boards:stage", args=[health.key, steady.pk]) + "?page=1",
    }
    client.force_login(csm)
    for url in urls.values():
        client.get(url)  # warm per-process caches

    counts = {}
    for size in (10, 490):  # 10 cards, then 500
        add_cards(health, size, owner, tag)
        counts[size] = {name: query_count(client, url) for name, url in urls.items()}

    assert Card.objects.filter(pipeline=health).count() == 500
    assert counts[10] == counts[490]
    print(counts)  # shown with -s, when a count changes
    assert max(counts[490].values()) <= 25, counts
