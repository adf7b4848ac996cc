"""What every typed step form shares: reading a step's parameters into fields, writing
them back, and asking the action's own `validate`, with its refusal at the field."""

import json

from django import forms
from django.core.exceptions import ValidationError

from ..actions import ACTIONS
from ..triggers import TriggerKind
from .lookups import Lookups


def is_empty(value: object) -> bool:
    # 0 is a number a manager typed, not an empty box (`0 == False` in Python).
    return value is None or value is False or (not isinstance(value, int) and not value)


def bootstrap(form: forms.BaseForm) -> None:
    """Bootstrap's small controls on every widget (the builder renders field by field)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()


class StepForm(forms.Form):
    """A step's parameters as fields. Subclasses say how (`read`, `write`).

    `given` carries the names the loaded parameters had, so a box left at its default
    (no e-mail, no throttle) writes back what was there: saving an untouched playbook
    publishes no new version.
    """

    given = forms.CharField(widget=forms.HiddenInput, required=False)
    # The field a refusal that names no parameter belongs to (a template that is gone).
    main = ""
    # Branching steps are validated as a whole tree (workflows.graph), not alone.
    validates = True
    wide = frozenset()
    # A message template picker shows a link to the chosen template's preview.
    has_preview = False
    # Refusals that name no parameter in backquotes, by a phrase of theirs: the field
    # they belong to ("There is no message template …" → template).
    owners: tuple[tuple[str, str], ...] = ()

    def __init__(self, *args, action: str, lookups: Lookups, trigger: TriggerKind | None, **kwargs):
        self.action, self.lookups, self.trigger = action, lookups, trigger
        self.params: dict = {}
        super().__init__(*args, **kwargs)
        self.setup()
        bootstrap(self)

    @classmethod
    def initial_for(cls, params: dict) -> dict:
        params = params if isinstance(params, dict) else {}
        return {**cls.read(params), "given": ",".join(params)}

    @classmethod
    def read(cls, params: dict) -> dict:
        return dict(params)

    def write(self, data: dict) -> dict:
        return {name: data.get(name) for name in self.fields if name != "given"}

    def setup(self) -> None:
        """Choices from the database (subclasses)."""

    def current(self, name: str) -> object:
        """The field's value as shown: posted, else loaded."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name)

    def preview(self) -> str:
        """The chosen template's preview page ("" before one is chosen)."""
        return self.lookups.previews().get(str(self.current("template") or ""), "")

    def links(self) -> dict[str, dict]:
        """The link shown under a picker, by field: where the chosen thing can be seen.

        Each is {"href", "label", "preview"}: `preview` links follow the template picker
        (the page's template previews), the others the picker's own `data-links`.
        """
        if not self.has_preview or "template" not in self.fields:
            return {}
        return {
            "template": {"href": self.preview(), "label": "Preview the template", "preview": True}
        }

    def layout(self) -> list[tuple[forms.BoundField, str, dict | None]]:
        """Each visible field with its column width and the link under it, if any."""
        links = self.links()
        return [
            (field, "col-12" if field.name in self.wide else "col-md-6", links.get(field.name))
            for field in self.visible_fields()
        ]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        given = set(filter(None, (data.get("given") or "").split(",")))
        written = self.write(data)
        self.params = {k: v for k, v in written.items() if not is_empty(v) or k in given}
        if self.validates:
            self.ask_action()
        return data

    def ask_action(self) -> None:
        """The action's own `validate`: each refusal at the field it names."""
        kind = ACTIONS.get(self.action)
        if kind is None:
            self.add_error(None, f"There is no step kind {self.action!r}.")
            return
        try:
            kind.validate(self.params)
        except ValidationError as error:
            for message in error.messages:
                self.add_error(self._field_of(message), message)

    def _field_of(self, message: str) -> str | None:
        for phrase, name in self.owners:
            if phrase in message and name in self.fields:
                return name
        for name in self.fields:
            if f"`{name}`" in message or (message.startswith("Missing") and name in message):
                return name
        return self.main or None


class GenericForm(StepForm):
    """Any step kind without a typed form yet: its parameters as JSON, with its example."""

    params_json = forms.JSONField(
        label="Parameters (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
    )
    main = "params_json"
    wide = frozenset({"params_json"})

    def setup(self) -> None:
        kind = ACTIONS.get(self.action)
        if kind is not None:
            self.fields[
                "params_json"
            ].help_text = f"For example {json.dumps(kind.example, ensure_ascii=False)}"

    @classmethod
    def read(cls, params: dict) -> dict:
        return {"params_json": params}

    def write(self, data: dict) -> dict:
        params = data.get("params_json") or {}
        if not isinstance(params, dict):
            self.add_error("params_json", "Parameters are a JSON object.")
            return {}
        return params

    def clean(self) -> dict:
        data = forms.Form.clean(self)
        if self.errors:
            return data
        # JSON is taken as written: there are no defaults to keep.
        self.params = self.write(data)
        if not self.errors:
            self.ask_action()
        return data
