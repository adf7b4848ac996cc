"""The account list's filters (django-filter)."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.forms.utils import ErrorList

from .models import (
    Account,
    AccountTag,
    Happiness,
    HealthStatus,
    Lifecycle,
    Milestone,
    Plan,
    Segment,
    Tag,
)
from .people import AnyYesNo, PersonFilter, staff_people

# What a saved segment keeps of the list's query: its filters, not how it was sorted or
# which segment narrowed it (a segment within a segment could loop).
NOT_SAVED = frozenset({"sort", "segment", "page"})

# The choice for "not set" (no health assessed, no milestone reached, no NPS answer yet),
# so each segment of My day's charts has a list behind it.
NOT_SET = "none"


def _choice(choices, label: str, empty: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label=empty)


class SegmentFilter(django_filters.ModelChoiceFilter):
    """Narrow to a saved segment's members (the account list, the boards: `account_field`
    is the path to the account). A segment no longer valid says why at the field and
    lists nothing, rather than failing the page."""

    def __init__(self, *, account_field: str = "pk", **kwargs) -> None:
        self.account_field = account_field
        kwargs.setdefault("label", "Segment")
        kwargs.setdefault("empty_label", "Any segment")
        super().__init__(
            queryset=lambda request: visible_segments(getattr(request, "user", None)), **kwargs
        )

    def filter(self, qs: QuerySet, value: Segment | None) -> QuerySet:
        if value is None:
            return qs
        try:
            members = saved_filter_members(value.filters)
        except SegmentInvalid as refusal:
            # Straight onto the errors: add_error would drop the field from cleaned_data,
            # which django-filter is iterating over right now.
            errors = self.parent.form.errors.setdefault(self.field_name, ErrorList())
            errors.append(f"Segment “{value.name}” no longer applies: {refusal.message}")
            return qs.none()
        return qs.filter(**{f"{self.account_field}__in": members.values("pk")})


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
        queryset=Tag.objects.all(), method="filter_tag", label="Tag", empty_label="Any tag"
    )
    inactive = django_filters.BooleanFilter(
        method="filter_inactive", label="Inactive", widget=AnyYesNo()
    )
    payment_failed = django_filters.BooleanFilter(
        method="filter_payment_failed", label="Payment failed", widget=AnyYesNo()
    )
    open_risk = django_filters.BooleanFilter(
        method="filter_open_risk", label="Has open risk signal", widget=AnyYesNo()
    )
    score_min = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", label="Score from"
    )
    score_max = django_filters.NumberFilter(field_name="score", lookup_expr="lte", label="Score to")
    segment = SegmentFilter()

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
            ("last_touch_at", "last_touch"),
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

    def filter_tag(self, queryset: QuerySet, name: str, value: Tag | None) -> QuerySet:
        """EXISTS on the (tag, account) index rather than a join and DISTINCT: a segment's
        count over 100k accounts stays one index probe per account."""
        if value is None:
            return queryset
        return queryset.filter(Exists(AccountTag.objects.filter(account=OuterRef("pk"), tag=value)))

    def filter_choice_or_not_set(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{name: "" if value == NOT_SET else value})

    def filter_inactive(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        """By the Inactive tag, as the User Login Activity board and playbook d1 set it
        (the inactivity sweep, a drop on the board), so list, tags and board agree."""
        return _tagged(queryset, "Inactive", value)

    def filter_payment_failed(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return _tagged(queryset, "Payment Failed", value)

    def filter_open_risk(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return _open_risk(queryset, value)


def _open_risk(queryset: QuerySet, value: bool | None) -> QuerySet:
    """Accounts with (True) or without (False) a live risk signal in the work queue.

    Read through the reverse relation's name (`work_signals`), so accounts does not
    import the work queue app that sits above it.
    """
    if value is None:
        return queryset
    risky = Q(
        pk__in=Account.objects.filter(
            work_signals__kind="risk", work_signals__status__in=["open", "snoozed"]
        ).values("pk")
    )
    return queryset.filter(risky) if value else queryset.exclude(risky)


class SegmentInvalid(Exception):
    """A segment's saved filters cannot be applied (a tag deleted, a field unknown)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def visible_segments(user) -> QuerySet[Segment]:
    """The segments `user` may see and use: shared ones and their own (shared only for
    nobody, as the API)."""
    if user is None or not user.is_authenticated:
        return Segment.objects.filter(is_shared=True)
    return Segment.objects.filter(Q(is_shared=True) | Q(owner=user))


def saved_filter_members(filters: dict[str, str], queryset: QuerySet | None = None) -> QuerySet:
    """The accounts that `filters` (a segment's saved list filters) select, live.

    Raises SegmentInvalid, with what is wrong in words, for filters that no longer apply:
    the same check a segment passes when it is saved (`check_saved_filters`).
    """
    check_saved_filters(filters)
    base = Account.objects.all() if queryset is None else queryset
    return AccountFilter(filters, queryset=base).qs


def check_saved_filters(filters: object) -> None:
    """Refuse a filter set that cannot be saved or applied, saying which filter and why."""
    if not isinstance(filters, dict):
        raise SegmentInvalid("its filters are not a set of name → value.")
    known = set(AccountFilter.base_filters) - NOT_SAVED
    if unknown := sorted(set(filters) - known):
        raise SegmentInvalid(
            f"unknown filter {', '.join(map(repr, unknown))}; "
            f"the account list filters by {', '.join(sorted(known))}."
        )
    if not all(isinstance(value, str) for value in filters.values()):
        raise SegmentInvalid("each filter's value is text.")
    form = AccountFilter(filters, queryset=Account.objects.none()).form
    if form.is_valid():
        return
    problems = []
    for field, errors in form.errors.items():
        if field == "tag":
            problems.append(f"the tag it filters by (#{filters['tag']}) no longer exists")
        elif field == "owner":
            problems.append(f"the owner it filters by (#{filters['owner']}) is no longer staff")
        else:
            label = AccountFilter.base_filters[field].label or field
            problems.append(f"{label}: {' '.join(errors)}")
    raise SegmentInvalid("; ".join(problems) + ".")


def saved_filters_of(query) -> dict[str, str]:
    """What a segment saves of the list's query (a QueryDict): its non-empty filters."""
    known = set(AccountFilter.base_filters) - NOT_SAVED
    return {
        name: query.get(name).strip() for name in sorted(known) if (query.get(name) or "").strip()
    }


def _tagged(queryset: QuerySet, tag: str, value: bool | None) -> QuerySet:
    """Accounts with (True) or without (False) `tag`; every account for None."""
    if value is None:
        return queryset
    tagged = Q(pk__in=Account.objects.filter(tags__name=tag).values("pk"))
    return queryset.filter(tagged) if value else queryset.exclude(tagged)
