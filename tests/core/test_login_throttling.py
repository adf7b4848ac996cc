"""Login throttling (django-axes): repeated wrong passwords lock a username, an admin lifts it.

The test settings switch axes off for the rest of the suite (Django's `client.login()` calls
`authenticate()` without a request, which axes refuses); these tests switch it back on.
"""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import ADMIN
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # UserFactory's


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True


def _log_in(client, url: str, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _fail_until_locked(client, url: str, username: str, settings) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # From a different address each time: behind a proxy (or a botnet) addresses say
        # nothing, so the count is per username.
        _log_in(client, url, username, "wrong", ip=f"198.51.100.{attempt + 1}")


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_the_right_password_is_refused_after_too_many_wrong_ones(client, settings, url_name):
    UserFactory(username="carol")
    url = reverse(url_name)
    _fail_until_locked(client, url, "carol", settings)

    response = _log_in(client, url, "carol", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed log-ins for this username" in page
    assert "an administrator can unlock it" in page
    assert not _logged_in(client)


def test_fewer_wrong_passwords_than_the_limit_do_not_lock(client, settings):
    UserFactory(username="carol")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(client, reverse("login"), "carol", "wrong")

    response = _log_in(client, reverse("login"), "carol", PASSWORD)

    assert response.status_code == 302
    assert _logged_in(client)


def test_a_locked_username_does_not_lock_out_a_colleague_on_the_same_address(client, settings):
    UserFactory(username="carol")
    UserFactory(username="dave")
    _fail_until_locked(client, reverse("login"), "carol", settings)

    response = _log_in(client, reverse("login"), "dave", PASSWORD)

    assert response.status_code == 302


def test_an_admin_lifts_the_lockout_in_the_admin_and_the_user_logs_in(client, settings):
    UserFactory(username="carol")
    admin_user = UserFactory(username="root-admin", roles=[ADMIN])
    _fail_until_locked(client, reverse("login"), "carol", settings)
    # One row per address it came from; the admin selects the username's rows.
    attempts = list(AccessAttempt.objects.filter(username="carol").values_list("pk", flat=True))

    client.force_login(admin_user)
    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    client.logout()
    response = _log_in(client, reverse("login"), "carol", PASSWORD)

    assert response.status_code == 302
    assert _logged_in(client)


def test_axes_reset_username_lifts_a_lockout_from_the_command_line(client, settings):
    UserFactory(username="carol")
    _fail_until_locked(client, reverse("login"), "carol", settings)

    call_command("axes_reset_username", "carol")

    assert _log_in(client, reverse("login"), "carol", PASSWORD).status_code == 302


def test_the_lockout_ends_by_itself_after_the_cool_off(client, settings):
    UserFactory(username="carol")
    _fail_until_locked(client, reverse("login"), "carol", settings)

    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    with time_machine.travel(later):
        response = _log_in(client, reverse("login"), "carol", PASSWORD)

    assert response.status_code == 302


def test_throttling_is_on_in_the_real_settings():
    from csm import settings as real

    assert real.AXES_ENABLED
    assert real.AXES_FAILURE_LIMIT >= 3
    assert real.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert "axes.middleware.AxesMiddleware" in real.MIDDLEWARE
    assert real.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_by_username_and_address_the_address_is_read_from_the_configured_proxy_header(
    client, settings
):
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    UserFactory(username="carol")
    proxy = "10.0.0.2"  # every request arrives from the proxy
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "carol", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )

    from_elsewhere = client.post(
        reverse("login"),
        {"username": "carol", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )

    assert from_elsewhere.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}
