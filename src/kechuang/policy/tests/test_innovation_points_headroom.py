"""What moves an enterprise's points (§d): each indicator's room ``w × (100 − s)``; the total
plus every room is 100, and the cohort's top enterprise on every indicator has no room."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.policy.innovation_points import (
    EnterpriseValues,
    InnovationPointsConfig,
    InnovationPointsInput,
    evaluate_innovation_points,
    headroom,
)

D = Decimal
CFG = InnovationPointsConfig(indicators=("rd", "ip", "staff"),
                             weights={"*": {"rd": D("0.5"), "ip": D("0.3"), "staff": D("0.2")}})
value = st.one_of(st.none(), st.integers(min_value=0, max_value=10_000).map(D))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(value, value, value), min_size=1, max_size=12))
def test_total_plus_room_is_one_hundred(rows) -> None:
    inp = InnovationPointsInput(year=2025, config=CFG, enterprises=tuple(
        EnterpriseValues(f"e{i}", D(0), {"rd": a, "ip": b, "staff": c})
        for i, (a, b, c) in enumerate(rows)))
    for p in evaluate_innovation_points(inp).enterprises:
        room = headroom(p)
        assert p.total_exact + sum((h.gain_exact for h in room), Fraction(0)) == 100
        assert [h.gain_exact for h in room] == sorted((h.gain_exact for h in room),
                                                      reverse=True)
        assert all(h.gain_exact >= 0 for h in room)


def test_worked_example_messages() -> None:
    inp = InnovationPointsInput(year=2025, config=CFG, enterprises=(
        EnterpriseValues("a", D(0), {"rd": D(10), "ip": D(1), "staff": D(5)}),
        EnterpriseValues("b", D(0), {"rd": D(30), "ip": D(1), "staff": None})))
    a = evaluate_innovation_points(inp).of("a")
    room = {h.indicator: h for h in headroom(a)}
    assert room["rd"].gain == D("50.00")  # 0.5 × (100 − 0)
    assert room["ip"].gain_exact == 0 and "满分" in room["ip"].message()
    assert room["staff"].gain_exact == 0
    assert "最多增加 50.00 分" in room["rd"].message()
