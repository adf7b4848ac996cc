"""Fixtures for surveys: a primary contact, a survey sent to them, and its link's path."""

import pytest

from core.causes import Cause
from surveys.links import survey_url
from surveys.models import Survey
from surveys.sending import send_survey
from tests.factories import ContactFactory

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def contact(account):
    return ContactFactory(
        account=account, name="Jordan Rivera", email="jordan@acme.example", is_primary=True
    )


def path_of(url: str) -> str:
    return url.removeprefix(SITE)


@pytest.fixture
def send(deliver, account, contact):
    """`send("nps")`: the survey sent to the contact (as a playbook would); returns the send."""

    def send(key: str, cause_key: str = "test:1", template: str = "survey-invitation"):
        sent = deliver(
            lambda: send_survey(
                survey=Survey.objects.get(key=key),
                account=account,
                contact=contact,
                cause=Cause.by_system("test"),
                cause_key=cause_key,
                template_key=template,
            )
        )
        return sent.send

    return send


@pytest.fixture
def link():
    """The path of a send's answer page."""
    return lambda sent: path_of(survey_url(sent))
