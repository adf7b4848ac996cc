"""What a trigger kind is: a meaning, where its events come from, their key and their data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_type_hints, is_typeddict

from django.dispatch import Signal

Data = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class TriggerKind:
    """One kind of trigger, defined once for whichever path records its events.

    `event_key` names the fact (the same fact reported twice is one event) and
    `data` builds what its workflows can test and use in texts. A signal kind
    (`signal` set) is recorded by workflows.recording, which calls both with
    the service's announcement; a time-based kind (`signal` None) is recorded
    by its sweep in workflows.sweeps, which calls them with what it found
    (each builder says what that is). `data` is annotated with the TypedDict it
    returns, and that TypedDict's keys are the kind's `carries`, so the editor's
    list of data fields cannot drift from the data.
    """

    key: str
    name: str
    description: str
    signal: Signal | None = None
    event_key: Callable[..., Any]
    data: Callable[..., Mapping[str, Any]]
    # `data` for a whole batch of announcements at once, where it reads the
    # database (one query, not one each).
    batch_data: Callable[[Sequence[Data]], list] | None = None
    carries: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "carries", data_keys(self.data))

    def data_of(self, announcements: Sequence[Data]) -> list[Data]:
        """The data of each announcement, in order."""
        if self.batch_data is not None:
            return self.batch_data(announcements)
        return [self.data(announcement) for announcement in announcements]


def data_keys(builder: Callable[..., Mapping[str, Any]]) -> tuple[str, ...]:
    """The keys of the TypedDict `builder` is annotated to return, in order."""
    shape = get_type_hints(builder).get("return")
    if not is_typeddict(shape):
        raise TypeError(f"{builder.__qualname__} must be annotated to return a TypedDict.")
    return tuple(shape.__annotations__)


def full_name(first: str | None, last: str | None) -> str:
    """A staff member's name as Django's `get_full_name` gives it ("" for nobody)."""
    return f"{first or ''} {last or ''}".strip()
