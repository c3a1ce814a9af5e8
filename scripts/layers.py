#!/usr/bin/env python
"""The layer rule (docs/architecture.md § Layers): every import of a `kechuang` module goes
down a layer, or sideways inside a layer without a loop; domain apps never import each other
(they meet in a registry of a lower layer). Imports inside functions count like any other —
hiding one in a function does not remove the dependency.

Run: python scripts/layers.py  (exit 1 on a violation); `scripts/lint_project.py` runs it.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "kechuang"

LAYERS = ("pure", "infrastructure", "access", "shared", "base", "plan", "domain", "shell")

# Module prefix (below `kechuang.`) → layer; the longest matching prefix wins, and an app not
# listed is a domain app. A unit is the prefix that matched (or the unlisted app): sideways
# imports between units of one layer must not form a loop; in the domain layer they are refused.
UNITS: dict[str, str] = {
    # pure Python: no Django, no I/O
    "policy": "pure",
    "planextract": "pure",
    # infrastructure: errors, parameters, files, Excel, scheduling, the audit context, the job
    # registry — nothing here knows a user or a role
    "core": "infrastructure",
    "audit.context": "infrastructure",
    "jobs.registry": "infrastructure",
    # access: the user, roles, Scope, restrict(), can(), passwords, second factor
    "accounts": "access",
    # shared machinery every domain app uses: audited writes, API and view kits, the audit
    # trail, jobs, notices, the workflow engine, the importer, the metrics registry
    "core.services": "shared",
    "core.api": "shared",
    "core.api_auth": "shared",
    "core.authentication": "shared",
    "core.admin": "shared",
    "core.admin_site": "shared",
    "core.shortcuts": "shared",
    "core.views": "shared",
    "core.urls": "shared",
    "audit": "shared",
    "jobs": "shared",
    "notices": "shared",
    "workflow": "shared",
    "imports": "shared",
    "metrics": "shared",
    # base domain: the regions and the organisations everything else belongs to
    "regions": "base",
    "orgs": "base",
    # the work plan, its reported figures and its live indicators: what domain apps feed
    "plans": "plan",
    "reported": "plan",
    "kpi": "plan",
    # domain apps, including the administrators' own pages (accounts, audit trail)
    "cultivation": "domain",
    "assessment": "domain",
    "accounts.admin": "domain",
    "accounts.filters": "domain",
    "accounts.forms": "domain",
    "accounts.manage_views": "domain",
    "accounts.management": "domain",
    "accounts.selectors": "domain",
    "accounts.services": "domain",
    "accounts.tables": "domain",
    "accounts.urls": "domain",
    "accounts.views": "domain",
    "audit.exports": "domain",
    "audit.filters": "domain",
    "audit.forms": "domain",
    "audit.selectors": "domain",
    "audit.tables": "domain",
    "audit.urls": "domain",
    "audit.views": "domain",
    "notices.urls": "domain",
    "notices.views": "domain",
    # the site shell: landing pages, navigation, seed and demo commands, URL and settings
    "web": "shell",
    "urls": "shell",
    "api_urls": "shell",
    "settings": "shell",
    "settings_test": "shell",
    "wsgi": "shell",
    "cli": "shell",
}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [layers] {self.message}"


def unit_of(module: str) -> str:
    """The unit (longest UNITS prefix) of a dotted module path below `kechuang.`; an app
    that is not listed is a domain app (so a new module needs no entry here)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in UNITS:
            return prefix
    return parts[0]


def layer_of(unit: str) -> str:
    return UNITS.get(unit, "domain")


def _module_of(path: Path, src: Path) -> str:
    rel = path.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _app(module: str) -> str:
    return module.split(".", 1)[0]


def _skipped(path: Path, src: Path) -> bool:
    rel = path.relative_to(src).as_posix()
    return ("/migrations/" in rel or "/tests/" in rel or rel.startswith("tests/")
            or path.name == "conftest.py")


def imports_of(tree: ast.AST, src: Path = SRC) -> list[tuple[int, str]]:
    """(line, module below `kechuang.`) of every absolute kechuang import in the tree."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "kechuang" or node.module.startswith("kechuang."):
                base = node.module.removeprefix("kechuang").lstrip(".")
                for alias in node.names:  # `from kechuang.kpi import metrics` → kpi.metrics
                    sub = f"{base}.{alias.name}" if base else alias.name
                    is_module = ((src / Path(*sub.split("."))).with_suffix(".py").exists()
                                 or (src / Path(*sub.split("."))).is_dir())
                    out.append((node.lineno, sub if is_module else base))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kechuang."):
                    out.append((node.lineno, alias.name.removeprefix("kechuang.")))
    return out


def edges(src: Path = SRC) -> list[tuple[str, int, str, str]]:
    """(file, line, from-module, to-module) of every import between two units."""
    out = []
    for path in sorted(src.rglob("*.py")):
        if _skipped(path, src):
            continue
        module = _module_of(path, src)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        seen = set()
        for line, target in imports_of(tree, src):
            if not target or unit_of(module) == unit_of(target) or (line, target) in seen:
                continue
            seen.add((line, target))
            # an app's AppConfig loads its own modules at start-up (job handlers, metrics)
            if path.name == "apps.py" and _app(target) == _app(module):
                continue
            out.append((path.relative_to(ROOT).as_posix(), line, module, target))
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def check(src: Path = SRC) -> list[Problem]:
    problems = []
    graph: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], tuple[str, int]] = {}
    for path, line, module, target in edges(src):
        a, b = unit_of(module), unit_of(target)
        la, lb = LAYERS.index(layer_of(a)), LAYERS.index(layer_of(b))
        if lb > la:
            problems.append(Problem(path, line, f"{module} ({layer_of(a)}) imports {target} "
                                    f"({layer_of(b)}): a layer may only import layers below it"))
        elif lb == la and layer_of(a) == "domain" and _app(a) != _app(b):
            problems.append(Problem(path, line, f"domain apps {a} and {b} meet only through a "
                                    f"registry of a lower layer ({module} imports {target})"))
        elif lb == la and layer_of(a) != "domain":
            graph[a].add(b)
            where.setdefault((a, b), (path, line))
    for comp in _cycles(graph):
        members = set(comp)
        for (a, b), (path, line) in sorted(where.items()):
            if a in members and b in members:
                problems.append(Problem(path, line, f"loop between {' ↔ '.join(comp)}: "
                                        f"{a} imports {b}"))
    return problems


def main() -> int:
    problems = check()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
