"""Funding plans and payments of R&D projects (行动二) — pure rules, amounts in fen.

A project's approved money is split by source (市财政, 省财政, 企业自筹 …) and each source into
instalments, each released by a condition: the task contract signed (首期), the mid-term check
passed (后续), or acceptance. These functions say whether a plan is sound and whether a payment
may be made; the database enforces the same ceilings again with conditional updates and check
constraints (projects.services.disburse), so a race can never pay more than approved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

RULE_VERSION = "rd_funding/2025"
SIGNING = "signing"
MIDTERM = "midterm"
ACCEPTANCE = "acceptance"
CONDITIONS = (SIGNING, MIDTERM, ACCEPTANCE)


@dataclass(frozen=True)
class PlannedInstalment:
    source: str
    seq: int
    condition: str
    amount_fen: int


def default_plan(approved_fen: Mapping[str, int], *, first_pct: int = 60
                 ) -> list[PlannedInstalment]:
    """First instalment at signing (``first_pct`` % rounded down to the yuan), the rest after
    the mid-term check; a source with nothing approved gets no instalment."""
    if not 0 < first_pct <= 100:
        raise ValueError(first_pct)
    out: list[PlannedInstalment] = []
    for source in sorted(approved_fen):
        total = approved_fen[source]
        if total <= 0:
            continue
        first = total * first_pct // 100 // 100 * 100
        if first <= 0 or first_pct == 100:
            first = total
        out.append(PlannedInstalment(source, 1, SIGNING, first))
        if total - first > 0:
            out.append(PlannedInstalment(source, 2, MIDTERM, total - first))
    return out


def plan_problems(approved_fen: Mapping[str, int],
                  plan: Sequence[PlannedInstalment]) -> list[tuple[str, str, int, int]]:
    """What is wrong with a plan, as (kind, source, expected, actual) tuples:

    ``sum`` — a source's instalments do not add up to its approved amount;
    ``amount`` — an instalment of zero or less (expected 1, actual its amount);
    ``condition`` — an unknown release condition (actual = its seq);
    ``unknown_source`` — an instalment of a source with nothing approved.
    """
    problems: list[tuple[str, str, int, int]] = []
    sums: dict[str, int] = {}
    for i in plan:
        if i.amount_fen <= 0:
            problems.append(("amount", i.source, 1, i.amount_fen))
        if i.condition not in CONDITIONS:
            problems.append(("condition", i.source, 0, i.seq))
        sums[i.source] = sums.get(i.source, 0) + i.amount_fen
    for source, total in sorted(approved_fen.items()):
        if total > 0 and sums.get(source, 0) != total:
            problems.append(("sum", source, total, sums.get(source, 0)))
    for source in sorted(set(sums) - {s for s, t in approved_fen.items() if t > 0}):
        problems.append(("unknown_source", source, 0, sums[source]))
    return problems


def released(condition: str, *, signed: bool, midterm_passed: bool, accepted: bool) -> bool:
    """Whether an instalment's condition is met (a later stage implies the earlier ones)."""
    if condition == SIGNING:
        return signed
    if condition == MIDTERM:
        return signed and midterm_passed
    if condition == ACCEPTANCE:
        return signed and accepted
    return False


def payable_fen(amount_fen: int, *, instalment_left_fen: int, source_left_fen: int) -> bool:
    """A payment is allowed when it is positive and fits both what is left of its
    instalment and what is left of its source."""
    return 0 < amount_fen <= min(instalment_left_fen, source_left_fen)
