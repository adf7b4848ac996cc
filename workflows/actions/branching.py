"""The two steps that hold further steps: a decision and a wait-for. The engine runs them.

A decision's parameters: `{"paths": [{"name", "conditions", "steps"}, …], "otherwise": [...]}`:
up to `MOST_PATHS` paths, each with conditions in the workflows' condition language
(`data.<key>` reads the trigger's data); the first path whose conditions all hold is taken,
else "otherwise". A wait-for's: `{"event"?, "conditions"?, "minutes"/"hours"/"days",
"happened": [...], "timed_out": [...]}`: it waits until the event (or the condition) happens,
at most the time limit, which it must have.

`check` here is about the step's own shape; the steps inside are checked by
workflows.graph (at save time) and by the engine as it reaches each one.
"""

from django.core.exceptions import ValidationError

from .. import conditions as condition_rules
from .. import listeners
from . import wait

MOST_PATHS = 5
NAME_LENGTH = 80
LIMIT_UNITS = set(wait.UNITS)


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_params")


def check_decision(params: dict) -> None:
    if not isinstance(params, dict) or not set(params) <= {"paths", "otherwise"}:
        raise _refuse("A decision's parameters are `paths` and `otherwise`.")
    paths = params.get("paths")
    if not isinstance(paths, list) or not paths:
        raise _refuse("A decision needs at least one path (and may have an “otherwise”).")
    if len(paths) > MOST_PATHS:
        raise _refuse(f"A decision has at most {MOST_PATHS} paths besides “otherwise”.")
    for number, path in enumerate(paths, start=1):
        if not isinstance(path, dict) or not set(path) <= {"name", "conditions", "steps"}:
            raise _refuse(f"Path {number} is an object with `name`, `conditions` and `steps`.")
        name = path.get("name", "")
        if not isinstance(name, str) or len(name) > NAME_LENGTH:
            raise _refuse(f"Path {number}: `name` is a text of at most {NAME_LENGTH} characters.")
        tests = path.get("conditions")
        if not isinstance(tests, list) or not tests:
            raise _refuse(f"Path {number} needs conditions (the “otherwise” path has none).")
        for index, condition in enumerate(tests, start=1):
            try:
                condition_rules.validate(condition, trigger=None)
            except ValidationError as error:
                message = " ".join(error.messages)
                raise _refuse(f"Path {number}, condition {index}: {message}") from None
        if not isinstance(path.get("steps", []), list):
            raise _refuse(f"Path {number}: `steps` is a list.")
    if not isinstance(params.get("otherwise", []), list):
        raise _refuse("`otherwise` is a list of steps.")


def check_wait_for(params: dict) -> None:
    allowed = {"event", "conditions", "happened", "timed_out", *LIMIT_UNITS}
    if not isinstance(params, dict) or not set(params) <= allowed:
        raise _refuse(
            "A wait-for's parameters are `event` and/or `conditions`, a time limit "
            "(`minutes`, `hours`, `days`), `happened` and `timed_out`."
        )
    limit = {unit: params[unit] for unit in LIMIT_UNITS if unit in params}
    if not limit:
        raise _refuse("A wait-for needs a time limit (minutes, hours or days).")
    try:
        wait.check(limit)
    except ValidationError as error:
        raise _refuse(f"Time limit: {' '.join(error.messages)}") from None
    try:
        listeners.validate(listener(params), what="What it waits for")
    except ValidationError as error:
        raise _refuse(" ".join(error.messages)) from None
    for name in ("happened", "timed_out"):
        if not isinstance(params.get(name, []), list):
            raise _refuse(f"`{name}` is a list of steps.")


def listener(params: dict) -> dict:
    """The wait-for's event and conditions (workflows.listeners)."""
    return {name: params[name] for name in ("event", "conditions") if name in params}


def limit(params: dict):
    """The wait-for's time limit (a timedelta)."""
    return wait.delay({unit: params.get(unit) for unit in LIMIT_UNITS})
