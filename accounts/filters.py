"""The account list's filters (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from .models import Account, Happiness, HealthStatus, Lifecycle, Milestone, Plan, Tag
from .people import AnyYesNo, PersonFilter, staff_people

# The choice for "not set" (no health assessed, no milestone reached, no NPS answer yet),
# so each segment of My day's charts has a list behind it.
NOT_SET = "none"


def _choice(choices, label: str, empty: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label=empty)


def _choice_or_not_set(
    choices, label: str, empty: str, not_set: str
) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        choices=[*choices, (NOT_SET, not_set)],
        label=label,
        empty_label=empty,
        method="filter_choice_or_not_set",
    )


class AccountFilter(django_filters.FilterSet):
    """Every filter has a human label and a human "any" choice, never "---------"."""

    q = django_filters.CharFilter(method="search", label="Search")
    owner = PersonFilter(queryset=staff_people(), label="Owner", empty_label="Any owner")
    health_status = _choice_or_not_set(HealthStatus.choices, "Health", "Any health", "Not assessed")
    happiness = _choice_or_not_set(Happiness.choices, "Happiness", "Any happiness", "No answer yet")
    milestone = _choice_or_not_set(Milestone.choices, "Milestone", "Any milestone", "None yet")
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
    # Set by the column headers (core.sorting), not a form field a person picks.
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("score", "score"),
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

    def filter_choice_or_not_set(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{name: "" if value == NOT_SET else value})

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
