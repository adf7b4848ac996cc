"""Internal notifications: staff alerts (in-app, optionally e-mailed)."""

from django.core.exceptions import ValidationError

from notifications.audiences import StaffRule
from notifications.models import Audience, MessageTemplate
from notifications.services import notify_staff as notify

from .base import StepContext, require


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
    messages = notify(
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
    recipients = sorted({m.user.username for m in messages if m.user})
    return f"Alerted {', '.join(recipients) or 'nobody new'} ({params['template']})."


def validate(params: dict) -> None:
    require(params, "template", "rule")
    if params["rule"] not in StaffRule.values:
        raise ValidationError(
            f"Unknown staff rule {params['rule']!r}; one of {', '.join(StaffRule.values)}."
        )
    if params["rule"] == StaffRule.ROLE:
        require(params, "role")
    if params["rule"] == StaffRule.USER:
        require(params, "user")
    if not MessageTemplate.objects.filter(key=params["template"], audience=Audience.STAFF).exists():
        raise ValidationError(f"There is no staff template {params['template']!r}.")
