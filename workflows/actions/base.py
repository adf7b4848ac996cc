"""What every action receives: the run it belongs to and helpers to read its data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.causes import Cause
from notifications.templating import render_text

if TYPE_CHECKING:
    from accounts.models import Account

    from ..models import Run, TriggerEvent


@dataclass(frozen=True)
class StepContext:
    run: Run
    # The run's account with only its id read (other fields load on first
    # use): services lock and re-read it, so an action passes it on as is.
    account: Account
    event: TriggerEvent
    # The step's path as stored ("2", "2.1.0": workflows.paths) and as people count it.
    position: str
    workflow_name: str
    label: str = ""

    def current_account(self) -> Account:
        """The account as it is now, with every earlier step's change (and its owner): what a
        message shows."""
        from accounts.models import Account

        return Account.objects.select_related("owner").get(pk=self.account.pk)

    @property
    def cause(self) -> Cause:
        """Every change an action makes is caused by this run."""
        return Cause.by_workflow_run(
            self.run.pk,
            f"{self.workflow_name}, step {self.label or self.position}",
            depth=self.event.depth,
            lane=self.run.lane,
        )

    @property
    def key(self) -> str:
        """This step's idempotency key: messages, points and tasks are made once per key."""
        return f"run:{self.run.pk}:step:{self.position}"

    def text(self, value: str) -> str:
        """A parameter with `{{ data.x }}` / `{{ account.name }}` filled in."""
        if "{{" not in value and "{%" not in value:
            return value
        context = {"data": self.event.data}
        if "account" in value:  # the name is read from the database only when used
            context["account"] = {"name": self.account.name}
        return render_text(value, context).strip()

    def value(self, reference: Any) -> Any:
        """`data.<key>` read from the trigger's data; anything else as given."""
        if isinstance(reference, str) and reference.startswith("data."):
            return self.event.data.get(reference.removeprefix("data."))
        return reference
