"""企业创新积分 (policy-rules.md §d): stages, min–max scores, weights, "1224" ranks, tiers."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.policy.innovation_points import (
    WENZHOU_2022_STAGES,
    WENZHOU_2022_TIERS,
    EnterpriseValues,
    InnovationPointsConfig,
    InnovationPointsInput,
    Stage,
    Tier,
    competition_ranks,
    evaluate_innovation_points,
    minmax_score,
    tier_cutoff,
)
from kechuang.policy.inputs import PolicyInputError

D = Decimal
W = D(10_000)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def cfg(**kw: Any) -> InnovationPointsConfig:
    base: dict[str, Any] = dict(indicators=("rd", "ip"),
                                weights={"*": {"rd": D("0.6"), "ip": D("0.4")}})
    base.update(kw)
    return InnovationPointsConfig(**base)


def ent(eid: str, revenue: Decimal | int = 0, **values: Any) -> EnterpriseValues:
    return EnterpriseValues(eid, D(revenue), {k: (None if v is None else D(v))
                                              for k, v in values.items()})


def run(enterprises: list[EnterpriseValues], **kw: Any):
    return evaluate_innovation_points(InnovationPointsInput(2025, cfg(**kw), tuple(enterprises)))


def test_worked_example_min_max_weights_and_ranks() -> None:
    res = run([ent("A", rd=100, ip=3), ent("B", rd=300, ip=None), ent("C", rd=200, ip=7)])
    a, b, c = res.of("A"), res.of("B"), res.of("C")
    # rd: min 100, max 300 → A 0, B 100, C 50; ip: over A and C only → A 0, C 100, B missing 0
    assert [s.score_exact for s in a.scores] == [0, 0]
    assert [s.score_exact for s in b.scores] == [100, 0]
    assert [s.score_exact for s in c.scores] == [50, 100]
    assert (a.total_exact, b.total_exact, c.total_exact) == (0, 60, 70)
    assert [(p.enterprise_id, p.rank) for p in res.enterprises] == [("C", 1), ("B", 2), ("A", 3)]
    assert res.cohorts[0].ranges[1].count == 2  # the missing value is not in min/max
    assert "缺失" in b.scores[1].message
    assert any("未配置企业阶段划分" in n for n in res.notes)
    d = res.to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["enterprises"][0]["total"] == "70.00"
    assert d["enterprises"][0]["total_exact"] == {"fraction": "70/1", "decimal": "70"}


def test_fractional_totals_are_exact_and_displayed_half_up() -> None:
    res = run([ent("A", rd=0, ip=0), ent("B", rd=1, ip=0), ent("C", rd=3, ip=1)])
    b = res.of("B")
    assert b.scores[0].score_exact == Fraction(100, 3)
    assert b.total_exact == Fraction(20)  # 0.6 × 100/3
    res = run([ent("A", rd=0, ip=0), ent("B", rd=1, ip=1), ent("C", rd=3, ip=3)])
    assert res.of("B").total_exact == Fraction(100, 3) and res.of("B").total == D("33.33")
    assert res.to_dict()["enterprises"][1]["total_exact"] == {"fraction": "100/3",
                                                              "decimal": None}


@pytest.mark.parametrize(("x", "lo", "hi", "score"), [
    (D(5), D(5), D(9), 0), (D(9), D(5), D(9), 100), (D(7), D(5), D(9), 50),
    (D(3), D(3), D(3), 100),  # equal min and max, x > 0 → 100
    (D(0), D(0), D(0), 0),  # equal, x = 0 → 0
    (D("-1"), D("-1"), D("-1"), 0),  # equal, x < 0 → 0
    (D("0.01"), D("0.01"), D("0.01"), 100),  # just above 0
    (None, D(1), D(2), 0),  # missing
    (D(-2), D(-4), D(0), 50),  # negative values (e.g. growth) are fine
])
def test_minmax_score_table(x, lo, hi, score) -> None:
    assert minmax_score(x, lo, hi) == score


def test_single_enterprise_cohort_uses_the_equal_rule() -> None:
    res = run([ent("A", rd=5, ip=0)])
    assert res.of("A").total_exact == 60  # rd 100 (x > 0), ip 0 (x = 0)


@pytest.mark.parametrize(("totals", "ranks"), [
    ([90, 80, 80, 70], [1, 2, 2, 4]), ([5, 5, 5], [1, 1, 1]), ([1, 2, 3], [3, 2, 1]),
    ([Fraction(1, 3), Fraction(333, 1000)], [1, 2])])
def test_competition_ranking(totals, ranks) -> None:
    assert competition_ranks([Fraction(t) for t in totals]) == ranks


def test_ties_share_the_rank_in_the_result() -> None:
    res = run([ent("A", rd=1, ip=1), ent("B", rd=1, ip=1), ent("C", rd=0, ip=0),
               ent("D", rd=2, ip=2)])
    assert {p.enterprise_id: p.rank for p in res.enterprises} == {"D": 1, "A": 2, "B": 2, "C": 4}


@pytest.mark.parametrize(("pct", "n", "cutoff"), [
    (5, 20, 1), (5, 21, 2), (5, 1, 1), (10, 10, 1), (10, 11, 2), (20, 100, 20), (20, 101, 21)])
def test_tier_cutoff_is_ceil(pct: int, n: int, cutoff: int) -> None:
    assert tier_cutoff(D(pct), n) == cutoff


def test_tiers_by_rank_percentile() -> None:
    # 21 enterprises, distinct totals: 5% → ranks 1–2, 10% → 3, 20% → 4–5
    ents = [ent(f"E{i:02d}", rd=i, ip=i) for i in range(21)]
    res = run(ents, tiers=WENZHOU_2022_TIERS)
    tiers = {p.rank: p.tier for p in res.enterprises}
    assert [tiers[r] for r in range(1, 7)] == ["leading", "leading", "racing", "striving",
                                               "striving", None]
    assert res.cohorts[0].tier_cutoffs == {"leading": 2, "racing": 3, "striving": 5}
    assert res.of("E20").tier_name == "创新领跑榜"


def test_tie_at_a_tier_cutoff_keeps_both_in_the_tier() -> None:
    ents = [ent("A", rd=99, ip=99), ent("B", rd=99, ip=99)] + [ent(f"X{i}", rd=i, ip=i)
                                                               for i in range(18)]
    res = run(ents, tiers=(Tier("t1", "一档", D(5)),))  # n = 20 → cutoff rank 1
    assert res.of("A").rank == res.of("B").rank == 1
    assert res.of("A").tier == res.of("B").tier == "t1"


@pytest.mark.parametrize(("revenue", "stage"), [
    (D(0), "seed"), (D("999999.99"), "seed"), (100 * W, "startup"), (D("1000000.01"), "startup"),
    (D("4999999.99"), "startup"), (500 * W, "growth"), (2000 * W, "expansion"),
    (10000 * W - D("0.01"), "expansion"), (10000 * W, "mature"), (D(10) ** 12, "mature")])
def test_wenzhou_stage_boundaries(revenue: Decimal, stage: str) -> None:
    res = run([ent("A", revenue, rd=1, ip=1)], stages=WENZHOU_2022_STAGES)
    assert res.of("A").stage == stage


def test_cohorts_are_ranked_separately_with_stage_weights() -> None:
    stages = (Stage("small", "小", D(0), D(100)), Stage("big", "大", D(100)))
    weights = {"small": {"rd": D(1), "ip": D(0)}, "big": {"rd": D(0), "ip": D(1)}}
    res = run([ent("s1", 10, rd=1, ip=5), ent("s2", 99, rd=2, ip=1),
               ent("b1", 100, rd=1, ip=5), ent("b2", 500, rd=2, ip=1)],
              stages=stages, weights=weights)
    assert [(p.enterprise_id, p.rank, p.total_exact) for p in res.enterprises] == [
        ("s2", 1, 100), ("s1", 2, 0), ("b1", 1, 100), ("b2", 2, 0)]
    assert [c.size for c in res.cohorts] == [2, 2]


@pytest.mark.parametrize(("kw", "field"), [
    ({"weights": {}}, "weights"),
    ({"weights": {"*": {"rd": D("0.6"), "ip": D("0.3")}}}, "weights.*"),
    ({"weights": {"*": {"rd": D("1.1"), "ip": D("-0.1")}}}, "weights.*.ip"),
    ({"weights": {"*": {"rd": D(1), "xx": D(0)}}}, "weights.*.xx"),
    ({"weights": {"nope": {"rd": D(1)}}}, "weights.nope"),
    ({"indicators": ()}, "indicators"),
    ({"tiers": (Tier("t", "t", D(0)),)}, "tiers.t"),
])
def test_config_validation(kw: dict, field: str) -> None:
    with pytest.raises(PolicyInputError) as exc:
        cfg(**kw)
    assert exc.value.field == field


def test_weights_summing_to_exactly_one_in_thirds_is_fine_only_when_exact() -> None:
    with pytest.raises(PolicyInputError):
        cfg(indicators=("a", "b", "c"),
            weights={"*": {"a": D("0.333"), "b": D("0.333"), "c": D("0.333")}})
    cfg(indicators=("a", "b", "c"), weights={"*": {"a": D("0.334"), "b": D("0.333"),
                                                   "c": D("0.333")}})


def test_input_errors() -> None:
    with pytest.raises(PolicyInputError, match="重复"):
        run([ent("A", rd=1), ent("A", rd=2)])
    with pytest.raises(PolicyInputError, match="不属于任何阶段"):
        run([ent("A", 50, rd=1)], stages=(Stage("x", "x", D(100)),))
    with pytest.raises(PolicyInputError, match="多个阶段"):
        run([ent("A", 150, rd=1)], stages=(Stage("x", "x", D(100)), Stage("y", "y", D(0))),
            weights={"*": {"rd": D(1), "ip": D(0)}})
    with pytest.raises(PolicyInputError) as exc:
        run([ent("A", rd=1, zz=1)])
    assert exc.value.field == "enterprises.A.values.zz"


def test_from_dict_with_preset() -> None:
    inp = InnovationPointsInput.from_dict({
        "year": 2025, "preset": "wenzhou-2022",
        "indicators": [{"code": "rd", "label": "研发费用"}, "ip"],
        "weights": {"*": {"rd": "0.5", "ip": "0.5"}},
        "enterprises": [{"enterprise_id": "A", "revenue_yuan": "3000000",
                         "values": {"rd": "10", "ip": ""}},
                        {"enterprise_id": "B", "revenue_yuan": 4000000,
                         "values": {"rd": 20, "ip": "-1"}}]})
    res = evaluate_innovation_points(inp)
    # rd: A 0, B 100; ip: A missing → 0, B alone at −1 (max = min, not > 0) → 0
    assert res.of("B").total_exact == 50 and res.of("A").total_exact == 0
    assert res.of("A").scores[0].label == "研发费用" and res.of("A").scores[1].value is None
    assert res.of("A").stage == "startup"
    # n = 2: every cutoff is ceil(p% × 2) = 1, so only rank 1 is listed
    assert (res.of("B").tier, res.of("A").tier) == ("leading", None)
    with pytest.raises(PolicyInputError) as exc:
        InnovationPointsInput.from_dict({"year": 2025, "preset": "x"})
    assert exc.value.field == "preset"


# -- properties ---------------------------------------------------------------------------------

value = st.one_of(st.none(), st.integers(-1000, 10_000).map(D),
                  st.integers(0, 10 ** 6).map(lambda n: D(n) / 100))


@st.composite
def cohorts(draw) -> tuple[InnovationPointsConfig, list[EnterpriseValues]]:
    k = draw(st.integers(1, 4))
    inds = tuple(f"i{j}" for j in range(k))
    raw = [draw(st.integers(0, 10)) for _ in inds]
    if sum(raw) == 0:
        raw[0] = 1
    total = sum(raw)
    weights = [Fraction(r, total) for r in raw]
    # weights as exact Decimals summing to 1: put the remainder on the first indicator
    decs = [D(w.numerator) / D(w.denominator) for w in weights]
    decs = [d.quantize(D("0.0001"), "ROUND_DOWN") for d in decs]
    decs[0] += 1 - sum(decs)
    config = InnovationPointsConfig(inds, {"*": dict(zip(inds, decs, strict=True))},
                                    stages=WENZHOU_2022_STAGES[:3] + (
                                        Stage("rest", "其余", 2000 * W),),
                                    tiers=WENZHOU_2022_TIERS)
    n = draw(st.integers(1, 12))
    ents = [EnterpriseValues(f"E{i}", draw(st.sampled_from([D(0), 200 * W, 600 * W, 3000 * W])),
                             {ind: draw(value) for ind in inds}) for i in range(n)]
    return config, ents


@SETTINGS
@given(cohorts(), st.randoms(use_true_random=False))
def test_totals_in_range_and_invariant_to_order(data, rnd) -> None:
    config, ents = data
    res = evaluate_innovation_points(InnovationPointsInput(2025, config, tuple(ents)))
    shuffled = ents[:]
    rnd.shuffle(shuffled)
    again = evaluate_innovation_points(InnovationPointsInput(2025, config, tuple(shuffled)))
    assert res.to_dict() == again.to_dict()
    for p in res.enterprises:
        assert 0 <= p.total_exact <= 100
        assert 1 <= p.rank <= p.cohort_size
        assert all(0 <= s.score_exact <= 100 for s in p.scores)
        assert p.total_exact == sum(Fraction(s.weight) * s.score_exact for s in p.scores)
    # a rank counts the strictly higher totals of the same cohort
    for p in res.enterprises:
        same = [q for q in res.enterprises if q.stage == p.stage]
        assert p.rank == 1 + sum(q.total_exact > p.total_exact for q in same)
