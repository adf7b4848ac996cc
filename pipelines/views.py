"""Staff pages for pipelines: the list of boards, one kanban board, its columns' pages
and the drag-and-drop move.

A board never loads every card: one aggregate query counts each column, then one
query per column fetches its newest page (stages are few, cards are many).
"""

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.db.models.query import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from accounts.filters import SegmentFilter
from accounts.models import Account, HealthStatus, Tag
from accounts.people import PersonFilter, staff_people
from core.causes import Cause

from .models import Card, Pipeline, Stage
from .services import move_card_by_hand

COLUMN_PAGE_SIZE = 30
# What a card shows (pipelines/_cards.html): a page reads these columns, not whole rows.
CARD_FIELDS = [
    "entered_stage_at",
    "stage",
    "account__name",
    "account__health_status",
    "account__mrr",
    "account__currency",
    "account__score",
    "account__owner__username",
    "account__owner__first_name",
    "account__owner__last_name",
]
# Past any real column (3M cards); a larger page number would overflow the database's OFFSET.
MAX_COLUMN_PAGE = 100_000


class CardFilter(django_filters.FilterSet):
    """The board's filters, applied to every column (and to its counts)."""

    owner = PersonFilter(
        field_name="account__owner",
        label="Owner",
        queryset=staff_people(),
        empty_label="Any owner",
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="account__tags", queryset=Tag.objects.all(), label="Tag", empty_label="Any tag"
    )
    segment = SegmentFilter(account_field="account")

    # The computed health (health.AccountHealth, by its relation name).
    health_band = django_filters.ChoiceFilter(
        field_name="account__health__band",
        choices=HealthStatus.choices,
        label="Computed health",
        empty_label="Any computed health",
    )

    class Meta:
        model = Card
        fields: list[str] = []


class MoveCardForm(forms.Form):
    """What a drop sends: whose card, and into which column."""

    account = forms.IntegerField(min_value=1)
    stage = forms.IntegerField(min_value=1)


def _cards_page(cards: QuerySet[Card], stage: Stage, page: int) -> tuple[list[Card], bool]:
    """One column's page, newest in stage first, and whether another page follows.

    Reads one row past the page instead of counting, so a page costs one query. Filtered
    by stage alone (a stage belongs to one pipeline), so the planner walks the
    (stage, -entered_stage_at, -id) index and stops after the page, whatever its statistics.
    """
    start = (page - 1) * COLUMN_PAGE_SIZE
    rows = list(
        cards.filter(stage=stage)
        .select_related("account__owner")
        .only(*CARD_FIELDS)
        .order_by("-entered_stage_at", "-id")[start : start + COLUMN_PAGE_SIZE + 1]
    )
    return rows[:COLUMN_PAGE_SIZE], len(rows) > COLUMN_PAGE_SIZE


def _prefetch_tags(cards: list[Card]) -> None:
    """The tags of every card's account in one query, as a plain list (`account.tag_list`).

    A list rather than the prefetched manager: a board renders 120 cards, and building a
    related manager and a queryset per card (twice) cost more than the query itself.
    """
    prefetch_related_objects(cards, Prefetch("account__tags", to_attr="tag_list"))


def _page_number(request: HttpRequest) -> int:
    """The requested column page, 1 for anything unreadable, never past MAX_COLUMN_PAGE."""
    try:
        return min(max(int(request.GET.get("page", 1)), 1), MAX_COLUMN_PAGE)
    except ValueError:
        return 1


def _filter_query(request: HttpRequest) -> str:
    """The querystring of the active filters, carried by every "Load more" link."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@permission_required("pipelines.view_card", raise_exception=True)
def board_index(request: HttpRequest) -> HttpResponse:
    """Every active pipeline with its stages and their card counts (one aggregate query)."""
    stages = Stage.objects.select_related(None).annotate(card_count=Count("cards"))
    pipelines = Pipeline.objects.filter(is_active=True).prefetch_related(
        Prefetch("stages", queryset=stages.order_by("position", "id"))
    )
    return render(request, "pipelines/board_index.html", {"pipelines": pipelines})


@login_required
@permission_required("pipelines.view_card", raise_exception=True)
def board_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One board: its columns in order, each with its count and first page of cards."""
    pipeline = get_object_or_404(Pipeline, key=key)
    filters = CardFilter(request.GET, queryset=Card.objects.all(), request=request)
    cards = filters.qs
    # COUNT(*), not COUNT(id): the (pipeline, stage) index alone can answer it.
    counts = dict(
        cards.filter(pipeline=pipeline).order_by().values_list("stage").annotate(n=Count("*"))
    )
    columns = []
    for stage in pipeline.stages.select_related(None).order_by("position", "id"):
        page, has_more = _cards_page(cards, stage, 1)
        columns.append(
            {
                "stage": stage,
                "count": counts.get(stage.pk, 0),
                "cards": page,
                "has_more": has_more,
                "next_page": 2,
            }
        )
    # One query for the tags of every card on the board, not one per column.
    _prefetch_tags([card for column in columns for card in column["cards"]])
    context = {
        "pipeline": pipeline,
        "filters": filters,
        "columns": columns,
        "query": _filter_query(request),
        "can_move": request.user.has_perm("pipelines.change_card"),
    }
    template = "pipelines/_board.html" if request.htmx else "pipelines/board.html"
    return render(request, template, context)


@login_required
@permission_required("pipelines.view_card", raise_exception=True)
def stage_cards(request: HttpRequest, key: str, stage_id: int) -> HttpResponse:
    """The next page of one column ("Load more"), as the fragment the board includes."""
    stage = get_object_or_404(Stage, pk=stage_id, pipeline__key=key)
    filters = CardFilter(request.GET, queryset=Card.objects.all(), request=request)
    page_number = _page_number(request)
    cards, has_more = _cards_page(filters.qs, stage, page_number)
    _prefetch_tags(cards)
    context = {
        "pipeline": stage.pipeline,
        "column": {
            "stage": stage,
            "cards": cards,
            "has_more": has_more,
            "next_page": page_number + 1,
        },
        "query": _filter_query(request),
    }
    return render(request, "pipelines/_cards.html", context)


@login_required
@permission_required("pipelines.change_card", raise_exception=True)
@require_POST
def move(request: HttpRequest, key: str) -> JsonResponse:
    """A card dropped on another column: move it there (the workflows follow)."""
    pipeline = get_object_or_404(Pipeline, key=key)
    form = MoveCardForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "Send the account id and the stage id."}, status=400)
    account = Account.objects.filter(pk=form.cleaned_data["account"]).first()
    stage = Stage.objects.filter(pk=form.cleaned_data["stage"]).first()
    if account is None or stage is None:
        return JsonResponse({"error": "That account or stage no longer exists."}, status=400)
    cause = Cause.by_user(request.user, "dragged on the board")
    try:
        moved = move_card_by_hand(
            account=account,
            pipeline=pipeline,
            stage=stage,
            user=request.user,
            cause=cause,
            note="kanban board",
        )
    except PermissionDenied as refusal:
        return JsonResponse({"error": str(refusal)}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"moved": moved, "account": account.pk, "stage": stage.pk})
