#!/usr/bin/env python
"""Project-specific lint rules (after Zulip): each rule has a good and a bad example,
tested in src/kechuang/core/tests/test_lint_project.py.

Run: python scripts/lint_project.py  (exit 1 when a rule is broken)
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (scripts/layers.py, beside this file)

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "kechuang"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    applies: object  # Callable[[Path], bool]
    message: str
    good: str
    bad: str


def _rel(p: Path) -> str:
    try:
        return p.relative_to(SRC).as_posix()
    except ValueError:
        return p.as_posix()


def in_policy(p: Path) -> bool:
    """The pure packages: policy/ and planextract/ (docs/architecture.md § Layers)."""
    return _rel(p).startswith(("policy/", "planextract/"))


def in_policy_engine(p: Path) -> bool:
    """policy/ without its tests (which may build float cells for spreadsheets)."""
    return _rel(p).startswith("policy/") and "/tests/" not in _rel(p)


def is_view(p: Path) -> bool:
    return p.name == "views.py" or "/views/" in _rel(p)


def is_api(p: Path) -> bool:
    return p.name == "api.py"


def outside_workflow(p: Path) -> bool:
    rel = _rel(p)
    return not rel.startswith(("workflow/", "jobs/")) and "/tests/" not in rel


RULES = [
    Rule("policy-no-django", re.compile(r"^\s*(from|import)\s+django\b", re.M), in_policy,
         "policy/ and planextract/ are pure Python: no Django import",
         "from decimal import Decimal", "from django.db import models"),
    Rule("policy-no-clock", re.compile(
        r"\b(date\.today|datetime\.now|datetime\.today|time\.time)\("),
         in_policy, "policy/ takes dates as parameters (as_of), never the clock",
         "def f(as_of: date): ...", "as_of = date.today()"),
    Rule("policy-no-float", re.compile(r"\bfloat\("), in_policy_engine,
         "money and ratios are Decimal in policy/, never float", "Decimal(value)",
         "ratio = float(rd) / float(revenue)"),
    Rule("views-no-raw-queries", re.compile(r"\.objects\.(?!restrict\()"), is_view,
         "views read through selectors or Model.objects.restrict(user, action)",
         "qs = Enterprise.objects.restrict(request.user, 'view')",
         "qs = Enterprise.objects.filter(county=county)"),
    Rule("api-no-static-queryset", re.compile(r"^\s+queryset\s*=", re.M), is_api,
         "API viewsets build their queryset in get_queryset() through restrict()",
         "    def get_queryset(self):", "    queryset = Enterprise.objects.all()"),
    Rule("no-status-assignment", re.compile(r"\.status\s*=(?!=)"), outside_workflow,
         "states change only through the workflow transition() service",
         "transition(obj, action='approve', actor=user)", "application.status = 'approved'"),
]


def check_text(rule: Rule, text: str) -> list[int]:
    lines = []
    for m in rule.pattern.finditer(text):
        line_no = text.count("\n", 0, m.start()) + 1
        line = text.splitlines()[line_no - 1] if text.splitlines() else ""
        if "lint: allow" not in line:
            lines.append(line_no)
    return lines


def main() -> int:
    problems = 0
    for problem in layers.check():  # scripts/layers.py: no upward import, no loop
        print(problem)
        problems += 1
    for path in sorted(SRC.rglob("*.py")):
        if "/migrations/" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        for rule in RULES:
            if rule.applies(path):
                for line_no in check_text(rule, text):
                    print(f"{path.relative_to(ROOT)}:{line_no}: [{rule.name}] {rule.message}")
                    problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
