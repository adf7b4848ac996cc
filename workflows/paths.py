"""Step positions as paths through a workflow's nested steps.

A version's steps are a list; a decision or a wait-for step holds further
lists (its paths), each a list of steps. A position is the tuple of indexes
leading to a step: (2,) is the third top-level step, (2, 1, 0) the first step
of path 1 of that step. Stored as text ("2.1.0"), 0-based like the top-level
positions before paths existed, so a run's recorded (run, position) results
and its steps' idempotency keys ("run:5:step:2") stay what they were. People
read it 1-based ("3.2.1").
"""

from collections.abc import Iterator
from typing import Any

Path = tuple[int, ...]

DECISION = "decision"
WAIT_FOR = "wait_for"
BRANCHING = {DECISION, WAIT_FOR}
# A wait-for step's two paths, by index.
HAPPENED, TIMED_OUT = 0, 1


def as_text(path: Path) -> str:
    return ".".join(str(index) for index in path)


def parse(text: str) -> Path:
    """A stored position back as a path (ValueError for anything else)."""
    path = tuple(int(part) for part in text.split("."))
    if any(index < 0 for index in path) or len(path) % 2 != 1:
        raise ValueError(f"Not a step position: {text!r}")
    return path


def label(path: Path) -> str:
    """The position as people count: 1-based."""
    return ".".join(str(index + 1) for index in path)


def branches(spec: Any) -> list[list]:
    """The step lists inside a branching step, by path index ([] for any other step).

    A decision's paths come in order, its "otherwise" last; a wait-for step's are
    "happened" then "timed out". Tolerant of bad shapes (validation refuses them).
    """
    if not isinstance(spec, dict) or spec.get("action") not in BRANCHING:
        return []
    params = spec.get("params") or {}
    if not isinstance(params, dict):
        return []
    if spec["action"] == DECISION:
        paths = params.get("paths") or []
        lists = [p.get("steps") if isinstance(p, dict) else None for p in paths]
        lists.append(params.get("otherwise"))
    else:
        lists = [params.get("happened"), params.get("timed_out")]
    return [steps if isinstance(steps, list) else [] for steps in lists]


def step_at(steps: list, path: Path) -> Any:
    """The step at `path` (IndexError if there is none)."""
    current = steps
    for depth in range(0, len(path) - 1, 2):
        current = branches(current[path[depth]])[path[depth + 1]]
    return current[path[-1]]


def after(steps: list, path: Path) -> Path | None:
    """The position that comes after the step at `path` once it (and any path it took) is
    done: its next sibling, or the step after the branching step that holds it, … None at
    the end of the workflow."""
    while True:
        siblings = _list_of(steps, path)
        if path[-1] + 1 < len(siblings):
            return (*path[:-1], path[-1] + 1)
        if len(path) == 1:
            return None
        path = path[:-2]


def enter(steps: list, path: Path, branch: int) -> Path | None:
    """Where a branching step at `path` goes on taking `branch`: that path's first step,
    or (an empty path) the step after the branching step."""
    if branches(step_at(steps, path))[branch]:
        return (*path, branch, 0)
    return after(steps, path)


def walk(steps: list, prefix: Path = ()) -> Iterator[tuple[Path, dict, int]]:
    """Every step with its position and its depth (how many branching steps hold it)."""
    for index, spec in enumerate(steps):
        path = (*prefix, index)
        yield path, spec, len(prefix) // 2
        for number, inner in enumerate(branches(spec)):
            yield from walk(inner, (*path, number))


def _list_of(steps: list, path: Path) -> list:
    current = steps
    for depth in range(0, len(path) - 1, 2):
        current = branches(current[path[depth]])[path[depth + 1]]
    return current


# The keys of a branching step's parameters that hold further steps.
NESTED = {"otherwise", "happened", "timed_out"}


def own_params(step: Any) -> dict:
    """A step's parameters without the steps it holds (those are steps of their own):
    what the run log and the version diff show of it."""
    params = step.get("params") if isinstance(step, dict) else None
    if not isinstance(params, dict):
        return {}
    own = {key: value for key, value in params.items() if key not in NESTED}
    if isinstance(own.get("paths"), list):
        own["paths"] = [
            {key: value for key, value in path.items() if key != "steps"}
            if isinstance(path, dict)
            else path
            for path in own["paths"]
        ]
    return own
