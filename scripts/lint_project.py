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


def _is_test_or_migration(rel: str) -> bool:
    return "/tests/" in rel or rel.startswith("tests/") or "/migrations/" in rel


# The access layer: the accounts app (roles, Scope/restrict/can, the named access helpers, the
# accounts it manages). Demo data and management commands create demo users by role.
def _is_demo(rel: str) -> bool:
    return rel.endswith("/demo.py") or "/management/commands/" in rel


def outside_access_layer(p: Path) -> bool:
    rel = _rel(p)
    return not (rel.startswith("accounts/") or _is_test_or_migration(rel) or _is_demo(rel))


# Where reads may be unscoped: the layers below the request (selectors, metrics, services,
# models), the admin (its own permissions), background work with no requesting user (job
# handlers, the worker, retention, signals), the access layer, demo data, tests.
_UNSCOPED_OK = ("selectors.py", "metrics.py", "services.py", "models.py", "admin.py",
                "jobs.py", "tasks.py", "recovery.py", "retention.py", "signals.py")


def may_not_read_unscoped(p: Path) -> bool:
    rel = _rel(p)
    return not (p.name in _UNSCOPED_OK or is_view(p)  # views: views-no-raw-queries
                or rel.startswith("accounts/") or _is_test_or_migration(rel) or _is_demo(rel))


def outside_scoping(p: Path) -> bool:
    return _rel(p) != "accounts/scoping.py"


_ROLE_NAMES = "CITY_ADMIN|CITY_STAFF|COUNTY_STAFF|ENTERPRISE|EXPERT|PROVIDER|AUDITOR|" \
    "SYSTEM_ADMIN|SECURITY_ADMIN"
# role values that mean nothing else ("enterprise" and "provider" are also organisation kinds:
# caught only when compared with or assigned to a role)
_ROLE_VALUES = "city_admin|city_staff|county_staff|system_admin|security_admin|auditor|expert"

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
    Rule("no-role-literal", re.compile(
        rf"(?<![\w.])Role\.(?:{_ROLE_NAMES})\b|\b(?:CITY|BUREAU|ADMIN|ADMIN_SITE)_ROLES\b"
        rf"|[\"'](?:{_ROLE_VALUES})[\"']|\brole\s*(?:==|!=|=)\s*[\"'](?:enterprise|provider)[\"']"),
         outside_access_layer,
         "ask can(user, action, Model) or a helper of kechuang.accounts.access, not the role",
         "if can(request.user, 'approve', ReportedValue): ...",
         "if request.user.role in ('city_admin', 'city_staff'): ..."),
    Rule("no-unscoped-read", re.compile(
        r"(?<!ContentType)\.objects\."
        r"(?!restrict\(|none\(|create\(|bulk_create\(|get_or_create\(|update_or_create\()"),
         may_not_read_unscoped,
         "read through Model.objects.restrict(user, action) or a selector",
         "self.fields['enterprise'].queryset = Organisation.objects.restrict(user, 'view')",
         "self.fields['enterprise'].queryset = Organisation.objects.all()"),
    Rule("no-restrict-override", re.compile(r"^\s*def restrict\(", re.M), outside_scoping,
         "declare the case on the model's Scope (accounts/scoping.py); never override restrict()",
         "register(Evidence, Scope(rights=_RIGHTS, parents=('reported_value',)))",
         "    def restrict(self, user, action='view'):"),
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
