"""The layering of ``tui/`` checked from its source: one direction of data, no import cycles,
small modules.

Imports are read with :mod:`ast` (nothing is imported), so the check sees the imports inside
functions too: a screen that imports another screen lazily still makes a cycle a person has to
untangle. Imports under ``if TYPE_CHECKING:`` are annotations only and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUI = ROOT / "tui"

#: Modules that are data tables rather than code (the demo fleet's story, the metric catalog,
#: the instance facts table): allowed past the size limit.
DATA_TABLES = {"tui.demo.fleet", "tui.model.catalog", "tui.model.instances"}
MAX_LINES = 500

#: Which layers each layer may import (besides the standard library and its own).
ALLOWED = {
    "tui.model": {"tui.model"},
    "tui.aws": {"tui.aws", "tui.model"},
    "tui.widgets": {"tui.widgets", "tui.model"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(TUI.rglob("*.py"))}


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of the import statements under ``if TYPE_CHECKING:``."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                for sub in ast.walk(inner):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        lines.add(sub.lineno)
    return lines


def imports_of(name: str) -> set[str]:
    """The ``tui`` modules ``name`` imports anywhere in its source (``from pkg import mod``
    counts as importing ``pkg.mod``)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_are_read_from_the_source():
    # a module known to import the catalog at its top
    assert "tui.model.catalog" in GRAPH["tui.model.plan"]


def test_no_import_cycle_inside_tui():
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layers_import_only_downwards(layer):
    allowed = ALLOWED[layer]
    wrong = {
        name: sorted(m for m in deps if not any(m == a or m.startswith(a + ".") for a in allowed | {"tui"}))
        for name, deps in GRAPH.items() if name == layer or name.startswith(layer + ".")
    }
    wrong = {name: deps for name, deps in wrong.items() if deps}
    assert wrong == {}


def test_screens_do_not_import_each_other():
    """Reusable pieces live in ``tui/widgets``; a screen opens another through the registry."""
    shared = {"tui.screens", "tui.screens.registry", "tui.screens.drill", "tui.screens.base"}
    wrong = {
        name: sorted(m for m in deps if m.startswith("tui.screens.") and m not in shared)
        for name, deps in GRAPH.items() if name.startswith("tui.screens.") and name not in shared
    }
    assert {name: deps for name, deps in wrong.items() if deps} == {}


def test_modules_are_small():
    sizes = {name: sum(1 for _ in path.open(encoding="utf-8")) for name, path in MODULES.items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES and name not in DATA_TABLES} == {}


def test_every_module_says_what_it_holds():
    missing = [name for name, path in MODULES.items()
               if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None]
    assert missing == []


#: Names several modules define on purpose, each the same role in its own module (a protocol):
#: ``main`` is the entry point of each command (``tui.cli``, ``tui.serve``, ``tui.snapshot``);
#: ``install`` hooks one extension into the library it extends (the read-only guard into botocore,
#: each demo extension into moto). Nothing else may be defined twice.
PROTOCOL_NAMES = {"main", "install"}


def top_level_definitions(tree: ast.Module) -> set[str]:
    """The functions and classes a module defines at its top level."""
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def test_each_name_is_defined_in_one_module():
    """One definition per name: the same function or class name in two modules of ``tui/``
    (``window_sum`` with two NaN rules, ``host_table`` for two different tables) is two meanings
    a reader has to tell apart by the import line."""
    where: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        for defined in top_level_definitions(ast.parse(path.read_text(encoding="utf-8"))):
            where.setdefault(defined, []).append(name)
    twice = {defined: sorted(mods) for defined, mods in where.items()
             if len(mods) > 1 and defined not in PROTOCOL_NAMES}
    assert twice == {}


def test_the_duplicate_finder_finds_a_duplicate():
    one = top_level_definitions(ast.parse("def f(): ...\nclass C: ...\nx = 1\nif True:\n    def g(): ..."))
    assert one == {"f", "C"}
