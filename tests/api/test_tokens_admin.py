"""The admin for API tokens: a token is shown once, stored as a hash, revoked by an action."""

import hashlib
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.roles import CSM
from api.models import ApiToken
from tests.api.conftest import ApiClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"ocsm_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def admin_client(client, superuser) -> Client:
    client.force_login(superuser)
    return client


def create_in_admin(admin_client: Client, name: str = "Production app") -> tuple[str, object]:
    """Add a token through the admin form; the secret and the page it was shown on."""
    page = admin_client.post(reverse("admin:api_apitoken_add"), {"name": name}, follow=True)
    assert page.status_code == 200
    shown = [str(message) for message in page.context["messages"]]
    secrets = [found for text in shown for found in SECRET.findall(text)]
    assert len(secrets) == 1, shown
    return secrets[0], page


def api_status(secret: str) -> int:
    return ApiClient(Client(), secret).get("/api/v1/accounts").status_code


def test_a_new_token_is_shown_once_in_the_success_message(admin_client, superuser):
    secret, page = create_in_admin(admin_client)

    assert "copy it now" in page.content.decode()
    token = ApiToken.objects.get()
    assert (token.name, token.created_by, token.prefix) == (
        "Production app",
        superuser,
        secret[:12],
    )
    changelist = admin_client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    change = admin_client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert secret not in changelist
    assert secret not in change.content.decode()


def test_only_the_hash_of_the_secret_is_stored(admin_client):
    secret, _ = create_in_admin(admin_client)

    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert [value for value in stored if secret in value] == []
    sessions = [str(session.get_decoded()) for session in Session.objects.all()]
    assert [data for data in sessions if secret in data] == []


def test_the_token_made_in_the_admin_works_for_the_api(admin_client):
    secret, _ = create_in_admin(admin_client)

    assert api_status(secret) == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_the_revoke_action_makes_the_token_401(admin_client):
    secret, _ = create_in_admin(admin_client)
    token = ApiToken.objects.get()

    page = admin_client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )

    assert [str(message) for message in page.context["messages"]] == ["1 token(s) revoked."]
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_status(secret) == 401


def test_revoking_a_revoked_token_again_counts_none(admin_client):
    create_in_admin(admin_client)
    token = ApiToken.objects.get()
    revoke = {"action": "revoke", "_selected_action": [token.pk]}
    admin_client.post(reverse("admin:api_apitoken_changelist"), revoke, follow=True)

    page = admin_client.post(reverse("admin:api_apitoken_changelist"), revoke, follow=True)

    assert [str(message) for message in page.context["messages"]] == ["0 token(s) revoked."]


def test_renaming_a_token_keeps_its_secret_working(admin_client):
    secret, _ = create_in_admin(admin_client)
    token = ApiToken.objects.get()

    admin_client.post(reverse("admin:api_apitoken_change", args=[token.pk]), {"name": "Renamed"})

    token.refresh_from_db()
    assert token.name == "Renamed"
    assert api_status(secret) == 200


def test_a_csm_cannot_open_the_token_admin(client):
    client.force_login(UserFactory(username="carl", roles=[CSM]))

    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    assert client.post(reverse("admin:api_apitoken_add"), {"name": "Mine"}).status_code == 403
    assert not ApiToken.objects.exists()
