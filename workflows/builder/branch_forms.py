"""The forms of the two steps that hold paths: a decision (its paths are the builder's
tree) and a wait-for (what it waits for and how long), and a decision path's name."""

from django import forms

from ..actions import branching
from ..triggers import BY_KEY
from . import fields as f
from .base import StepForm, bootstrap


class DecisionForm(StepForm):
    """A decision's own parameters are its paths: the builder writes them."""

    validates = False

    def write(self, data: dict) -> dict:
        return {}


class WaitForForm(StepForm):
    """Wait for: an event (or only conditions on the account) and the time limit."""

    event = forms.ChoiceField(
        label="Wait until",
        required=False,
        choices=[("", "its conditions hold (below)"), *((k, t.name) for k, t in BY_KEY.items())],
        help_text="With an event, the conditions below test that event's data too.",
    )
    amount = f.AmountField(
        label="At most",
        error_messages={
            "required": "A wait-for needs a time limit (minutes, hours or days).",
            "min_value": "A wait-for needs a time limit (minutes, hours or days).",
        },
    )
    unit = f.unit_field()
    validates = False
    main = "amount"

    def setup(self) -> None:
        # Another event offers other data to its conditions: the page redraws them.
        self.fields["event"].widget.attrs["data-refresh"] = ""

    @classmethod
    def read(cls, params: dict) -> dict:
        limit = {unit: params.get(unit) for unit in branching.LIMIT_UNITS}
        amount, unit = f.amount_and_unit(limit)
        return {"event": params.get("event", ""), "amount": amount, "unit": unit}

    def write(self, data: dict) -> dict:
        return {"event": data.get("event") or None, data["unit"]: data["amount"]}

    def awaited(self):
        """The trigger kind it waits for, as shown (its data is what conditions may test)."""
        return BY_KEY.get(str(self.current("event") or ""))


class PathForm(forms.Form):
    """A decision path's name, shown in the run log ("Took “Pro”")."""

    name = forms.CharField(
        label="Path name", required=False, max_length=branching.NAME_LENGTH, strip=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
