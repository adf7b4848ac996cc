"""The builder's typed forms for the steps that reach out through another app: Offer a
booking link, Call a webhook and Send survey. A manager adds each with its pickers (no
JSON), the save publishes exactly the parameters the engine reads, and what the
parameters would name wrongly (an unknown survey, a deleted endpoint, a switched-off
meeting kind) is refused at its field with nothing published."""

import pytest
from django.urls import reverse

from booking.models import MeetingKind
from notifications.integration_models import WebhookEndpoint
from notifications.models import MessageTemplate
from surveys.models import Survey
from tests.web.builder_form import form_of, submit
from workflows.actions import ACTIONS
from workflows.builder import registry
from workflows.builder.base import GenericForm
from workflows.models import Workflow

pytestmark = pytest.mark.django_db


def switched_off(key: str) -> Workflow:
    """A shipped workflow, off: the builder's save publishes at once."""
    Workflow.objects.filter(key=key).update(is_active=False)
    return Workflow.objects.get(key=key)


def add_step(client, workflow: Workflow, kind: str) -> tuple[dict, str, str]:
    """Press Add with `kind` chosen under the steps: the page's fields, the new step's
    node and the page's HTML."""
    data = form_of(client.get(reverse("workflows:edit", args=[workflow.pk])))
    page = submit(client, workflow, {**data, "new-root": kind}, op="add:root")
    data = form_of(page)
    return data, data["order-root"].split(",")[-1], page.content.decode()


def last_step(response):
    return list(response.context["builder"].all_steps())[-1]


def published_last(workflow: Workflow) -> dict:
    return Workflow.objects.get(pk=workflow.pk).current_version.steps[-1]


@pytest.fixture
def crm_sync():
    return WebhookEndpoint.objects.create(
        key="crm-sync", name="CRM sync", url="https://hooks.example.com/opencsm"
    )


def test_each_new_kind_has_a_typed_form_not_json():
    for kind in ("offer_booking", "call_webhook", "send_survey"):
        assert registry.form_class(kind) is not GenericForm, kind


def test_a_manager_offers_a_booking_link_with_the_meeting_kind_picker(client, manager):
    workflow = switched_off("e3-churn")
    versions = workflow.versions.count()
    client.force_login(manager)

    data, node, html = add_step(client, workflow, "offer_booking")

    assert "Success session (45 min)" in html
    assert "The customer chooses" in html
    assert "The usual e-mail (booking-offer)" in html
    assert "params_json" not in "".join(data)
    # The usual e-mail's preview is linked before any template is chosen.
    offer = MessageTemplate.objects.get(key="booking-offer")
    preview = reverse("admin:notifications_messagetemplate_preview", args=[offer.pk])
    assert preview in html
    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]),
        {**data, f"{node}-meeting_kind": "success-session"},
    )

    assert response.status_code == 302, response.context["builder"].errors
    step = published_last(workflow)
    assert step == {"action": "offer_booking", "params": {"meeting_kind": "success-session"}}
    ACTIONS["offer_booking"].check(step["params"])
    assert Workflow.objects.get(pk=workflow.pk).versions.count() == versions + 1


def test_a_switched_off_meeting_kind_is_refused_at_its_picker(client, manager):
    workflow = switched_off("e3-churn")
    versions = workflow.versions.count()
    MeetingKind.objects.filter(slug="success-session").update(is_active=False)
    client.force_login(manager)
    data, node, html = add_step(client, workflow, "offer_booking")
    assert "Success session" not in html  # not offered

    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]),
        {**data, f"{node}-meeting_kind": "success-session"},
    )

    assert response.status_code == 200
    form = last_step(response).form
    assert form.errors["meeting_kind"] == ["There is no meeting kind 'success-session'."]
    # Shown as what it is, not as an unknown value.
    assert "Success session (switched off)" in response.content.decode()
    assert Workflow.objects.get(pk=workflow.pk).versions.count() == versions


def test_a_manager_calls_a_webhook_with_the_endpoint_picker(client, manager, crm_sync):
    workflow = switched_off("e3-churn")
    WebhookEndpoint.objects.create(
        key="old-hook", name="Old hook", url="https://old.example.com/", active=False
    )
    client.force_login(manager)

    data, node, html = add_step(client, workflow, "call_webhook")

    assert "CRM sync (crm-sync)" in html
    assert "Old hook (old-hook) — off, not sent" in html
    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]),
        {**data, f"{node}-endpoint": "crm-sync", f"{node}-type": "account.at_risk"},
    )

    assert response.status_code == 302, response.context["builder"].errors
    step = published_last(workflow)
    assert step == {
        "action": "call_webhook",
        "params": {"endpoint": "crm-sync", "type": "account.at_risk"},
    }
    ACTIONS["call_webhook"].check(step["params"])


def test_a_webhook_endpoint_deleted_before_the_save_is_refused_at_its_picker(
    client, manager, crm_sync
):
    workflow = switched_off("e3-churn")
    versions = workflow.versions.count()
    client.force_login(manager)
    data, node, _ = add_step(client, workflow, "call_webhook")
    crm_sync.delete()  # an admin removes it while the manager edits

    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]), {**data, f"{node}-endpoint": "crm-sync"}
    )
    blank = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 200
    errors = last_step(response).form.errors
    assert list(errors) == ["endpoint"]
    assert errors["endpoint"][0].startswith("There is no webhook endpoint 'crm-sync'")
    assert "crm-sync (unknown)" in response.content.decode()
    assert last_step(blank).form.errors == {"endpoint": ["Choose the endpoint to call."]}
    assert Workflow.objects.get(pk=workflow.pk).versions.count() == versions


def test_an_event_type_too_long_is_refused_at_its_field(client, manager, crm_sync):
    workflow = switched_off("e3-churn")
    client.force_login(manager)
    data, node, _ = add_step(client, workflow, "call_webhook")

    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]),
        {**data, f"{node}-endpoint": "crm-sync", f"{node}-type": "x" * 81},
    )

    assert last_step(response).form.errors == {"type": ["`type` is at most 80 characters."]}


def test_a_manager_sends_a_survey_with_the_survey_picker(client, manager):
    workflow = switched_off("e3-churn")
    csat = Survey.objects.get(key="csat")
    client.force_login(manager)

    data, node, html = add_step(client, workflow, "send_survey")

    assert f'<option value="csat">{csat.name}</option>' in html
    assert "The usual e-mail (survey-invitation)" in html
    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]),
        {
            **data,
            f"{node}-survey": "csat",
            f"{node}-template": "satisfaction-survey",
            f"{node}-contact": "data.contact_id",
        },
    )

    assert response.status_code == 302, response.context["builder"].errors
    step = published_last(workflow)
    assert step == {
        "action": "send_survey",
        "params": {
            "survey": "csat",
            "template": "satisfaction-survey",
            "contact": "data.contact_id",
        },
    }
    ACTIONS["send_survey"].check(step["params"])
    # Drawn again: the survey chosen, with a link to its page.
    page = client.get(reverse("workflows:edit", args=[workflow.pk])).content.decode()
    assert reverse("surveys:results", args=[csat.pk]) in page


def test_an_unknown_survey_or_a_template_of_the_wrong_kind_is_refused_at_its_field(client, manager):
    workflow = switched_off("e3-churn")
    versions = workflow.versions.count()
    client.force_login(manager)
    data, node, _ = add_step(client, workflow, "send_survey")
    edit = reverse("workflows:edit", args=[workflow.pk])
    sms = MessageTemplate.objects.filter(channel="sms").values_list("key", flat=True).first()

    unknown = client.post(edit, {**data, f"{node}-survey": "pulse"})
    wrong = client.post(edit, {**data, f"{node}-survey": "nps", f"{node}-template": sms})

    assert last_step(unknown).form.errors == {
        "survey": ["There is no survey 'pulse' (see Surveys)."]
    }
    assert last_step(wrong).form.errors == {
        "template": [f"Template {sms!r} is not a customer e-mail."]
    }
    assert Workflow.objects.get(pk=workflow.pk).versions.count() == versions
