import pytest

from notifications.links import form_links
from tests.factories import ContactFactory


@pytest.fixture
def contact(account):
    return ContactFactory(account=account, name="Jordan Rivera", email="jordan@acme.example")


@pytest.fixture
def links(contact):
    """Paths of the contact's form links, as a message would carry them."""
    return {form: url.split("127.0.0.1:8000", 1)[1] for form, url in form_links(contact).items()}
