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


# ---- budget reallocation (预算调剂) ---------------------------------------------------------

MAX_REALLOCATION_PCT = 10  # of a source's total, moved into other categories by one project
FIXED_UPWARD = frozenset({"indirect"})  # 间接费用 may not be raised by reallocation


@dataclass(frozen=True)
class Move:
    source: str
    from_category: str
    to_category: str
    amount_fen: int


def apply_moves(budget: Mapping[tuple[str, str], int],
                moves: Sequence[Move]) -> dict[tuple[str, str], int]:
    """The budget (source, category) → fen after the moves (no checks)."""
    out = dict(budget)
    for m in moves:
        out[(m.source, m.from_category)] = out.get((m.source, m.from_category), 0) - m.amount_fen
        out[(m.source, m.to_category)] = out.get((m.source, m.to_category), 0) + m.amount_fen
    return out


def reallocation_problems(budget: Mapping[tuple[str, str], int], moves: Sequence[Move], *,
                          already_moved: Mapping[str, int] | None = None,
                          max_pct: int = MAX_REALLOCATION_PCT,
                          fixed_upward: frozenset[str] = FIXED_UPWARD
                          ) -> list[tuple[str, str, str, int]]:
    """Why a reallocation is refused, as (kind, source, category, fen) tuples:

    ``empty`` — no move; ``amount`` — a move of zero or less, or into its own category;
    ``fixed`` — a move raising a category that may not be raised (间接费用);
    ``negative`` — a category left below zero (fen = the shortfall);
    ``limit`` — more moved within a source, with earlier approved moves (``already_moved``),
    than ``max_pct`` % of that source's total (fen = the limit).
    A reallocation never changes a source's total, so the approved amounts stay as they were.
    """
    problems: list[tuple[str, str, str, int]] = []
    if not moves:
        return [("empty", "", "", 0)]
    moved: dict[str, int] = dict(already_moved or {})
    for m in moves:
        if m.amount_fen <= 0 or m.from_category == m.to_category:
            problems.append(("amount", m.source, m.to_category, m.amount_fen))
        if m.to_category in fixed_upward:
            problems.append(("fixed", m.source, m.to_category, m.amount_fen))
        moved[m.source] = moved.get(m.source, 0) + max(m.amount_fen, 0)
    after = apply_moves(budget, moves)
    for (source, category), fen in sorted(after.items()):
        if fen < 0:
            problems.append(("negative", source, category, -fen))
    for source, fen in sorted(moved.items()):
        total = sum(v for (s, _c), v in budget.items() if s == source)
        limit = total * max_pct // 100
        if fen > limit:
            problems.append(("limit", source, "", limit))
    return problems
