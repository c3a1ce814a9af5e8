"""Funding plans of R&D projects: cases, then properties (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kechuang.policy.rd_funding import (
    MIDTERM,
    SIGNING,
    PlannedInstalment,
    default_plan,
    payable_fen,
    plan_problems,
    released,
)


def test_default_plan_first_at_signing_rest_after_midterm():
    plan = default_plan({"city": 100_000_000, "province": 0, "enterprise": 33_333_33})
    assert plan == [
        PlannedInstalment("city", 1, SIGNING, 60_000_000),
        PlannedInstalment("city", 2, MIDTERM, 40_000_000),
        PlannedInstalment("enterprise", 1, SIGNING, 1_999_900),
        PlannedInstalment("enterprise", 2, MIDTERM, 1_333_433),
    ]


def test_plan_problems_name_each_fault():
    approved = {"city": 1000, "province": 500}
    plan = [PlannedInstalment("city", 1, SIGNING, 600),
            PlannedInstalment("city", 2, "whenever", 300),
            PlannedInstalment("enterprise", 1, SIGNING, 0)]
    kinds = {(k, s) for k, s, *_ in plan_problems(approved, plan)}
    assert kinds == {("condition", "city"), ("sum", "city"), ("sum", "province"),
                     ("amount", "enterprise"), ("unknown_source", "enterprise")}


def test_release_conditions_follow_the_stages():
    assert released(SIGNING, signed=True, midterm_passed=False, accepted=False)
    assert not released(SIGNING, signed=False, midterm_passed=True, accepted=True)
    assert not released(MIDTERM, signed=True, midterm_passed=False, accepted=False)
    assert released(MIDTERM, signed=True, midterm_passed=True, accepted=False)
    assert not released("other", signed=True, midterm_passed=True, accepted=True)


money = st.integers(min_value=0, max_value=10**12)


@given(st.dictionaries(st.sampled_from(["city", "province", "enterprise", "other"]), money),
       st.integers(min_value=1, max_value=100))
def test_default_plan_is_always_sound(approved, pct):
    plan = default_plan(approved, first_pct=pct)
    assert plan_problems(approved, plan) == []
    assert all(i.amount_fen > 0 for i in plan)


@given(money, money, money)
def test_a_payment_never_exceeds_either_ceiling(amount, inst_left, source_left):
    if payable_fen(amount, instalment_left_fen=inst_left, source_left_fen=source_left):
        assert 0 < amount <= inst_left and amount <= source_left


from kechuang.policy.rd_funding import Move, apply_moves, reallocation_problems  # noqa: E402

BUDGET = {("city", "equipment"): 600_000_00, ("city", "materials"): 300_000_00,
          ("city", "indirect"): 100_000_00}


def test_reallocation_within_limits_is_accepted():
    moves = [Move("city", "equipment", "materials", 100_000_00)]
    assert reallocation_problems(BUDGET, moves) == []
    assert apply_moves(BUDGET, moves)[("city", "materials")] == 400_000_00


def test_reallocation_faults_are_named():
    kinds = {p[0] for p in reallocation_problems(BUDGET, [
        Move("city", "materials", "indirect", 350_000_00)])}
    assert kinds == {"fixed", "negative", "limit"}
    assert reallocation_problems(BUDGET, []) == [("empty", "", "", 0)]
    assert reallocation_problems(BUDGET, [Move("city", "equipment", "materials", 60_000_00)],
                                 already_moved={"city": 50_000_00})[0][0] == "limit"


@given(st.lists(st.tuples(st.sampled_from(["equipment", "materials", "testing"]),
                          st.sampled_from(["equipment", "materials", "testing"]),
                          st.integers(min_value=1, max_value=200_000_00)), max_size=4))
def test_an_accepted_reallocation_keeps_the_total_and_no_cell_below_zero(raw):
    moves = [Move("city", a, b, n) for a, b, n in raw]
    if not reallocation_problems(BUDGET, moves):
        after = apply_moves(BUDGET, moves)
        assert sum(after.values()) == sum(BUDGET.values())
        assert min(after.values()) >= 0
