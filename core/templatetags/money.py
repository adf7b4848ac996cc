"""`{{ amount|money:currency }}`: the one way templates show an amount (core.money).

`{{ amount|money_whole:currency }}` shows it in whole units ("$4,700"), for
cards and columns where cents are noise.
"""

from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(amount: object, currency: str | None = "") -> str:
    """`amount` formatted in `currency`, e.g. `{{ account.mrr|money:account.currency }}`."""
    return format_money(amount, currency)


@register.filter
def money_whole(amount: object, currency: str | None = "") -> str:
    """`amount` in whole units of `currency` ("$4,700"): cards, columns and totals."""
    return format_money(amount, currency, whole=True)
