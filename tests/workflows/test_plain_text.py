"""Plain text stays plain: names with `'`, `&` or `<` read as typed everywhere but HTML."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction

from accounts.models import Plan
from accounts.services import sign_up_account, upsert_contact
from activity.models import TaskPriority, TaskSource
from activity.services.features import record_feature_session
from activity.services.tasks import create_task
from core.causes import Cause
from notifications.models import Alert, MessageTemplate
from notifications.templating import build_context, render
from tests.factories import AccountFactory, FeatureFactory
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import emails_to, inbox, tag_names

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def test_a_sign_up_alert_shows_the_company_name_as_typed(deliver, csm, by_api):
    def sign_up():
        with transaction.atomic():
            account, _ = sign_up_account(
                external_id="acct_obrien",
                name="O'Brien & Sons",
                plan=Plan.PRO,
                mrr=Decimal("99.00"),
                owner=csm,
                cause=by_api,
            )
            upsert_contact(
                account=account,
                name="Seán O'Brien",
                email="sean@obrien.example",
                is_primary=True,
                cause=by_api,
            )

    deliver(sign_up)

    assert inbox(csm) == ["New account: O'Brien & Sons"]
    alert = Alert.objects.get(user=csm)
    assert alert.body.startswith("O'Brien & Sons signed up on the Pro plan")
    assert alert.message.subject == "New account: O'Brien & Sons"
    [welcome] = emails_to("sean@obrien.example")
    assert welcome.body.startswith("Hi Seán,")
    assert "&#x27;" not in welcome.body
    assert "&amp;" not in welcome.body


def test_a_request_title_with_an_apostrophe_reads_as_typed(deliver, account, contact, csm):
    deliver(
        lambda: create_task(
            account=account,
            title="last year's invoices",
            priority=TaskPriority.NORMAL,
            due_at=NOW + timedelta(days=2),
            source=TaskSource.CUSTOMER,
            contact=contact,
            request_key="form-apostrophe",
            cause=Cause.by_customer("task request form"),
        )
    )

    [ack] = emails_to(contact.email)
    assert ack.subject == "We've received your request: last year's invoices"
    assert "Request: last year's invoices" in ack.body
    assert inbox(csm) == ["New task: last year's invoices"]


def test_a_feature_with_an_ampersand_tags_and_scores_with_its_real_name(deliver, by_api):
    account = AccountFactory()
    FeatureFactory(key="qa-board", name="Q&A board")

    deliver(
        lambda: record_feature_session(
            account=account,
            feature="qa-board",
            minutes=8,
            started_at=NOW - timedelta(minutes=10),
            cause=by_api,
        )
    )

    assert tag_names(account) == {"Active on Q&A board"}
    assert list(account.score_entries.values_list("reason", flat=True)) == ["8.0 min in Q&A board"]


def test_the_html_body_is_still_escaped_and_the_text_body_is_not():
    account = AccountFactory(name="<script>alert('x')</script> & Co")
    template = MessageTemplate(
        key="check-in",
        channel="email",
        audience="customer",
        subject="About {{ account.name }}",
        body_text="Hello {{ account.name }}",
        body_html="<p>Hello {{ account.name }}</p>",
    )

    rendered = render(template, build_context(account=account))

    assert rendered.subject == "About <script>alert('x')</script> & Co"
    assert rendered.body_text == "Hello <script>alert('x')</script> & Co"
    assert rendered.body_html == (
        "<p>Hello &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co</p>"
    )


def test_only_the_templating_module_renders_message_text():
    """A bare `Context(...)` escapes whatever its engine says; render_text / render_html don't."""
    root = Path(__file__).resolve().parents[2]
    bare_context = re.compile(r"(?<![\w.])Context\(")
    offenders = [
        str(path.relative_to(root))
        for app in root.glob("*/apps.py")  # every Django app of the project
        for path in app.parent.rglob("*.py")
        if bare_context.search(path.read_text()) and path.name != "templating.py"
    ]

    assert offenders == []
