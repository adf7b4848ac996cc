"""The nested steps as the builder's page posts them, and the moves made on them.

Every step, decision path and condition is a node with an id of its own ("s4", "p7",
"c9"): its fields are prefixed with it, and each list that holds nodes is one hidden
input, `order-<list>`, holding their ids in order. A drag (SortableJS) or a Move / Delete
button only rewrites those lists, so whatever was typed into a node goes with it.

Lists: "root" (the steps), "root-conds" (the conditions), "goal-conds" (the goal's);
a decision `s` holds "s-paths" (its paths) and "s-otherwise"; a path `p` holds "p-conds"
and "p-steps"; a wait-for `s` holds "s-conds", "s-happened" and "s-timed_out".
"""

import re
from dataclasses import dataclass, field

from .. import paths

ROOT, ROOT_CONDS, GOAL_CONDS = "root", "root-conds", "goal-conds"
NODE_ID = re.compile(r"^[scp]\d{1,6}$")
# Deeper than any graph can be saved at (workflows.graph.MAX_DEPTH), so a posted tree
# is read whole and refused with its reason, but never read without end.
MOST_LEVELS = 12
MOST_NODES = 2000


def step_lists(action: str, node: str) -> list[str]:
    """The step lists a step holds, in path order (workflows.paths.branches)."""
    if action == paths.WAIT_FOR:
        return [f"{node}-happened", f"{node}-timed_out"]
    return []


@dataclass
class Tree:
    lists: dict[str, list[str]] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)  # step id -> action key
    next_id: int = 1

    def new(self, kind: str) -> str:
        node = f"{kind}{self.next_id}"
        self.next_id += 1
        return node

    def items(self, key: str) -> list[str]:
        return self.lists.setdefault(key, [])

    # --- the moves -------------------------------------------------------------

    def add_step(self, key: str, action: str) -> str:
        node = self.new("s")
        self.actions[node] = action
        self.items(key).append(node)
        if action == paths.DECISION:
            self.add_path(node)
        return node

    def add_path(self, decision: str) -> str:
        path = self.new("p")
        self.items(f"{decision}-paths").append(path)
        self.items(f"{path}-conds").append(self.new("c"))
        return path

    def add_condition(self, key: str) -> str:
        node = self.new("c")
        self.items(key).append(node)
        return node

    def remove(self, node: str) -> None:
        for items in self.lists.values():
            if node in items:
                items.remove(node)

    def move(self, node: str, by: int) -> None:
        for items in self.lists.values():
            if node in items:
                index = items.index(node)
                target = min(max(index + by, 0), len(items) - 1)
                items.insert(target, items.pop(index))
                return


def read(data, actions_of) -> Tree:
    """The tree as posted: only nodes reachable from the root, each once."""
    tree = Tree()
    try:
        tree.next_id = max(1, int(data.get("next-id", "1")))
    except ValueError:
        tree.next_id = 1
    seen: set[str] = set()

    def ids(key: str) -> list[str]:
        raw = [part.strip() for part in str(data.get(f"order-{key}", "")).split(",")]
        found = [n for n in raw if NODE_ID.match(n) and n not in seen][:MOST_NODES]
        seen.update(found)
        tree.lists[key] = found
        return found

    def steps(key: str, level: int) -> None:
        for node in [n for n in ids(key) if n.startswith("s")]:
            action = actions_of(node)
            tree.actions[node] = action
            if level >= MOST_LEVELS:
                continue
            if action == paths.DECISION:
                for path in [p for p in ids(f"{node}-paths") if p.startswith("p")]:
                    ids(f"{path}-conds")
                    steps(f"{path}-steps", level + 1)
                steps(f"{node}-otherwise", level + 1)
            elif action == paths.WAIT_FOR:
                ids(f"{node}-conds")
                for inner in step_lists(action, node):
                    steps(inner, level + 1)

    ids(ROOT_CONDS)
    ids(GOAL_CONDS)
    steps(ROOT, 0)
    # A node id is never given twice, even to one removed and posted no more.
    numbers = [int(n[1:]) for n in seen]
    tree.next_id = max([tree.next_id, *(n + 1 for n in numbers)])
    return tree


def build(
    conditions: list, steps: list, goal_conditions: list = ()
) -> tuple[Tree, dict[str, dict]]:
    """The tree of a saved definition, and what each node shows at first."""
    tree, shown = Tree(), {}

    def conds(key: str, rows: list) -> None:
        for condition in rows if isinstance(rows, list) else []:
            node = tree.add_condition(key)
            shown[node] = condition if isinstance(condition, dict) else {}

    def add(key: str, specs: list) -> None:
        for spec in specs if isinstance(specs, list) else []:
            spec = spec if isinstance(spec, dict) else {}
            action, params = str(spec.get("action", "")), spec.get("params") or {}
            node = tree.new("s")
            tree.actions[node] = action
            tree.items(key).append(node)
            shown[node] = params
            if action == paths.DECISION and isinstance(params, dict):
                for option in params.get("paths") or []:
                    option = option if isinstance(option, dict) else {}
                    path = tree.new("p")
                    tree.items(f"{node}-paths").append(path)
                    shown[path] = {"name": option.get("name", "")}
                    conds(f"{path}-conds", option.get("conditions") or [])
                    add(f"{path}-steps", option.get("steps") or [])
                add(f"{node}-otherwise", params.get("otherwise") or [])
            elif action == paths.WAIT_FOR and isinstance(params, dict):
                conds(f"{node}-conds", params.get("conditions") or [])
                add(f"{node}-happened", params.get("happened") or [])
                add(f"{node}-timed_out", params.get("timed_out") or [])

    conds(ROOT_CONDS, conditions)
    tree.items(ROOT_CONDS)
    conds(GOAL_CONDS, list(goal_conditions))
    tree.items(GOAL_CONDS)
    add(ROOT, steps)
    return tree, shown
