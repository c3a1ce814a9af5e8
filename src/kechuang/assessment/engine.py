"""Run the three rules over one enterprise's figures; summarise a result for storage.

Pure: takes :class:`EnterpriseFacts` and ``AnnualFigures`` (no queries, no clock). The page,
the API and the batch job all go through :func:`assess`, so they judge alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from kechuang.assessment.inputs import (
    EnterpriseFacts,
    application_date_for,
    high_tech_input,
    rd_deduction_input,
    tech_sme_input,
)
from kechuang.policy.high_tech import evaluate_high_tech
from kechuang.policy.inputs import AnnualFigures, PolicyInputError, RuleNotFound
from kechuang.policy.rd_deduction import compute_rd_deduction
from kechuang.policy.registry import RULE_NAMES
from kechuang.policy.results import DISCLAIMER
from kechuang.policy.tech_sme import evaluate_tech_sme

RULES = ("tech_sme", "high_tech", "rd_deduction")


@dataclass
class RuleOutcome:
    """One rule's result, or why it could not be computed (missing or inconsistent data)."""

    rule: str
    result: Any = None  # TechSmeResult | HighTechResult | RdDeductionResult
    error: str = ""
    error_field: str = ""

    @property
    def label(self) -> str:
        return RULE_NAMES[self.rule]

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "label": self.label,
                "result": self.result.to_dict() if self.result is not None else None,
                "error": self.error or None, "error_field": self.error_field or None}


@dataclass
class Assessment:
    """The three rules for one enterprise and data year (stored figures or a what-if)."""

    enterprise_id: int
    year: int
    application_date: dt.date
    outcomes: dict[str, RuleOutcome] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from kechuang.policy.results import jsonable

        return {"enterprise": self.enterprise_id, "year": self.year,
                "application_date": self.application_date.isoformat(),
                "changes": jsonable(self.changes),
                "results": {rule: o.to_dict() for rule, o in self.outcomes.items()},
                "disclaimer": DISCLAIMER}


def _run(rule: str, fn: Any) -> RuleOutcome:
    try:
        return RuleOutcome(rule, fn())
    except PolicyInputError as exc:
        return RuleOutcome(rule, error=exc.message, error_field=exc.field)
    except RuleNotFound as exc:
        return RuleOutcome(rule, error=exc.message)


def assess(facts: EnterpriseFacts, figures_by_year: Mapping[int, AnnualFigures], *, year: int,
           as_of: dt.date, changes: Mapping[str, Any] | None = None,
           rules: tuple[str, ...] = RULES, gaps: bool = True) -> Assessment:
    """Evaluate ``rules`` on data year ``year``; ``changes`` replace figures of that year only.

    ``figures_by_year`` holds what reports exist (at least ``year``; the HNTE rule uses
    ``year − 2 … year``). Nothing is written anywhere: a what-if is just other figures.
    """
    figures = dict(figures_by_year)
    if changes:
        figures[year] = figures[year].replace(**dict(changes))
    current = figures[year]
    app_date = application_date_for(year, as_of)
    out = Assessment(enterprise_id=facts.pk, year=year, application_date=app_date,
                     changes=dict(changes or {}))
    runners = {
        "tech_sme": lambda: evaluate_tech_sme(tech_sme_input(facts, current), gaps=gaps),
        "high_tech": lambda: evaluate_high_tech(
            high_tech_input(facts, figures.values(), application_date=app_date), gaps=gaps),
        "rd_deduction": lambda: compute_rd_deduction(rd_deduction_input(facts, current)),
    }
    for rule in rules:
        out.outcomes[rule] = _run(rule, runners[rule])
    return out


# -- what the batch stores --------------------------------------------------------------------

HIGH_TECH_PASS = Decimal(71)  # total > 70 with integer item scores: 71 points


@dataclass
class Summary:
    """The columns of ``EvaluationResult`` for one rule outcome."""

    rule_version: str
    outcome: str
    eligible: bool
    score: Decimal | None = None
    score_max: Decimal | None = None
    failed_conditions: list[str] = field(default_factory=list)
    gap_text: str = ""
    gap_points: Decimal | None = None
    rd_deduction_amount_yuan: Decimal | None = None
    error: str = ""


# tech SME "direct_path" (直通车) is an alternative route, not a requirement: not a failure
NOT_REQUIRED = frozenset({"direct_path"})


def _failed(result: Any) -> list[str]:
    return [c.code for c in result.conditions if c.passed is False and c.code not in NOT_REQUIRED]


def _first_gap(result: Any) -> str:
    gaps = [g for g in result.gaps if g.fixable]
    if gaps:
        best = next((g for g in gaps if g.sufficient_alone), gaps[0])
        return best.message
    combos = getattr(result, "combinations", None) or []
    if combos:
        return combos[0].message
    return result.reasons[0] if result.reasons else ""


def summarise(outcome: RuleOutcome, *, rule_version: str = "") -> Summary:
    """Reduce a result to the stored columns.

    ``gap_points`` is set only when the score is the one thing missing: tech SME 60 − total;
    HNTE 71 − the best-case total (score_max) — "within N points" candidates need no other
    condition fixed. HNTE ``eligible`` means "no condition fails" (likely or possible: expert
    items are ranges in a batch, so "likely" alone would almost never be reached).
    """
    if outcome.result is None:
        return Summary(rule_version=rule_version, outcome="error", eligible=False,
                       error=outcome.error[:500], gap_text=outcome.error)
    r = outcome.result
    failed = _failed(r)
    if outcome.rule == "tech_sme":
        gap_points = None
        if not r.eligible and failed == ["c5_total"]:
            gap_points = Decimal(r.pass_total - r.total)
        return Summary(rule_version=r.rule_version,
                       outcome="eligible" if r.eligible else "ineligible",
                       eligible=bool(r.eligible), score=Decimal(r.total),
                       score_max=Decimal(r.total), failed_conditions=failed,
                       gap_text="" if r.eligible else _first_gap(r), gap_points=gap_points)
    if outcome.rule == "high_tech":
        gap_points = None
        if r.status == "unlikely" and failed == ["c7_innovation"]:
            need = r.pass_score.to_integral_value(rounding=ROUND_FLOOR) + 1
            gap_points = max(Decimal(0), need - r.score_max)
        return Summary(rule_version=r.rule_version, outcome=r.status,
                       eligible=r.status in ("likely", "possible"), score=r.score_min,
                       score_max=r.score_max, failed_conditions=failed,
                       gap_text="" if r.status == "likely" else _first_gap(r),
                       gap_points=gap_points)
    return Summary(rule_version=r.rule_version,
                   outcome="eligible" if r.eligible else "ineligible",
                   eligible=bool(r.eligible), failed_conditions=failed,
                   gap_text="" if r.eligible else "；".join(r.reasons[:1]),
                   rd_deduction_amount_yuan=r.extra_deduction_yuan)
