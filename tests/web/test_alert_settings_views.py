"""The Alert settings page: each staff member chooses how each kind of alert reaches them."""

import pytest

from accounts.models import StaffProfile
from notifications.models import AlertPreference

pytestmark = pytest.mark.django_db

URL = "/inbox/settings/"


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_page_names_each_kind_in_plain_words_with_escalations_always_at_once(client, csm):
    client.force_login(csm)
    html = client.get(URL).content.decode()

    assert "Feature not used" in html
    assert "Unless you choose: daily digest (08:00)" in html
    assert "c2-feature-unused-alert</label>" not in html  # the key is never a label
    assert "Not Happy escalation" in html
    assert "Always at once" in html
    assert 'name="b2-not-happy-escalation"' not in html  # not a choice


def test_saving_keeps_only_choices_that_differ_from_the_default(client, csm):
    client.force_login(csm)

    response = client.post(
        URL,
        {"c2-feature-unused-alert": "off", "a1-new-account": "immediate", "timezone": "Asia/Tokyo"},
    )

    assert response.status_code == 302
    assert list(AlertPreference.objects.filter(user=csm).values_list("kind", "delivery")) == [
        ("c2-feature-unused-alert", "off")
    ]
    assert StaffProfile.objects.get(user=csm).timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    "bad", [{"c2-feature-unused-alert": "weekly"}, {"timezone": "Mars/Olympus"}]
)
def test_a_choice_not_offered_is_a_400_with_the_form(client, csm, bad):
    client.force_login(csm)

    response = client.post(URL, bad)

    assert response.status_code == 400
    assert "Please correct the choices marked below." in response.content.decode()
    assert not AlertPreference.objects.exists()


def test_an_admin_sets_whom_a_user_reports_to_on_the_users_admin_page(client, csm, manager):
    from tests.factories import UserFactory

    admin = UserFactory(username="ada", is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/admin/auth/user/{csm.pk}/change/").content.decode()
    assert "Reports to" in page
