"""Which form edits which step kind, by action key. A kind with no typed form yet (one
another part of the product adds) gets its parameters as JSON, so it can still be used."""

from ..actions import ACTIONS
from . import branch_forms, outreach_forms, step_forms
from .base import GenericForm, StepForm

FORMS: dict[str, type[StepForm]] = {
    "send_email": step_forms.MessageForm,
    "send_sms": step_forms.MessageForm,
    "notify_staff": step_forms.StaffAlertForm,
    "add_tag": step_forms.TagForm,
    "remove_tag": step_forms.TagForm,
    "move_to_stage": step_forms.StageForm,
    "add_points": step_forms.PointsForm,
    "set_happiness": step_forms.HappinessForm,
    "create_task": step_forms.TaskForm,
    "open_signal": step_forms.SignalForm,
    "offer_booking": outreach_forms.OfferBookingForm,
    "call_webhook": outreach_forms.WebhookForm,
    "send_survey": outreach_forms.SurveyForm,
    "wait": step_forms.WaitForm,
    "decision": branch_forms.DecisionForm,
    "wait_for": branch_forms.WaitForForm,
}


def form_class(action: str) -> type[StepForm]:
    return FORMS.get(action, GenericForm)


def kinds() -> list[tuple[str, str]]:
    """Every step kind a manager can add, as choices."""
    return [(kind.key, kind.label) for kind in ACTIONS.values()]
