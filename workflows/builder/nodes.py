"""What the builder's page draws: each step, path and condition list with its form."""

from dataclasses import dataclass, field

from django import forms

from .base import StepForm


@dataclass
class ConditionList:
    key: str
    rows: list[tuple[str, forms.Form]]  # (node id, its ConditionForm)

    @property
    def order(self) -> str:
        return ",".join(node for node, _ in self.rows)


@dataclass
class StepList:
    key: str
    title: str
    steps: list["StepView"]

    @property
    def order(self) -> str:
        return ",".join(step.node for step in self.steps)


@dataclass
class PathView:
    node: str
    number: int
    form: forms.Form
    conditions: ConditionList
    steps: StepList


@dataclass
class StepView:
    node: str
    action: str
    label: str  # its position as people count ("2.1.3")
    kind: str  # the action's label
    form: StepForm
    paths: list[PathView] = field(default_factory=list)
    conditions: ConditionList | None = None
    branches: list[StepList] = field(default_factory=list)  # otherwise; happened, timed out
    errors: list[str] = field(default_factory=list)

    @property
    def paths_order(self) -> str:
        return ",".join(path.node for path in self.paths)

    def walk(self):
        """This step and every step inside it."""
        yield self
        for inner in [*(p.steps for p in self.paths), *self.branches]:
            for step in inner.steps:
                yield from step.walk()
