"""The account list's filters (django-filter)."""

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet

from .models import Account, Happiness, HealthStatus, Lifecycle, Milestone, Plan, Tag
from .people import AnyYesNo, PersonFilter, staff_people


def _choice(choices, label: str, empty: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label=empty)


class UnscoredLast(django_filters.OrderingFilter):
    """Sorting by the computed health score puts accounts not scored yet last, both ways
    (databases disagree on where NULL goes)."""

    def get_ordering_value(self, param: str):
        value = super().get_ordering_value(param)
        if value.lstrip("-") == "health__score":
            field = F("health__score")
            return (
                field.desc(nulls_last=True) if value.startswith("-") else field.asc(nulls_last=True)
            )
        return value


class AccountFilter(django_filters.FilterSet):
    """Every filter has a human label and a human "any" choice, never "---------"."""

    q = django_filters.CharFilter(method="search", label="Search")
    owner = PersonFilter(queryset=staff_people(), label="Owner", empty_label="Any owner")
    health_status = _choice(HealthStatus.choices, "Health", "Any health")
    happiness = _choice(Happiness.choices, "Happiness", "Any happiness")
    milestone = _choice(Milestone.choices, "Milestone", "Any milestone")
    plan = _choice(Plan.choices, "Plan", "Any plan")
    lifecycle = _choice(Lifecycle.choices, "Lifecycle", "Active or churned")
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(), field_name="tags", label="Tag", empty_label="Any tag"
    )
    inactive = django_filters.BooleanFilter(
        method="filter_inactive", label="Inactive", widget=AnyYesNo()
    )
    payment_failed = django_filters.BooleanFilter(
        method="filter_payment_failed", label="Payment failed", widget=AnyYesNo()
    )
    score_min = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", label="Score from"
    )
    score_max = django_filters.NumberFilter(field_name="score", lookup_expr="lte", label="Score to")
    # The computed health score (the health app's AccountHealth, reached by its relation name).
    health_band = django_filters.ChoiceFilter(
        field_name="health__band",
        choices=HealthStatus.choices,
        label="Computed health",
        empty_label="Any computed health",
    )
    health_min = django_filters.NumberFilter(
        field_name="health__score", lookup_expr="gte", label="Health score from"
    )
    health_max = django_filters.NumberFilter(
        field_name="health__score", lookup_expr="lte", label="Health score to"
    )
    # Set by the column headers (core.sorting), not a form field a person picks.
    sort = UnscoredLast(
        fields=(
            ("name", "name"),
            ("score", "score"),
            ("health__score", "health_score"),
            ("mrr", "mrr"),
            ("last_login_at", "last_login"),
            ("signed_up_at", "signed_up"),
        ),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Account
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value)
            | Q(external_id__iexact=value)
            | Q(pk__in=Account.objects.filter(contacts__email__iexact=value).values("pk"))
        )

    def filter_inactive(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        """By the Inactive tag, as the User Login Activity board and playbook d1 set it
        (the inactivity sweep, a drop on the board), so list, tags and board agree."""
        return _tagged(queryset, "Inactive", value)

    def filter_payment_failed(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return _tagged(queryset, "Payment Failed", value)


def _tagged(queryset: QuerySet, tag: str, value: bool | None) -> QuerySet:
    """Accounts with (True) or without (False) `tag`; every account for None."""
    if value is None:
        return queryset
    tagged = Q(pk__in=Account.objects.filter(tags__name=tag).values("pk"))
    return queryset.filter(tagged) if value else queryset.exclude(tagged)
