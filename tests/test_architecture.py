"""No import cycles in gravl/: neither between its packages nor between its modules.

An edge A -> B is any import of B by A, wherever it is written (inside a function too), so a
cycle cannot hide behind a deferred import. A package is a top-level subpackage or module of
gravl (``gravl.logs``, ``gravl.cli``). STYLE.md: if two packages need each other, one of them
holds something that belongs to a third.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator, Mapping
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

GRAVL = Path(__file__).resolve().parent.parent / "gravl"

# node -> the nodes it imports (an iterable of them, or a mapping to the modules that do)
Graph = Mapping[str, Iterable[str]]


def module_name(path: Path) -> str:
    parts = path.relative_to(GRAVL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(GRAVL.rglob("*.py"))}


def imported_names(path: Path, module: str) -> Iterator[str]:
    """Every dotted name the module imports: ``import a.b``, ``from a import b`` (as ``a`` and
    ``a.b``, since ``b`` may be a module), relative imports resolved, at any depth."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            yield source
            yield from (f"{source}.{alias.name}" for alias in node.names)


def _owning_module(name: str) -> str | None:
    """The gravl module a dotted name is, or is defined in."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def import_graph(node_of: Callable[[str], str]) -> dict[str, dict[str, set[str]]]:
    """Each node (as ``node_of`` groups modules), the nodes it imports, and for each of those
    the modules whose imports make the edge."""
    graph: dict[str, dict[str, set[str]]] = {}
    for module, path in MODULES.items():
        source = node_of(module)
        edges = graph.setdefault(source, {})
        for name in imported_names(path, module):
            target = _owning_module(name)
            # `gravl` itself (gravl/__init__.py) is the root every package lives in.
            if target is not None and target != "gravl" and node_of(target) != source:
                edges.setdefault(node_of(target), set()).add(module)
    return graph


def find_cycle(graph: Graph) -> list[str] | None:
    """One import cycle, in import order with its first node repeated at the end, or None."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        # graphlib lists each node before the nodes that depend on it: the reverse of imports.
        return list(reversed(error.args[1]))
    return None


def describe(cycle: list[str], graph: Mapping[str, Mapping[str, set[str]]]) -> str:
    edges = [
        f"  {a} -> {b} (imported by {', '.join(sorted(graph[a][b]))})"
        for a, b in zip(cycle, cycle[1:], strict=False)
    ]
    return "\n".join(["import cycle: " + " -> ".join(cycle), *edges])


def test_packages_import_each_other_without_cycles() -> None:
    graph = import_graph(_package)
    assert {"gravl.logs", "gravl.recovery", "gravl.cli", "gravl.transfer"} <= graph.keys()
    cycle = find_cycle(graph)
    assert cycle is None, describe(cycle, graph)


def test_modules_import_each_other_without_cycles() -> None:
    graph = import_graph(lambda module: module)
    assert "gravl.transfer.parsing" in graph["gravl.transfer.strong"]
    cycle = find_cycle(graph)
    assert cycle is None, describe(cycle, graph)


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, {"a", "b"}),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, {"a", "b", "c"}),
    ],
)
def test_find_cycle_finds_exactly_the_cycles(graph: Graph, cycle: set[str] | None) -> None:
    found = find_cycle(graph)
    if cycle is None:
        assert found is None
    else:
        assert found is not None and found[0] == found[-1] and set(found) == cycle
        # In import order: each node imports the next.
        assert all(b in graph[a] for a, b in zip(found, found[1:], strict=False))


def test_a_cycle_is_described_edge_by_edge() -> None:
    graph = {"gravl.a": {"gravl.b": {"gravl.a.x"}}, "gravl.b": {"gravl.a": {"gravl.b.y"}}}
    cycle = find_cycle(graph)
    assert cycle is not None
    text = describe(cycle, graph)
    assert "gravl.a -> gravl.b (imported by gravl.a.x)" in text
    assert "gravl.b -> gravl.a (imported by gravl.b.y)" in text


def test_imports_at_any_depth_and_relative_ones_are_edges(tmp_path: Path) -> None:
    source = tmp_path / "gravl" / "logs" / "service.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "import gravl.recovery.model\n"
        "from gravl.stats import e1rm\n"
        "def later():\n"
        "    from gravl.training.models import Workout\n"
        "    from .schemas import LogIn\n"
        "    from . import models\n"
        "    from ..catalog.cache import exercise_muscles\n"
    )
    assert set(imported_names(source, "gravl.logs.service")) == {
        "gravl.recovery.model",
        "gravl.stats",
        "gravl.stats.e1rm",
        "gravl.training.models",
        "gravl.training.models.Workout",
        "gravl.logs.schemas",
        "gravl.logs.schemas.LogIn",
        "gravl.logs",
        "gravl.logs.models",
        "gravl.catalog.cache",
        "gravl.catalog.cache.exercise_muscles",
    }
