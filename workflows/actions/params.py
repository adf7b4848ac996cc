"""Reading a step's parameters: the words each action module states its rules in.

Every action module has a `check(params)` (types, ranges, lengths, known names; no database,
so the engine can afford it before every step it runs) and a `validate(params)` (`check`, then
that what the parameters name exists: templates, stages, roles, users). Saving in the editor
or the admin and importing a playbooks file call `validate`; the engine calls `check`, and a
step it refuses fails its run with the reason instead of crashing the worker.
"""

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.template import TemplateSyntaxError

from notifications.templating import TEXT_ENGINE

# A reference to the trigger's data ("data.contact_id") or a literal id.
REFERENCE_LENGTH = 200
# Long texts (a task's details): what a person would write, not a file.
LONG_TEXT = 10_000


def shown(value: Any) -> str:
    """A value as the manager typed it (JSON), cut short: true, "abc", Infinity."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else f"{text[:37]}…"


@lru_cache(maxsize=1024)
def _syntax_error(text: str) -> str:
    """Why a text with placeholders does not compile ("" if it does); the engine asks this
    before every step, of the same few texts, so the answer is kept."""
    try:
        TEXT_ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        return str(error)
    return ""


class Params:
    """A step's parameters, read one name at a time; every refusal is kept, so all show at once.

    Each reader returns the value (or None when it is absent or refused); `done()` raises
    the refusals as one ValidationError.
    """

    def __init__(self, params: Any, *, allowed: Iterable[str]):
        if not isinstance(params, dict):
            raise ValidationError("Parameters are a JSON object.", code="invalid_params")
        self.params = params
        self.missing: list[str] = []
        self.errors: list[str] = []
        allowed = list(allowed)
        unknown = [name for name in params if name not in allowed]
        if unknown:
            self.errors.append(
                f"Unknown parameter {', '.join(f'`{name}`' for name in unknown)}: "
                f"this action takes {', '.join(f'`{name}`' for name in allowed)}."
            )

    def refuse(self, message: str) -> None:
        self.errors.append(message)

    def _given(self, name: str, required: bool) -> Any:
        value = self.params.get(name)
        if value in (None, ""):
            if required:
                self.missing.append(name)
            return None
        return value

    def whole_number(
        self, name: str, *, minimum: int, maximum: int, required: bool = False
    ) -> int | None:
        value = self._given(name, required)
        if value is None:
            return None
        # true is not 1 and 1.5 (or 1e400, read as infinity) is not a whole number.
        if isinstance(value, bool) or not isinstance(value, int):
            self.refuse(f"`{name}` is a whole number, not {shown(value)}.")
            return None
        if not minimum <= value <= maximum:
            self.refuse(f"`{name}` is from {minimum:,} to {maximum:,}.")
            return None
        return value

    def text(
        self, name: str, *, max_length: int, required: bool = False, template: bool = False
    ) -> str | None:
        """A text; with `template`, one that may use `{{ data.x }}`, which must then compile."""
        value = self._given(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.refuse(f"`{name}` is text, not {shown(value)}.")
            return None
        if not value.strip():
            if required:
                self.missing.append(name)
            return None
        if len(value) > max_length:
            self.refuse(f"`{name}` is at most {max_length:,} characters.")
            return None
        if template and ("{{" in value or "{%" in value) and (problem := _syntax_error(value)):
            self.refuse(f"`{name}` is not a valid text with placeholders: {problem}")
            return None
        return value

    def texts(self, name: str, *, max_length: int) -> list[str]:
        """A list of non-empty texts (tag names)."""
        value = self.params.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() and len(item) <= max_length for item in value
        ):
            self.refuse(f"`{name}` is a list of names of at most {max_length:,} characters.")
            return []
        return value

    def boolean(self, name: str) -> bool | None:
        value = self.params.get(name)
        if value is not None and not isinstance(value, bool):
            self.refuse(f"`{name}` is true or false, not {shown(value)}.")
            return None
        return value

    def choice(self, name: str, choices: Sequence[str], *, required: bool = False) -> str | None:
        value = self._given(name, required)
        if value is None:
            return None
        if value not in choices:
            self.refuse(f"`{name}` is one of {', '.join(choices)}, not {shown(value)}.")
            return None
        return value

    def reference(self, name: str, *, required: bool = False) -> str | int | None:
        """`data.<key>` (read from the trigger's data at run time) or a literal id."""
        value = self._given(name, required)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        if isinstance(value, str) and len(value) <= REFERENCE_LENGTH:
            return value
        self.refuse(f"`{name}` is `data.<key>` or an id, not {shown(value)}.")
        return None

    def links(self, name: str) -> dict[str, str]:
        """Named links for a message, each `data.<key>` or an address."""
        value = self.params.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(
            key.strip() and isinstance(ref, str) and len(ref) <= REFERENCE_LENGTH
            for key, ref in value.items()
        ):
            self.refuse(f"`{name}` maps link names to `data.<key>` or an address.")
            return {}
        return value

    def done(self) -> None:
        """Raise every refusal (missing names first), or nothing."""
        errors = list(self.errors)
        if self.missing:
            errors.insert(0, f"Missing parameter(s): {', '.join(self.missing)}.")
        if errors:
            raise ValidationError(errors, code="invalid_params")
