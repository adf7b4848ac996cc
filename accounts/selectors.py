"""Reusable reads of accounts."""

from django.db.models import Count, Q, QuerySet, Sum

from .models import Account, Lifecycle


def portfolio_summary(accounts: QuerySet[Account] | None = None) -> dict:
    """Headline numbers for a set of accounts (all by default), in one query."""
    accounts = Account.objects.all() if accounts is None else accounts
    return accounts.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(lifecycle=Lifecycle.ACTIVE)),
        churned=Count("id", filter=Q(lifecycle=Lifecycle.CHURNED)),
        mrr=Sum("mrr", filter=Q(lifecycle=Lifecycle.ACTIVE), default=0),
    )


def accounts_for_list() -> QuerySet[Account]:
    """Accounts with what a list row shows, joined (no query per row)."""
    return Account.objects.select_related("owner").prefetch_related("tags")
