"""Pickers and fields the typed step forms share: a choice that keeps an unknown value,
numbers with units, lists typed as lines."""

from django import forms

from ..actions import wait

UNITS = [("minutes", "minutes"), ("hours", "hours"), ("days", "days")]
MINUTES_PER = {"minutes": 1, "hours": 60, "days": 24 * 60}


class Picker(forms.CharField):
    """A select whose choices come from the database, that keeps a value it does not list.

    A step saved before its template was deleted still shows what it names (marked
    unknown), and the action's own `validate` says why it cannot run, at the field.
    """

    def __init__(self, *, choices=(), blank: str = "Choose…", **kwargs):
        self.blank = blank
        kwargs.setdefault("widget", forms.Select)
        super().__init__(**kwargs)
        self.set_choices(choices)

    def set_choices(self, choices, current: object = None, *, unlisted=None) -> None:
        """`unlisted`: labels of values that exist but are not offered (a meeting kind
        switched off), shown as such when a step still names one."""
        listed = list(choices)
        known = {value for value, label in _flat(listed)}
        if current not in (None, "") and str(current) not in known:
            label = (unlisted or {}).get(str(current)) or f"{current} (unknown)"
            listed.append((str(current), label))
        self.widget.choices = [("", self.blank), *listed]


def _flat(choices: list) -> list[tuple]:
    flat = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            flat += list(label)
        else:
            flat.append((value, label))
    return flat


def amount_and_unit(params: dict) -> tuple[int | None, str]:
    """A wait's time as one number and its unit (1 day 2 hours → 26 hours)."""
    given = {unit: params.get(unit) for unit in wait.UNITS if params.get(unit) not in (None, 0)}
    if len(given) == 1:
        unit, amount = next(iter(given.items()))
        return amount, unit
    if not given:
        return None, "days"
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in given.values()):
        return None, "days"
    minutes = sum(MINUTES_PER[unit] * amount for unit, amount in given.items())
    for unit in ("days", "hours"):
        if minutes % MINUTES_PER[unit] == 0:
            return minutes // MINUTES_PER[unit], unit
    return minutes, "minutes"


class AmountField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", wait.UNITS["minutes"])
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 1}))
        super().__init__(**kwargs)


def unit_field(label: str = "Unit") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=UNITS, initial="days")


def lines_to_links(text: str) -> dict[str, str]:
    """ "name = data.key" lines as a message's links."""
    links = {}
    for line in text.splitlines():
        name, _, reference = line.partition("=")
        if name.strip():
            links[name.strip()] = reference.strip()
    return links


def links_to_lines(links: object) -> str:
    if not isinstance(links, dict):
        return ""
    return "\n".join(f"{name} = {reference}" for name, reference in links.items())


def reference(text: str) -> str | int:
    """A reference typed in a box: an id as a number, `data.<key>` as text."""
    text = text.strip()
    return int(text) if text.isdigit() else text
