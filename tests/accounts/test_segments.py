"""Saved segments: saved from the account list, refused when a filter cannot apply, and
usable on the list, the boards and the API; a segment broken later says so, never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import HealthStatus, Plan, Segment, Tag
from accounts.selectors import segment_count, segments_with_counts
from accounts.services import add_tag, change_health_status, save_segment
from api.tokens import create_token
from core.causes import Cause
from pipelines.models import Pipeline
from pipelines.selectors import stage_named
from pipelines.services import move_card
from tests.api.conftest import ApiClient
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
BY_HAND = Cause.by_system("test set-up")


@pytest.fixture
def book(csm):
    """Two pro accounts tagged VIP (one struggling), one free account also tagged VIP."""
    vip = Tag.objects.create(name="VIP")
    accounts = {
        "Acme": AccountFactory(name="Acme", plan=Plan.PRO, owner=csm),
        "Globex": AccountFactory(name="Globex", plan=Plan.PRO),
        "Initech": AccountFactory(name="Initech", plan=Plan.FREE),
    }
    for account in accounts.values():
        add_tag(account=account, tag="VIP", cause=BY_HAND)
    change_health_status(
        account=accounts["Globex"], status=HealthStatus.STRUGGLING, note="", cause=BY_HAND
    )
    return {"vip": vip, **accounts}


@pytest.fixture
def api(client):
    _, secret = create_token(name="Production app")
    return ApiClient(client, secret)


def pro_vips(owner, book, *, shared=True) -> Segment:
    return save_segment(
        name="Pro VIPs",
        filters={"plan": Plan.PRO, "tag": str(book["vip"].pk)},
        owner=owner,
        is_shared=shared,
    )


def listed(client, **params) -> list[str]:
    response = client.get(reverse("accounts:list"), params)
    assert response.status_code == 200
    return [account.name for account in response.context["page"]]


def test_saving_from_the_list_keeps_its_filters_and_opens_the_list_narrowed_to_it(
    client, csm, book
):
    client.force_login(csm)
    query = f"plan=pro&tag={book['vip'].pk}&sort=-score&page=2"
    response = client.post(reverse("accounts:segment-save"), {"name": "Pro VIPs", "query": query})
    segment = Segment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:list')}?segment={segment.pk}"
    assert segment.filters == {"plan": "pro", "tag": str(book["vip"].pk)}  # not sort or page
    assert (segment.slug, segment.owner, segment.is_shared) == ("pro-vips", csm, False)
    assert listed(client, segment=segment.pk) == ["Acme", "Globex"]
    # Live: a third pro VIP joins without saving anything again.
    book["Initech"].plan = Plan.PRO
    book["Initech"].save()
    assert listed(client, segment=segment.pk) == ["Acme", "Globex", "Initech"]
    assert segment_count(segment) == 3


def test_a_filter_on_a_deleted_tag_or_an_unknown_field_is_refused_at_save(client, csm, book):
    client.force_login(csm)
    gone = Tag.objects.create(name="Gone")
    gone_pk = gone.pk
    gone.delete()
    response = client.post(
        reverse("accounts:segment-save"), {"name": "Ghosts", "query": f"tag={gone_pk}"}
    )
    assert response.status_code == 400
    assert f"the tag it filters by (#{gone_pk}) no longer exists" in response.content.decode()
    with pytest.raises(Exception, match="unknown filter 'colour'"):
        save_segment(name="Odd", filters={"colour": "red"}, owner=csm, is_shared=False)
    with pytest.raises(Exception, match="Give the segment a name"):
        save_segment(name="  ", filters={}, owner=csm, is_shared=False)
    assert not Segment.objects.exists()


def test_a_segment_whose_tag_was_deleted_later_says_so_everywhere_without_an_error_page(
    client, csm, manager, book, api
):
    retired = Tag.objects.create(name="Retired")  # never on an account: it can be deleted
    segment = save_segment(
        name="Retired", filters={"tag": str(retired.pk)}, owner=manager, is_shared=True
    )
    retired.delete()
    client.force_login(csm)
    response = client.get(reverse("accounts:list"), {"segment": segment.pk})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "no longer applies: the tag it filters by" in response.content.decode()
    page = client.get(reverse("accounts:segments"))
    assert page.status_code == 200
    assert "No longer valid: the tag it filters by" in page.content.decode()
    board = client.get(reverse("boards:board", args=["health"]), {"segment": segment.pk})
    assert board.status_code == 200
    assert "no longer applies" in board.content.decode()
    answer = api.get("/api/v1/accounts", {"segment": segment.slug})
    assert answer.status_code == 422
    assert "no longer applies: the tag it filters by" in answer.json()["detail"]


def test_private_segments_are_their_owners_and_shared_ones_everyones(client, csm, manager, book):
    mine = pro_vips(csm, book, shared=False)
    client.force_login(manager)
    response = client.get(reverse("accounts:list"), {"segment": mine.pk})
    assert "segment" in response.context["filters"].form.errors  # not a choice for them
    assert mine.name not in client.get(reverse("accounts:segments")).content.decode()
    client.force_login(csm)
    assert mine.name in client.get(reverse("accounts:segments")).content.decode()


def test_the_board_shows_only_the_segments_cards(client, manager, book):
    segment = pro_vips(manager, book)
    health = Pipeline.objects.get(key="health")
    for account in (book["Acme"], book["Initech"]):
        move_card(
            account=account,
            pipeline=health,
            stage=stage_named(pipeline="health", stage="Healthy"),
            cause=BY_HAND,
        )
    client.force_login(manager)
    response = client.get(reverse("boards:board", args=["health"]), {"segment": segment.pk})
    cards = [
        card.account.name for column in response.context["columns"] for card in column["cards"]
    ]
    assert sorted(cards) == ["Acme", "Globex"]  # Initech is free; Globex is Struggling


def test_the_api_lists_a_shared_segment_by_id_or_slug_and_refuses_others(
    client, csm, manager, book, api
):
    shared = pro_vips(manager, book)
    private = save_segment(name="Mine", filters={}, owner=csm, is_shared=False)
    for reference in (shared.pk, shared.slug):
        response = api.get("/api/v1/accounts", {"segment": reference})
        assert response.status_code == 200
        assert sorted(a["name"] for a in response.json()) == ["Acme", "Globex"]
        assert response["X-Total-Count"] == "2"
    for reference in (private.slug, "nope", "9" * 30):
        response = api.get("/api/v1/accounts", {"segment": reference})
        assert response.status_code == 404
        assert "No shared segment" in response.json()["detail"]


def test_the_openapi_schema_documents_the_segment_parameter(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/accounts"]["get"]["parameters"]
    segment = next(p for p in parameters if p["name"] == "segment")
    assert "shared segment's id or slug" in segment["description"]


def test_the_segments_page_counts_every_segment_in_the_same_queries_at_two_sizes(
    client, manager, book
):
    client.force_login(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accounts:segments")).status_code == 200
        return len(captured)

    pro_vips(manager, book)
    few = queries()
    for number in range(5):
        save_segment(
            name=f"Plan {number}", filters={"plan": Plan.PRO}, owner=manager, is_shared=True
        )
    assert queries() == few
    rows = segments_with_counts(Segment.objects.all())
    assert [(segment.name, count) for segment, count, _ in rows][:2] == [
        ("Plan 0", 2),
        ("Plan 1", 2),
    ]
