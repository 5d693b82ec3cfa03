"""No import cycle in the engine's floors (``rules``, ``validators``), counting every import: at
module level, under ``if TYPE_CHECKING:`` and inside functions."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "oxpreflight"
ENGINE = ("rules", "validators")


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py") if _name(p)}


def imports(path: Path) -> set[str]:
    """The package's modules ``path`` imports, wherever the import statement stands."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    package = parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            head = base + (node.module.split(".") if node.module else [])
            found.add(".".join(head))
            found.update(".".join(head + [a.name]) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("oxpreflight."):
            head = node.module.split(".")[1:]
            found.add(".".join(head))
            found.update(".".join(head + [a.name]) for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".", 1)[1] for a in node.names
                         if a.name.startswith("oxpreflight."))
    return {m for m in found if m in MODULES} - {_name(path)}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_in_the_engine_floors():
    graph = {m: {i for i in imports(p) if i.split(".")[0] in ENGINE}
             for m, p in MODULES.items() if m.split(".")[0] in ENGINE}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_two_way_import():
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert "validators.declaration" in imports(MODULES["validators.writer"])
