"""The layers of docs/architecture.md hold, and no two modules import each other.

Two checks, both on the import graph of ``src/kefu`` that grimp (the engine of
import-linter) builds from the source, without importing it:

- the import-linter contracts of pyproject.toml (``lint-imports``): the one-way
  flow between sub-packages, and no cycle between the siblings of a package;
- no cycle between *modules*, anywhere under src/. Every import counts: at the
  top of a module, inside a function (hiding an import in a function leaves the
  two modules depending on each other) and under ``TYPE_CHECKING`` (the types
  of one module would then be defined in terms of the other's).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping

import grimp

from tests.conftest import REPO

SRC = REPO / "src"


def import_cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative).

    Each is a set of modules that reach each other through imports, sorted by name.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(edges.get(root, ()))))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
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
    return sorted(found)


def _module_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("kefu", exclude_type_checking_imports=False, cache_dir=None)
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def test_the_cycle_finder_finds_cycles_and_nothing_else() -> None:
    # a → b → c → a is one cycle; d → a and c → e only lead into or out of it;
    # f ↔ g is a second one. A self-import is not a cycle between modules.
    edges = {
        "a": {"b"},
        "b": {"c"},
        "c": {"a", "e"},
        "d": {"a"},
        "e": set(),
        "f": {"g", "f"},
        "g": {"f"},
    }
    assert import_cycles(edges) == [["a", "b", "c"], ["f", "g"]]
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycle_between_modules() -> None:
    edges = _module_graph()
    assert "kefu.web.app" in edges and "kefu.store.tables" in edges["kefu.ingest.validate"]
    cycles = import_cycles(edges)
    described = [
        " ↔ ".join(cycle)
        + ": "
        + "; ".join(f"{a} → {b}" for a in cycle for b in sorted(edges[a]) if b in cycle)
        for cycle in cycles
    ]
    assert described == [], "\n".join(described)


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = shutil.which("lint-imports", path=os.path.dirname(sys.executable))
    assert lint_imports is not None, "import-linter is in the dev extra"
    done = subprocess.run(
        [lint_imports, "--no-cache", "--no-logo"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = done.stdout + done.stderr
    assert ", 0 broken." in report, report
    assert done.returncode == 0, report
