"""The typed forms of the steps that reach out through another app: offering a booking
link (booking), calling a webhook (notifications' endpoints) and sending a survey.

Each picks what its parameters name from the database, with human labels, so a manager
never types a slug or JSON; the action module's `validate` stays the one rule (asked by
StepForm), its refusals shown at the picker they are about.
"""

import json

from django import forms

from notifications.models import Channel
from notifications.webhooks import EVENT_TYPE_LENGTH

from ..actions import booking, surveys, webhook
from . import fields as f
from .base import StepForm
from .lookups import CUSTOMER

# The action modules' refusals about the e-mail's template ("There is no message
# template 'x'.", "Template 'x' is not a customer e-mail.").
TEMPLATE_REFUSALS = (("message template", "template"), ("not a customer e-mail", "template"))


def template_picker(default: str) -> f.Picker:
    """An optional customer e-mail; empty is the step's usual one, named in the blank."""
    picker = f.Picker(
        label="E-mail template", required=False, blank=f"The usual e-mail ({default})"
    )
    picker.widget.attrs.update({"data-template-picker": "", "data-default": default})
    return picker


class OptionalTemplateForm(StepForm):
    """A step with an optional customer e-mail template whose preview follows the choice."""

    default_template = ""
    has_preview = True

    def set_templates(self) -> None:
        choices = self.lookups.template_choices(audience=CUSTOMER, channel=Channel.EMAIL)
        self.fields["template"].set_choices(choices, self.current("template"))

    def preview(self) -> str:
        key = str(self.current("template") or self.default_template)
        return self.lookups.previews().get(key, "")


class OfferBookingForm(OptionalTemplateForm):
    """Offer a booking link: a meeting kind to book (or the customer's choice) and the
    e-mail carrying the link."""

    meeting_kind = f.Picker(
        label="Meeting kind",
        required=False,
        blank="The customer chooses",
        help_text="Only kinds the account's owner takes are offered when it runs.",
    )
    template = template_picker(booking.DEFAULT_TEMPLATE)
    main = "meeting_kind"
    default_template = booking.DEFAULT_TEMPLATE
    owners = (("meeting kind", "meeting_kind"), *TEMPLATE_REFUSALS)

    def setup(self) -> None:
        kinds = self.lookups.meeting_kinds
        active = [
            (k["slug"], f"{k['name']} ({k['duration_minutes']} min)")
            for k in kinds
            if k["is_active"]
        ]
        off = {k["slug"]: f"{k['name']} (switched off)" for k in kinds if not k["is_active"]}
        self.fields["meeting_kind"].set_choices(active, self.current("meeting_kind"), unlisted=off)
        self.set_templates()


class WebhookForm(StepForm):
    """Call a webhook: an endpoint the admin configured, and the event type it receives."""

    endpoint = f.Picker(
        label="Endpoint",
        blank="Choose an endpoint…",
        error_messages={"required": "Choose the endpoint to call."},
        help_text="The admin's Notifications › Webhook endpoints.",
    )
    type = forms.CharField(
        label="Event type",
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": EVENT_TYPE_LENGTH, "placeholder": webhook.DEFAULT_TYPE}
        ),
        help_text=f"What the receiver reads, e.g. account.at_risk. Empty: {webhook.DEFAULT_TYPE}.",
    )
    main = "endpoint"
    owners = (("webhook endpoint", "endpoint"),)

    def setup(self) -> None:
        choices = [
            (e["key"], f"{e['name']} ({e['key']})" + ("" if e["active"] else " — off, not sent"))
            for e in self.lookups.webhook_endpoints
        ]
        self.fields["endpoint"].set_choices(choices, self.current("endpoint"))


class SurveyForm(OptionalTemplateForm):
    """Send survey: which survey, the e-mail inviting to it, and to whom."""

    survey = f.Picker(
        label="Survey",
        blank="Choose a survey…",
        error_messages={"required": "Choose the survey to send."},
    )
    template = template_picker(surveys.DEFAULT_TEMPLATE)
    contact = forms.CharField(
        label="To", required=False, help_text="Empty: the primary contact; or data.contact_id."
    )
    main = "survey"
    default_template = surveys.DEFAULT_TEMPLATE
    owners = (*TEMPLATE_REFUSALS, ("no survey", "survey"))

    def setup(self) -> None:
        rows = self.lookups.surveys
        picker = self.fields["survey"]
        picker.set_choices([(s["key"], s["name"]) for s in rows], self.current("survey"))
        picker.widget.attrs["data-links"] = json.dumps({s["key"]: s["page"] for s in rows})
        self.set_templates()

    def links(self) -> dict[str, dict]:
        pages = {s["key"]: s["page"] for s in self.lookups.surveys}
        page = pages.get(str(self.current("survey") or ""), "")
        return {**super().links(), "survey": {"href": page, "label": "Open the survey"}}

    @classmethod
    def read(cls, params: dict) -> dict:
        return {**params, "contact": str(params.get("contact") or "")}

    def write(self, data: dict) -> dict:
        return {
            "survey": data["survey"],
            "template": data.get("template"),
            "contact": f.reference(data.get("contact") or ""),
        }
