"""The goal in the builder: what ends a playbook's runs as "goal reached" (an event, and
or conditions on the account), picked like a wait-for's, not typed as JSON."""

from django import forms

from ..triggers import BY_KEY
from .base import bootstrap


class GoalForm(forms.Form):
    event = forms.ChoiceField(
        label="The goal is reached when",
        required=False,
        choices=[
            ("", "its conditions hold (below; none: no goal)"),
            *((key, kind.name) for key, kind in BY_KEY.items()),
        ],
        help_text="Once it is reached, runs in flight end as “goal reached”; the workflow "
        "page shows how many runs got there.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].widget.attrs["data-refresh"] = ""
        bootstrap(self)

    @staticmethod
    def initial_for(goal: object) -> dict:
        return {"event": goal.get("event", "")} if isinstance(goal, dict) else {}

    def awaited(self):
        """The event kind it names, as shown (its data is what its conditions may test)."""
        return BY_KEY.get(str(self["event"].value() or ""))


def written(event: str, conditions: list[dict]) -> dict:
    """The goal as a version stores it ({} for none: workflows.listeners)."""
    goal: dict = {"event": event} if event else {}
    if conditions:
        goal["conditions"] = conditions
    return goal
