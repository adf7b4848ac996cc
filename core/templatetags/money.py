"""`{{ amount|money:currency }}`: the one way templates show an amount (core.money)."""

from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(amount: object, currency: str | None = "") -> str:
    """`amount` formatted in `currency`, e.g. `{{ account.mrr|money:account.currency }}`."""
    return format_money(amount, currency)
