"""The addresses of a queue row's links and actions, reversed once for a page of rows.

`reverse()` for every row and every action is most of what a row costs to draw, and
the rows differ only in the id: each address is reversed once with a placeholder id,
which each row's id then replaces. Only for patterns whose one argument is an `<int:…>`.
"""

from collections.abc import Callable

from django.urls import reverse

_PLACEHOLDER = 987_654_321_987


def path_for(name: str) -> Callable[[int], str]:
    """`path_for("workqueue:close")(12)` == `reverse("workqueue:close", args=[12])`."""
    head, found, tail = reverse(name, args=[_PLACEHOLDER]).rpartition(str(_PLACEHOLDER))
    if not found:
        raise ValueError(f"{name} does not put its id in the path.")
    return lambda pk: f"{head}{pk}{tail}"


SIGNAL_ACTIONS = ("task", "email", "snooze", "close", "reassign")


def row_paths() -> Callable[[int, int], dict[str, str]]:
    """(signal id, account id) → each address a row needs, by name."""
    by_signal = {name: path_for(f"workqueue:{name}") for name in SIGNAL_ACTIONS}
    account, touch = path_for("accounts:detail"), path_for("workqueue:touch")

    def paths(signal_pk: int, account_pk: int) -> dict[str, str]:
        found = {name: path(signal_pk) for name, path in by_signal.items()}
        return {**found, "account": account(account_pk), "touch": touch(account_pk)}

    return paths
