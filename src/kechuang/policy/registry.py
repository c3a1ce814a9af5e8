"""Versioned rule sets, chosen by policy year.

A revision of a policy is added *beside* the old rule set (with its own ``valid_from``), never
edited into it, so an old self-assessment can be re-run under the rules of its year and every
result records the ``rule_version`` it was computed with.
"""

from __future__ import annotations

from typing import Any, Protocol

from kechuang.policy.inputs import RuleNotFound


class RuleSet(Protocol):
    version: str  # e.g. "tech_sme/2017-115"
    document: str  # the document number(s) the thresholds come from
    valid_from: int  # first policy year covered
    valid_to: int | None  # last policy year covered (None: open-ended)


_REGISTRY: dict[str, list[Any]] = {}

RULE_NAMES = {"tech_sme": "科技型中小企业评价", "high_tech": "高新技术企业认定",
              "rd_deduction": "研发费用加计扣除"}


def register(rule: str, ruleset: Any) -> Any:
    """Add a rule set (returns it, so modules can ``X = register("rule", X_RULES(...))``)."""
    existing = _REGISTRY.setdefault(rule, [])
    if any(r.version == ruleset.version for r in existing):
        raise ValueError(f"duplicate rule version {ruleset.version}")
    existing.append(ruleset)
    existing.sort(key=lambda r: r.valid_from)
    return ruleset


def select(rule: str, year: int) -> Any:
    """The rule set in force for ``year``: the latest one starting on or before it."""
    candidates = [r for r in _REGISTRY.get(rule, ())
                  if r.valid_from <= year and (r.valid_to is None or year <= r.valid_to)]
    if not candidates:
        name = RULE_NAMES.get(rule, rule)
        known = "、".join(f"{r.version}（{r.valid_from}–{r.valid_to or ''}）"
                         for r in _REGISTRY.get(rule, ()))
        raise RuleNotFound(f"{name}：没有适用于 {year} 年的规则（已有：{known or '无'}）")
    return max(candidates, key=lambda r: r.valid_from)


def versions(rule: str) -> list[Any]:
    """All rule sets of a rule, oldest first (for documentation and tests)."""
    return list(_REGISTRY.get(rule, ()))
