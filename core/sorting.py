"""Column headers that sort a list: one click sorts, a second click reverses.

A header link replaces the list's `sort` parameter (it never appends a second one,
which is how `?sort=-score&sort=-score` used to pile up) and drops the page number,
since page 3 of another order is a different set of rows.
"""

from dataclasses import dataclass

from django.http import QueryDict


@dataclass(frozen=True)
class SortHeader:
    """One column header: its label, where a click goes, and its current direction."""

    label: str
    url: str | None  # None: this column does not sort
    direction: str  # "asc", "desc" or "" (not the current sort)
    align_end: bool = False

    @property
    def arrow(self) -> str:
        return {"asc": "↑", "desc": "↓"}.get(self.direction, "")

    @property
    def aria_sort(self) -> str:
        return {"asc": "ascending", "desc": "descending"}.get(self.direction, "none")


def sort_headers(
    query: QueryDict,
    columns: list[tuple[str, str | None, str]],
    *,
    param: str = "sort",
    default: str = "",
    align_end: frozenset[str] = frozenset(),
) -> list[SortHeader]:
    """Headers for `columns`, each (label, sort key or None, first direction "asc"/"desc").

    The current sort is the last `param` value in `query` (or `default`); clicking its
    column flips the direction, clicking another column sorts by it in its first direction.
    """
    current = (query.getlist(param) or [default])[-1]
    base = query.copy()
    base.pop(param, None)
    base.pop("page", None)
    headers = []
    for label, key, first in columns:
        if key is None:
            headers.append(SortHeader(label, None, "", label in align_end))
            continue
        direction = "desc" if current == f"-{key}" else "asc" if current == key else ""
        if direction:
            target = key if direction == "desc" else f"-{key}"
        else:
            target = f"-{key}" if first == "desc" else key
        link = base.copy()
        link[param] = target
        headers.append(SortHeader(label, f"?{link.urlencode()}", direction, label in align_end))
    return headers
