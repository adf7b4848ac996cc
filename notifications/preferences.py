"""A staff member's alert settings: how each kind of alert reaches them, and their timezone.

Only choices that differ from a kind's default are stored, so a default an
admin changes later still reaches everyone who never chose.
"""

from django import forms
from django.conf import settings
from django.db import transaction

from accounts.models import StaffProfile, timezone_names

from .integration_models import PersonalSlack, validate_slack_url
from .models import ALWAYS, AlertDelivery, AlertPreference, Audience, MessageTemplate
from .slack import save_slack_url


def staff_kinds() -> list[MessageTemplate]:
    """Every kind of staff alert (a staff template), by name."""
    return list(MessageTemplate.objects.filter(audience=Audience.STAFF).order_by("name", "key"))


def kind_label(template: MessageTemplate) -> str:
    """ "Feature not used" for the template "Feature not used (alert)"."""
    return template.name.removesuffix(" (alert)").strip()


class AlertSettingsForm(forms.Form):
    """One choice per kind of alert (escalations are not a choice) and the user's timezone."""

    def __init__(
        self,
        *args,
        kinds: list[MessageTemplate],
        chosen: dict,
        timezone: str,
        slack_url: str = "",
        **kw,
    ):
        super().__init__(*args, **kw)
        self.kinds = kinds
        self.fixed = [kind_label(t) for t in kinds if t.staff_delivery == ALWAYS]
        for template in kinds:
            if template.staff_delivery == ALWAYS:
                continue
            default = AlertDelivery(template.staff_delivery).label
            self.fields[template.key] = forms.ChoiceField(
                label=kind_label(template),
                choices=AlertDelivery.choices,
                initial=chosen.get(template.key, template.staff_delivery),
                help_text=f"Unless you choose: {default.lower()}",
                required=False,  # left out: the kind's default
            )
        self.fields["timezone"] = forms.ChoiceField(
            label="Your timezone",
            choices=[("", f"The team's ({settings.TIME_ZONE})")]
            + [(zone, zone) for zone in timezone_names()],
            initial=timezone,
            required=False,
            help_text="Daily digests arrive at 08:00 here.",
        )
        self.fields["slack_url"] = forms.CharField(
            label="Slack incoming-webhook URL",
            max_length=PersonalSlack._meta.get_field("webhook_url").max_length,
            required=False,
            initial=slack_url,
            validators=[validate_slack_url],
            help_text="Optional: your alerts, digests and escalations are posted there too, "
            "as they reach your inbox. Empty: none.",
        )

    def delivery_fields(self) -> list:
        return [self[t.key] for t in self.kinds if t.key in self.fields]


def current_settings(user) -> tuple[dict[str, str], str]:
    """The user's stored choices ({kind: delivery}) and timezone ("" for the team's)."""
    chosen = dict(AlertPreference.objects.filter(user=user).values_list("kind", "delivery"))
    profile = StaffProfile.objects.filter(user=user).first()
    return chosen, profile.timezone if profile else ""


@transaction.atomic
def save_alert_settings(
    *,
    user,
    kinds: list[MessageTemplate],
    choices: dict,
    timezone: str,
    slack_url: str | None = None,
) -> None:
    """Store the user's choices that differ from each kind's default; drop the others; and
    their Slack webhook (None: left as it is)."""
    if slack_url is not None:
        save_slack_url(user=user, url=slack_url.strip())
    differing = [
        AlertPreference(user=user, kind=t.key, delivery=choices[t.key])
        for t in kinds
        if choices.get(t.key) and choices[t.key] != t.staff_delivery
    ]
    AlertPreference.objects.filter(user=user).exclude(kind__in=[p.kind for p in differing]).delete()
    AlertPreference.objects.bulk_create(
        differing,
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery"],
    )
    StaffProfile.objects.update_or_create(user=user, defaults={"timezone": timezone})
