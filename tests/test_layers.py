"""Layers point down: `core` imports no app, and no two apps import each other, however
indirectly.

The graph is built from the source (every `import` and `from … import`, also those
inside functions), not from what happens to be loaded, so an import that runs only
on one path still counts. Migrations (frozen history) and tests are left out. A
failure names the cycle and the line behind each of its arrows.
"""

import ast
import itertools
from collections import defaultdict, deque
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Above every app: a page or command here may combine them all; nothing imports it.
TOP = {"insights", "demo"}


def project_apps() -> set[str]:
    """The apps whose code lives in this repository (not Django's or a library's)."""
    return {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}


def imported_modules(path: Path, module: str) -> list[tuple[str, int]]:
    """Every module `path` (the module called `module`) imports, with its line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.append(
                    (".".join([*base, *([node.module] if node.module else [])]), node.lineno)
                )
            elif node.module:
                found.append((node.module, node.lineno))
    return found


def import_graph() -> dict[str, dict[str, str]]:
    """{app: {app it imports: the first "file:line" that does}}, excluding migrations/tests."""
    names = project_apps()
    graph: dict[str, dict[str, str]] = defaultdict(dict)
    for app in sorted(names):
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if {"migrations", "tests"} & set(relative.parts):
                continue
            module = ".".join(relative.with_suffix("").parts)
            for imported, line in imported_modules(path, module):
                target = imported.split(".")[0]
                if target in names and target != app:
                    graph[app].setdefault(target, f"{relative}:{line}")
    return graph


def shortest_path(graph: dict[str, dict[str, str]], start: str, goal: str) -> list[str] | None:
    """The shortest chain of imports from `start` to `goal`, or None."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        app = queue.popleft()
        if app == goal:
            chain = [app]
            while previous[chain[-1]] is not None:
                chain.append(previous[chain[-1]])
            return chain[::-1]
        for nxt in sorted(graph.get(app, {})):
            if nxt not in previous:
                previous[nxt] = app
                queue.append(nxt)
    return None


def cycles(graph: dict[str, dict[str, str]]) -> list[str]:
    """One line per cycle, e.g. "a → b → a (a/x.py:3; b/y.py:9)"; each cycle named once."""
    found, seen = [], set()
    for app in sorted(graph):
        for target in sorted(graph[app]):
            back = shortest_path(graph, target, app)
            if back is None:
                continue
            chain = [app, *back]
            if frozenset(chain) in seen:
                continue
            seen.add(frozenset(chain))
            where = "; ".join(graph[a][b] for a, b in itertools.pairwise(chain))
            found.append(f"{' → '.join(chain)} ({where})")
    return found


def test_no_import_cycle_between_apps():
    found = cycles(import_graph())
    assert not found, "import cycles between apps:\n" + "\n".join(found)


def test_core_imports_no_app():
    imports = import_graph().get("core", {})
    assert not imports, "core imports apps: " + ", ".join(f"{a} ({w})" for a, w in imports.items())


def test_no_app_imports_the_pages_and_commands_above_them():
    graph = import_graph()
    upward = {
        f"{app} → {target} ({where})"
        for app, targets in graph.items()
        if app not in TOP
        for target, where in targets.items()
        if target in TOP
    }
    assert upward == set()


def test_the_graph_sees_imports_inside_functions_and_relative_ones(tmp_path):
    """The check itself: a lazy import counts, and `from ..x import y` resolves."""
    source = tmp_path / "views.py"
    source.write_text(
        "def f():\n    from accounts.models import Account\nfrom ..core import clock\n"
    )
    assert sorted(imported_modules(source, "pkg.sub.views")) == [
        ("accounts.models", 2),
        ("pkg.core", 3),
    ]
    assert cycles({"a": {"b": "a.py:1"}, "b": {"c": "b.py:2"}, "c": {"a": "c.py:3"}}) == [
        "a → b → c → a (a.py:1; b.py:2; c.py:3)"
    ]
