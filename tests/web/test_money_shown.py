"""Money shows with its currency wherever staff read it, never as a bare number or a raw code."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.money import format_money
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [("4700.40", "USD", "$4,700"), ("12.5", "EUR", "€13"), ("1250", "CHF", "CHF\u00a01,250")],
)
def test_whole_units_round_and_keep_the_currency(amount, currency, shown):
    assert format_money(Decimal(amount), currency, whole=True) == shown


def test_the_account_list_shows_mrr_with_its_currency(client, csm):
    AccountFactory(name="Acme", owner=csm, mrr=Decimal("4700"), currency="USD")
    AccountFactory(name="Berlin GmbH", owner=csm, mrr=Decimal("1250"), currency="EUR")
    client.force_login(csm)

    page = client.get(reverse("accounts:list")).content.decode()

    assert "$4,700" in page
    assert "€1,250" in page
    assert "4,700 USD" not in page


def test_the_admin_account_list_shows_mrr_with_its_currency(client):
    AccountFactory(name="Acme", mrr=Decimal("4700"), currency="GBP")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(reverse("admin:accounts_account_changelist")).content.decode()

    assert "£4,700.00" in page
