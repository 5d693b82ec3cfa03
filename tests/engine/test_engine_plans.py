"""The engine's structure: a full declaration for every condition class, readable generated
plans, frame rows for every frame-level answer, no upward imports."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oxpreflight import Preflight
from oxpreflight.rules import RULES, language as D
from oxpreflight.rules import frame as frame_rules
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.validators.compiler import compile_plans
from oxpreflight.validators.kinds import BY_ROW, KINDS, PARTS, Kind, RuleError, conditions, \
    declare, validate_rows
from oxpreflight.validators.internal import internal_error
from oxpreflight.validators.writer import const_name

PF = Preflight(MARKETS, clock=lambda: NOW)
PACKAGE = Path(__file__).resolve().parents[2] / "oxpreflight"


def test_every_condition_class_has_a_declaration_with_every_part():
    used = {type(c) for rule in RULES for c in conditions(rule.fails)}
    declared = {cls for cls in vars(D).values()
                if isinstance(cls, type) and issubclass(cls, D.Cond) and cls is not D.Cond}
    assert used <= declared <= set(KINDS), declared - set(KINDS)
    assert all(not KINDS[cls].missing() for cls in declared)
    assert PARTS == ("emit", "predicate", "breaker", "fixer")
    # only the engine's own frame-level checks keep hand-written breakers (by rule name)
    assert [cls for cls in declared if KINDS[cls].breaker is BY_ROW] == [D.Envelope]


def test_a_condition_without_a_declaration_fails_at_build_time():
    class Novel(D.Cond):
        def describe(self):
            return "new"

    row = D.Rule("20002", ("placeorder",), Novel(), "doc", bad={}, good={}, name="novel")
    with pytest.raises(RuleError, match="rule novel: condition class Novel has no declaration"):
        compile_plans(RULES + (row,), {})
    with pytest.raises(RuleError, match="Novel"):
        validate_rows([row])


@pytest.mark.parametrize("part", PARTS)
def test_a_declaration_missing_a_part_fails_at_build_time_naming_class_and_part(part):
    cls = type(f"Partial{part.title()}", (D.Cond,), {"describe": lambda self: "partial"})
    given = {"emit": lambda b, c: "False", "predicate": None, "breaker": None, "fixer": None}
    del given[part]
    declare(Kind(cls, **given))
    row = D.Rule("20002", ("placeorder",), D.All(D.Present("price"), cls()), "doc",
                 bad={}, good={}, name="partial")
    with pytest.raises(RuleError, match=f"condition class {cls.__name__} declares no {part}"):
        compile_plans(RULES + (row,), {})
    with pytest.raises(RuleError, match=f"{cls.__name__} declares no {part}"):
        validate_rows([row])


def test_not_applicable_is_declared_and_a_full_declaration_compiles():
    cls = type("Declared", (D.Cond,), {"describe": lambda self: "declared"})
    declare(Kind(cls, emit=lambda b, c: "False", predicate=None, breaker=None, fixer=None))
    row = D.Rule("20002", ("placeorder",), cls(), "doc", bad={}, good={}, name="declared")
    validate_rows([row])
    assert "# 20002 declared" not in compile_plans(RULES + (row,), {})["placeorder"].source
    with pytest.raises(RuleError, match="declared twice"):
        declare(Kind(cls, emit=lambda b, c: "True", predicate=None, breaker=None, fixer=None))


@pytest.mark.parametrize("op", D.COMMANDS)
def test_generated_plans_are_readable(op):
    source = PF.plans[op].source
    ast.parse(source)
    assert all(len(line) <= 120 for line in source.splitlines()), op
    assert "True and" not in source and "and True" not in source
    assert not re.search(r"\bK\d+\b", source)
    names = {const_name(r) for r in PF.plans[op].rules}
    for line in source.splitlines():
        returned = re.match(r"\s*return \((\w+), ", line)
        if returned and returned.group(1) != "d":
            assert returned.group(1) in names


def test_each_row_in_a_plan_carries_its_code_and_name():
    source = PF.plans["placeorder"].source
    for rule in PF.plans["placeorder"].rules:
        if isinstance(rule.fails, D.Envelope) and rule.fails.name not in (
                "bad_tag", "tag_too_long", "bad_payload"):
            continue
        assert f"# {rule.code} {rule.name}\n" in source, rule.name
    assert "FAST_PATHS = {" in source and "def item_stop_limit(" in source


def test_frame_level_answers_are_rows_of_the_frame_table():
    names = {r.fails.name for r in frame_rules.RULES}
    assert {"too_long", "not_json", "not_utf8", "too_deep", "unknown_op", "tag_too_long",
            "bad_tag", "bad_payload", "internal_error"} <= names
    codes = {r.fails.name: r.code for r in frame_rules.RULES}
    assert internal_error(RuntimeError()).code == codes["internal_error"]
    assert [w.code for w in internal_error(RuntimeError()).warnings] == ["W000"]


def test_no_exchange_code_literal_in_the_engine():
    for path in (PACKAGE / "validators").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"""['"]\d{5,6}['"]""", text), path.name


def test_no_engine_module_over_400_lines():
    for path in list((PACKAGE / "validators").rglob("*.py")) + [PACKAGE / "preflight.py"]:
        assert len(path.read_text().splitlines()) <= 400, path.name


#: The floors, bottom first: a module may import only from its own floor or below.
FLOORS = (("rules",), ("validators",), ("session",),
          ("preflight", "errors", "guard", "models", "docs", "login", "batches", "waiting",
           "config", "docs_scope", "autofix"),
          ("websocket", "adapter", "audit", "testing", "cli", "strategies", "pytest_plugin",
           "__root__"))


def _floor(module: str) -> int:
    top = module.split(".")[0]
    found = [i for i, names in enumerate(FLOORS) if top in names]
    assert found, f"{module} is on no floor"
    return found[0]


def _imports(path: Path) -> list[str]:
    """Package-relative names a module imports: lazy imports inside functions and
    annotation-only ones (``if TYPE_CHECKING:``) included."""
    tree = ast.parse(path.read_text())
    here = path.relative_to(PACKAGE).with_suffix("").parts
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(here[:len(here) - node.level])
            if node.module:
                found.append(".".join(base + node.module.split(".")))
            elif base:
                found.extend(".".join(base + [a.name]) for a in node.names)
            else:  # `from .. import X`: the package root, which re-exports every floor
                found.append("__root__")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("oxpreflight."):
            found.append(node.module.split(".", 1)[1])
    return [name for name in found if name and name.split(".")[0] != "__init__"]


def test_imports_only_run_downward():
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] in ("__init__", "__main__"):
            continue
        floor = _floor(parts[0])
        for name in _imports(path):
            assert _floor(name) <= floor, f"{path.relative_to(PACKAGE)} imports {name}"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__root__"


def import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports (``pkg.name`` where ``name`` is a module,
    else ``pkg`` itself), counting function-level and ``TYPE_CHECKING`` imports."""
    paths = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text())
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = [p for p in package.split(".") if p and p != "__root__"]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("oxpreflight"):
                target = node.module.partition(".")[2]
            else:
                continue
            for alias in node.names:
                whole = f"{target}.{alias.name}" if target else alias.name
                found.add(whole if whole in paths else target or "__root__")
        graph[name] = found - {name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (each holds a cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; the package is a few dozen deep
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle_counting_lazy_and_type_checking_imports():
    graph = import_graph()
    assert "session.core" in graph["session"] and "preflight" in graph["__root__"]
    assert "session" in graph["guard"]  # an annotation-only import, counted
    cycles = import_cycles(graph)
    assert cycles == []  # the engine's writer <-> emitters is gone: kinds/ sit above the writer
    # the counter finds a cycle when there is one
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def private_reads() -> list[str]:
    """Every read of an underscored attribute of something other than ``self``/``cls``."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) \
                    and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {ast.unparse(node)}")
    return found


def test_at_most_a_handful_of_private_attribute_reads_and_none_in_the_session():
    reads = private_reads()
    # left: the standard library's (sys._getframe, argparse's subparsers), Verdict comparing
    # its own kind, the adapter stopping the reader of the connection it made
    assert len(reads) <= 6, reads
    assert not [r for r in reads if r.startswith(("session/", "guard", "preflight"))], reads


def test_public_preflight_session_is_typed_as_session():
    from typing import get_type_hints

    from oxpreflight.session import Session

    assert get_type_hints(Preflight.session, localns={"Session": Session})["return"] is Session
