"""Internal notifications: staff alerts (in-app, optionally e-mailed)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from notifications.audiences import StaffRule
from notifications.models import Audience, MessageTemplate
from notifications.services import alert_staff

from .base import StepContext
from .params import Params


def notify_staff(ctx: StepContext, params: dict) -> str:
    """Alert the staff the rule names; `user` may be `data.assignee_id`.

    A named user who is missing (an unassigned task) becomes an escalation,
    so the alert still reaches someone.
    """
    rule, user_id = params["rule"], None
    if rule == StaffRule.USER:
        user_id = ctx.value(params.get("user"))
        if not user_id:
            rule = StaffRule.ESCALATION
    done = alert_staff(
        account=ctx.current_account(),
        template_key=params["template"],
        cause_key=ctx.key,
        cause=ctx.cause,
        rule=rule,
        role=params.get("role", ""),
        user_id=user_id,
        email=bool(params.get("email")),
        data=ctx.event.data,
    )
    recipients = sorted({m.user.username for m in done.messages if m.user})
    said = f"Alerted {', '.join(recipients) or 'nobody new'}"
    if done.held_for:
        said += f"; held for the digest of {', '.join(sorted(done.held_for))}"
    return f"{said} ({params['template']})."


TEMPLATE_KEY_LENGTH = MessageTemplate._meta.get_field("key").max_length
ROLE_LENGTH = Group._meta.get_field("name").max_length
RULES = StaffRule.values


def check(params: dict) -> None:
    """`template` and `rule`; `role` for a role rule, `user` for a user rule; `email`."""
    read = Params(params, allowed=["template", "rule", "role", "user", "email"])
    read.text("template", max_length=TEMPLATE_KEY_LENGTH, required=True)
    rule = read.choice("rule", RULES, required=True)
    read.text("role", max_length=ROLE_LENGTH, required=rule == StaffRule.ROLE)
    read.reference("user", required=rule == StaffRule.USER)
    read.boolean("email")
    read.done()


def validate(params: dict) -> None:
    check(params)
    if not MessageTemplate.objects.filter(key=params["template"], audience=Audience.STAFF).exists():
        raise ValidationError(f"There is no staff template {params['template']!r}.")
    role = params.get("role")
    if role and not Group.objects.filter(name=role).exists():
        raise ValidationError(f"There is no role {role!r}.")
    user = params.get("user")
    if isinstance(user, int) and not get_user_model().objects.filter(pk=user).exists():
        raise ValidationError(f"There is no user #{user}.")
