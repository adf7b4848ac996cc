"""Admin for pipelines: edit boards and stages; cards and moves are read-only."""

from django.contrib import admin
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from core.admin import HistoryAdmin

from .models import Card, Pipeline, Stage, StageMove


def _count(model) -> Coalesce:
    """How many `model` rows belong to the outer pipeline."""
    rows = model.objects.filter(pipeline=OuterRef("pk")).order_by()
    return Coalesce(Subquery(rows.values("pipeline").annotate(n=Count("pk")).values("n")[:1]), 0)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["name", "position", "color"]
    ordering = ["position"]


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "position", "is_active", "stage_count", "card_count"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"key": ["name"]}
    search_fields = ["name", "key"]
    inlines = [StageInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Two subqueries, not two joins: joins would multiply stages by cards.
        return (
            super()
            .get_queryset(request)
            .annotate(stage_total=_count(Stage), card_total=_count(Card))
        )

    @admin.display(description="Stages", ordering="stage_total")
    def stage_count(self, pipeline: Pipeline) -> int:
        return pipeline.stage_total

    @admin.display(description="Cards", ordering="card_total")
    def card_count(self, pipeline: Pipeline) -> int:
        return pipeline.card_total


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "pipeline", "position", "color"]
    list_filter = ["pipeline"]
    search_fields = ["name", "pipeline__name"]
    list_select_related = ["pipeline"]


@admin.register(Card)
class CardAdmin(HistoryAdmin):
    list_display = ["account", "pipeline", "stage", "entered_stage_at"]
    list_filter = ["pipeline", "stage"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account", "pipeline", "stage__pipeline"]


@admin.register(StageMove)
class StageMoveAdmin(HistoryAdmin):
    list_display = ["created_at", "account", "pipeline", "from_stage", "to_stage", "cause_display"]
    list_filter = ["pipeline", "cause_kind"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = [
        "account",
        "pipeline",
        "from_stage__pipeline",
        "to_stage__pipeline",
        "cause_user",
    ]
    date_hierarchy = "created_at"
