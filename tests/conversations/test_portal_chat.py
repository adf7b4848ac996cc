"""The conversation in the portal, from the signed `links.chat` of any message."""

import pytest
from django.core import signing

from conversations.models import Message
from notifications.links import form_links

pytestmark = pytest.mark.django_db


def _path(contact) -> str:
    return form_links(contact)["chat"].removeprefix("http://127.0.0.1:8000")


def test_the_contact_writes_from_the_link_and_a_double_click_is_one_message(client, contact):
    path = _path(contact)
    page = client.get(path).content.decode()
    nonce = page.split('name="nonce" value="')[1].split('"')[0]

    for _ in range(2):
        response = client.post(path, {"body": "<i>Hello</i> from the e-mail", "nonce": nonce})
        assert response.status_code == 302

    assert list(Message.objects.values_list("body", flat=True)) == ["<i>Hello</i> from the e-mail"]
    assert "&lt;i&gt;Hello&lt;/i&gt; from the e-mail" in client.get(path).content.decode()


@pytest.mark.parametrize("body", ["", "x" * 4001])
def test_an_empty_or_oversized_message_is_refused_on_the_page(client, contact, body):
    response = client.post(_path(contact), {"body": body, "nonce": "n1"})
    assert response.status_code == 400
    assert 'data-testid="chat-error"' in response.content.decode()
    assert not Message.objects.exists()


def test_a_forged_or_foreign_link_is_refused(client, contact):
    forged = signing.dumps({"c": contact.pk, "n": "x"}, salt="portal.request")
    for token in ("garbage", forged):
        response = client.get(f"/c/chat/{token}/")
        assert response.status_code == 400
