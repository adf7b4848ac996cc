"""The Development mail page: what the development backends wrote, for admins only."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from accounts.roles import ADMIN, AFFILIATE_MANAGER, CSM, MANAGER
from notifications import mail_folder
from tests.factories import UserFactory
from tests.web.html import find_testids, text_of

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 10, 6, 11, 0, tzinfo=UTC)
LIST = reverse("devmail:list")


@pytest.fixture
def folder(settings, tmp_path):
    settings.EMAIL_BACKEND = mail_folder.EMAIL_BACKEND
    settings.SMS_BACKEND = "console"
    settings.DEV_MAIL_DIR = tmp_path / "mail"
    return settings.DEV_MAIL_DIR


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", roles=[ADMIN])


def write_email(to: str, subject: str, text: str, *, at: datetime, html: str = "") -> str:
    from django.core.mail import EmailMultiAlternatives

    email = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    if html:
        email.attach_alternative(html, "text/html")
    return mail_folder.write(channel="email", content=email.message().as_bytes(), at=at)


def write_sms(to: str, text: str, *, at: datetime) -> str:
    return mail_folder.write_sms(to=to, text=text, at=at)


def test_the_page_needs_a_login(client, folder):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [CSM, MANAGER, AFFILIATE_MANAGER])
def test_staff_without_the_admin_role_are_refused(client, folder, role):
    name = write_email("jo@example.com", "Receipt", "Thanks", at=NOW)
    client.force_login(UserFactory(roles=[role]))

    assert client.get(LIST).status_code == 403
    assert client.get(reverse("devmail:message", args=[name])).status_code == 403


def test_the_page_is_not_there_when_mail_really_leaves(client, settings, folder, admin_user):
    name = write_email("jo@example.com", "Receipt", "Thanks", at=NOW)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SMS_BACKEND = "twilio"
    client.force_login(admin_user)

    assert client.get(LIST).status_code == 404
    assert client.get(reverse("devmail:message", args=[name])).status_code == 404


def test_an_admin_sees_what_was_sent_newest_first(client, folder, admin_user):
    older = write_email("jo@example.com", "Your receipt", "Thanks for paying.", at=NOW)
    newer = write_sms("+14155550100", "Reminder: Tue 10:00", at=NOW + timedelta(minutes=5))
    client.force_login(admin_user)

    page = client.get(LIST)

    assert page.status_code == 200
    assert find_testids(page, "sent-") == [f"sent-{newer}", f"sent-{older}"]
    email_row = text_of(page, f"sent-{older}")
    assert "jo@example.com" in email_row
    assert "Your receipt" in email_row
    assert "E-mail" in email_row
    assert "11:00" in email_row
    sms_row = text_of(page, f"sent-{newer}")
    assert "+14155550100" in sms_row
    assert "SMS" in sms_row
    assert "Reminder: Tue 10:00" in sms_row
    assert str(folder) in text_of(page, "mail-folder")


def test_a_message_opens_readable_with_its_html(client, folder, admin_user):
    name = write_email(
        "jo@example.com",
        "Your receipt",
        "Thanks for paying 99.00 USD.",
        html="<p>Thanks for <b>paying</b></p>",
        at=NOW,
    )
    client.force_login(admin_user)

    listed = client.get(LIST).content.decode()
    page = client.get(reverse("devmail:message", args=[name]))

    assert f'href="{reverse("devmail:message", args=[name])}"' in listed
    assert page.status_code == 200
    assert text_of(page, "mail-subject") == "Your receipt"
    assert text_of(page, "mail-recipient") == "jo@example.com"
    assert "Thanks for paying 99.00 USD." in text_of(page, "mail-text")
    # The HTML part is shown sandboxed: the mail's own markup never runs in the page.
    body = page.content.decode()
    assert 'sandbox=""' in body
    assert "&lt;b&gt;paying&lt;/b&gt;" in body


def test_an_unknown_or_crafted_name_is_a_404(client, folder, admin_user):
    write_email("jo@example.com", "Receipt", "Thanks", at=NOW)
    client.force_login(admin_user)

    assert client.get(reverse("devmail:message", args=["nope.eml"])).status_code == 404
    assert client.get(LIST.rstrip("/") + "/..%2Fsecret.eml/").status_code == 404


def test_the_page_shows_25_messages_a_page(client, folder, admin_user):
    names = [
        write_sms(f"+1415555{i:04d}", f"SMS {i}", at=NOW + timedelta(seconds=i)) for i in range(30)
    ]
    client.force_login(admin_user)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2}, headers={"HX-Request": "true"})

    newest_first = [f"sent-{n}" for n in reversed(names)]
    assert find_testids(first, "sent-") == newest_first[:25]
    assert find_testids(second, "sent-") == newest_first[25:]
    assert "<html" not in second.content.decode()  # htmx gets the list only
    assert "Page 1 of 2" in first.content.decode()


def test_an_empty_folder_says_so(client, folder, admin_user):
    client.force_login(admin_user)

    page = client.get(LIST)

    assert page.status_code == 200
    assert "Nothing has been sent yet" in text_of(page, "mail-empty")


def test_the_admin_index_links_to_the_page_for_admins(client, settings, folder, admin_user):
    client.force_login(admin_user)

    assert LIST in client.get(reverse("admin:index")).content.decode()

    settings.SMS_BACKEND = "twilio"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert LIST not in client.get(reverse("admin:index")).content.decode()
