"""The account list's filters (django-filter)."""

from datetime import timedelta

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from core import clock

from .models import Account, Happiness, HealthStatus, Lifecycle, Milestone, Plan, Tag

INACTIVE_AFTER_DAYS = 7


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_staff=True).order_by("first_name", "username")
    )
    health_status = django_filters.ChoiceFilter(choices=HealthStatus.choices, label="Health")
    happiness = django_filters.ChoiceFilter(choices=Happiness.choices)
    milestone = django_filters.ChoiceFilter(choices=Milestone.choices)
    plan = django_filters.ChoiceFilter(choices=Plan.choices)
    lifecycle = django_filters.ChoiceFilter(choices=Lifecycle.choices)
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(), field_name="tags", label="Tag"
    )
    inactive = django_filters.BooleanFilter(method="filter_inactive", label="Inactive (7+ days)")
    payment_failed = django_filters.BooleanFilter(method="filter_payment_failed")
    score_min = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    score_max = django_filters.NumberFilter(field_name="score", lookup_expr="lte")
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("score", "score"),
            ("mrr", "mrr"),
            ("last_login_at", "last_login"),
            ("signed_up_at", "signed_up"),
        )
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
        if value is None:
            return queryset
        cutoff = clock.now() - timedelta(days=INACTIVE_AFTER_DAYS)
        stale = Q(last_login_at__lt=cutoff) | Q(last_login_at__isnull=True)
        return queryset.filter(stale) if value else queryset.exclude(stale)

    def filter_payment_failed(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        failed = Q(pk__in=Account.objects.filter(tags__name="Payment Failed").values("pk"))
        return queryset.filter(failed) if value else queryset.exclude(failed)
