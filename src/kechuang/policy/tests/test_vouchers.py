"""科技创新券兑付 (policy-rules.md §f): the payable amount in fen and the ledger conventions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.policy.inputs import PolicyInputError
from kechuang.policy.vouchers import (
    ClaimRecord,
    ProviderListing,
    Voucher,
    VoucherClaimInput,
    VoucherPolicy,
    evaluate_voucher_claim,
    fen_text,
    half_up_fen,
)

D = Decimal
day = dt.date
SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def policy(**kw: Any) -> VoucherPolicy:
    base: dict[str, Any] = dict(
        name="测试创新券", policy_year=2026, ratio=D("0.5"), annual_cap_fen=10_000_000,
        valid_from=day(2026, 1, 1), valid_to=day(2026, 12, 31),
        providers=(ProviderListing("P1", day(2025, 6, 1)),
                   ProviderListing("P2", day(2026, 3, 1), day(2026, 6, 30))))
    base.update(kw)
    return VoucherPolicy(**base)


def claim(fee: int = 2_000_000, history: tuple[ClaimRecord, ...] = (), **kw: Any
          ) -> VoucherClaimInput:
    base: dict[str, Any] = dict(
        policy=policy(), voucher=Voucher("V1", 5_000_000), enterprise_id="E1",
        provider_id="P1", service_fee_fen=fee, service_completed_on=day(2026, 5, 1),
        service_category="testing", contract_no="HT-1", invoice_no="FP-1", history=history)
    base.update(kw)
    return VoucherClaimInput(**base)


def rec(amount: int, status: str, voucher: str = "V0", **kw: Any) -> ClaimRecord:
    return ClaimRecord(claim_id=kw.pop("claim_id", f"{status}-{amount}"), amount_fen=amount,
                       status=status, voucher_id=voucher, **kw)


def test_plain_claim_is_fee_times_ratio() -> None:
    res = evaluate_voucher_claim(claim(2_000_000))
    assert res.outcome == "payable" and res.eligible
    assert res.payable_fen == 1_000_000 and res.limited_by == "ratio"
    assert res.annual_remaining_after_fen == 9_000_000
    assert res.voucher_remaining_after_fen == 4_000_000
    assert res.message == "服务费 ¥20,000.00 × 50.00% = ¥10,000.00；本次可兑付 ¥10,000.00"
    d = res.to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["payable_fen"] == 1_000_000
    assert d["subsidy_exact"] == {"fraction": "1000000/1", "decimal": "1000000"}
    assert any("[U]" in n for n in d["notes"])


@pytest.mark.parametrize(("fee", "ratio", "expected", "exact"), [
    (3, "0.5", 2, "1.5"),  # exactly half a fen → up
    (1, "0.3", 0, "0.3"),
    (5, "0.3", 2, "1.5"),
    (7, "0.3", 2, "2.1"),
    (1_000_001, "0.5", 500_001, "500000.5"),
    (999, "0.333", 333, "332.667"),
])
def test_subsidy_rounds_half_up_to_the_fen(fee: int, ratio: str, expected: int,
                                           exact: str) -> None:
    res = evaluate_voucher_claim(claim(fee, policy=policy(ratio=D(ratio))))
    assert res.subsidy_fen == expected
    assert res.subsidy_exact == Fraction(D(exact))
    assert res.to_dict()["subsidy_exact"]["decimal"] == exact


# -- the caps: at, one fen below, one fen above -------------------------------------------------


@pytest.mark.parametrize(("reserved", "payable", "limited_by"), [
    (9_000_000, 1_000_000, "ratio"),  # subsidy exactly the remaining cap
    (9_000_001, 999_999, "annual_cap"),  # one fen less left
    (8_999_999, 1_000_000, "ratio"),  # one fen more left
    (10_000_000, 0, None),  # cap used up
])
def test_annual_cap_boundary(reserved: int, payable: int, limited_by: str | None) -> None:
    res = evaluate_voucher_claim(claim(2_000_000, (rec(reserved, "approved"),),
                                       voucher=Voucher("V1", 50_000_000)))
    assert res.payable_fen == payable and res.limited_by == limited_by
    if payable == 0:
        assert res.outcome == "refused"
        assert res.condition("c_annual_cap").passed is False
        assert "已用完" in res.message


@pytest.mark.parametrize(("face", "payable", "limited_by"), [
    (1_000_000, 1_000_000, "ratio"), (999_999, 999_999, "voucher"),
    (1_000_001, 1_000_000, "ratio")])
def test_voucher_face_value_boundary(face: int, payable: int, limited_by: str) -> None:
    res = evaluate_voucher_claim(claim(2_000_000, voucher=Voucher("V1", face)))
    assert (res.payable_fen, res.limited_by) == (payable, limited_by)


def test_pending_and_approved_reserve_rejected_releases() -> None:
    hist = (rec(3_000_000, "approved"), rec(4_000_000, "pending"), rec(2_000_000, "paid"),
            rec(9_000_000, "rejected"))
    res = evaluate_voucher_claim(claim(4_000_000, hist, voucher=Voucher("V1", 9_000_000)))
    assert res.annual_reserved_fen == 9_000_000 and res.annual_released_fen == 9_000_000
    assert res.annual_remaining_fen == 1_000_000
    assert res.payable_fen == 1_000_000 and res.limited_by == "annual_cap"
    assert "受年度剩余额度 ¥10,000.00 限制" in res.message


def test_other_policy_years_do_not_count() -> None:
    hist = (rec(10_000_000, "approved", policy_year=2025),)
    assert evaluate_voucher_claim(claim(2_000_000, hist)).payable_fen == 1_000_000


def test_voucher_balance_counts_only_this_voucher() -> None:
    hist = (rec(4_500_000, "approved", voucher="V1"), rec(3_000_000, "approved", voucher="V9"))
    res = evaluate_voucher_claim(claim(2_000_000, hist))
    assert res.voucher_reserved_fen == 4_500_000 and res.voucher_remaining_fen == 500_000
    assert res.payable_fen == 500_000 and res.limited_by == "voucher"


def test_resubmission_returns_the_first_result() -> None:
    first = rec(1_000_000, "pending", voucher="V1", claim_id="C-7", contract_no="HT-1",
                invoice_no="FP-1")
    res = evaluate_voucher_claim(claim(2_000_000, (first,)))
    assert res.outcome == "duplicate" and res.duplicate_of == "C-7"
    assert res.payable_fen == 1_000_000
    assert res.annual_remaining_after_fen == res.annual_remaining_fen  # nothing reserved twice
    rejected = dataclasses.replace(first, status="rejected")
    assert evaluate_voucher_claim(claim(2_000_000, (rejected,))).payable_fen == 0
    # another invoice is another claim
    other = evaluate_voucher_claim(claim(2_000_000, (first,), invoice_no="FP-2"))
    assert other.outcome == "payable" and other.payable_fen == 1_000_000


# -- validity window, whitelist at the service date, related parties ----------------------------


@pytest.mark.parametrize(("completed", "ok"), [
    (day(2026, 1, 1), True), (day(2025, 12, 31), False), (day(2026, 12, 31), True),
    (day(2027, 1, 1), False)])
def test_validity_window_inclusive(completed: dt.date, ok: bool) -> None:
    res = evaluate_voucher_claim(claim(service_completed_on=completed,
                                       provider_id="P1"))
    assert res.condition("c_validity").passed is ok
    assert (res.payable_fen > 0) is ok


def test_voucher_window_narrows_the_policy_window() -> None:
    v = Voucher("V1", 5_000_000, valid_to=day(2026, 4, 30))
    res = evaluate_voucher_claim(claim(voucher=v, service_completed_on=day(2026, 5, 1)))
    assert res.outcome == "refused" and "已过有效期" in res.condition("c_validity").message


@pytest.mark.parametrize(("completed", "ok"), [
    (day(2026, 2, 28), False), (day(2026, 3, 1), True), (day(2026, 6, 30), True),
    (day(2026, 7, 1), False)])
def test_provider_whitelist_at_the_service_date(completed: dt.date, ok: bool) -> None:
    res = evaluate_voucher_claim(claim(provider_id="P2", service_completed_on=completed))
    assert res.condition("c_provider_listed").passed is ok
    assert res.outcome == ("payable" if ok else "refused")


def test_unknown_provider_refused() -> None:
    assert evaluate_voucher_claim(claim(provider_id="P404")).payable_fen == 0


@pytest.mark.parametrize("kw", [{"related_party": True}, {"related_parties": frozenset({"P1"})},
                                {"enterprise_id": "P1"}])
def test_related_parties_refused(kw: dict) -> None:
    res = evaluate_voucher_claim(claim(**kw))
    assert res.outcome == "refused" and res.condition("c_not_related").passed is False
    assert "关联关系" in res.reasons[0]


def test_catalogue_qualification_and_category_ratio() -> None:
    p = policy(eligible_services=frozenset({"testing", "design"}),
               required_qualifications=frozenset({"tech_sme", "high_tech"}),
               category_ratios={"design": D("0.3")})
    assert evaluate_voucher_claim(claim(policy=p)).condition("c_qualification").passed is False
    ok = evaluate_voucher_claim(claim(policy=p, qualifications=frozenset({"tech_sme"}),
                                      service_category="design"))
    assert ok.payable_fen == 600_000 and ok.ratio == D("0.3")
    bad = evaluate_voucher_claim(claim(policy=p, qualifications=frozenset({"high_tech"}),
                                       service_category="legal"))
    assert bad.condition("c_service_category").passed is False and bad.payable_fen == 0


def test_zero_fee_is_refused_without_error() -> None:
    res = evaluate_voucher_claim(claim(0))
    assert res.outcome == "refused" and res.payable_fen == 0


@pytest.mark.parametrize(("kw", "field"), [
    ({"ratio": D(0)}, "ratio"), ({"ratio": D("1.01")}, "ratio"),
    ({"annual_cap_fen": -1}, "annual_cap_fen"), ({"valid_to": day(2025, 1, 1)}, "valid_to"),
    ({"category_ratios": {"x": D(2)}}, "category_ratios.x")])
def test_policy_validation(kw: dict, field: str) -> None:
    with pytest.raises(PolicyInputError) as exc:
        policy(**kw)
    assert exc.value.field == field


def test_ratio_of_exactly_one_is_allowed() -> None:
    assert evaluate_voucher_claim(claim(policy=policy(ratio=D(1)))).payable_fen == 2_000_000


def test_from_dict_and_errors() -> None:
    data = {"policy": {"policy_year": 2026, "ratio": "0.5", "annual_cap_fen": 10_000_000,
                       "valid_from": "2026-01-01", "valid_to": "2026-12-31",
                       "providers": [{"provider_id": "P1", "listed_from": "2025-01-01"}]},
            "voucher": {"voucher_id": "V1", "face_value_fen": "5000000"},
            "provider_id": "P1", "service_fee_fen": 3, "service_completed_on": "2026/05/01",
            "history": [{"amount_fen": 1, "status": "pending"}]}
    res = evaluate_voucher_claim(VoucherClaimInput.from_dict(data))
    assert res.payable_fen == 2 and res.annual_reserved_fen == 1
    for broken, field in [({**data, "service_fee_fen": "1.5"}, "service_fee_fen"),
                          ({**data, "history": [{"amount_fen": 1, "status": "done"}]},
                           "history.status"),
                          ({k: v for k, v in data.items() if k != "policy"}, "policy"),
                          ({**data, "service_completed_on": ""}, "service_completed_on")]:
        with pytest.raises(PolicyInputError) as exc:
            VoucherClaimInput.from_dict(broken)
        assert exc.value.field == field


def test_fen_helpers() -> None:
    assert fen_text(123456789) == "¥1,234,567.89" and fen_text(5) == "¥0.05"
    assert half_up_fen(Fraction(5, 2)) == 3 and half_up_fen(Fraction(249, 100)) == 2


# -- properties ---------------------------------------------------------------------------------

statuses = st.sampled_from(["pending", "approved", "paid", "rejected"])


@st.composite
def claims(draw) -> VoucherClaimInput:
    hist = tuple(ClaimRecord(f"c{i}", draw(st.integers(0, 3_000_000)), draw(statuses),
                             voucher_id=draw(st.sampled_from(["V1", "V2"])))
                 for i in range(draw(st.integers(0, 6))))
    p = policy(ratio=D(draw(st.integers(1, 100))) / 100,
               annual_cap_fen=draw(st.integers(0, 10_000_000)))
    return claim(draw(st.integers(0, 20_000_000)), hist, policy=p,
                 voucher=Voucher("V1", draw(st.integers(0, 8_000_000))),
                 provider_id=draw(st.sampled_from(["P1", "P2", "P3"])),
                 service_completed_on=day(2026, 1, 1) + dt.timedelta(
                     days=draw(st.integers(-10, 375))))


@SETTINGS
@given(claims())
def test_payable_never_exceeds_any_cap(inp: VoucherClaimInput) -> None:
    res = evaluate_voucher_claim(inp)
    assert 0 <= res.payable_fen <= res.subsidy_fen
    assert res.payable_fen <= res.annual_remaining_fen <= inp.policy.annual_cap_fen
    assert res.payable_fen <= res.voucher_remaining_fen <= inp.voucher.face_value_fen
    assert abs(Fraction(res.subsidy_fen) - res.subsidy_exact) <= Fraction(1, 2)
    if res.outcome == "refused":
        assert res.payable_fen == 0 and res.reasons


@SETTINGS
@given(claims(), st.lists(st.integers(0, 5_000_000), min_size=1, max_size=6),
       st.randoms(use_true_random=False))
def test_concurrent_claims_never_exceed_the_cap(inp: VoucherClaimInput, fees: list[int],
                                                rnd) -> None:
    """Each claim reserves what it is granted (pending): the sum stays within both caps, and
    rejected claims in the history change nothing."""
    history = list(inp.history)
    base_reserved = sum(h.amount_fen for h in history if h.status != "rejected")
    base_voucher = sum(h.amount_fen for h in history
                       if h.status != "rejected" and h.voucher_id == "V1")
    granted = 0
    for i, fee in enumerate(fees):
        step = dataclasses.replace(inp, service_fee_fen=fee, invoice_no=f"N{i}",
                                   history=tuple(rnd.sample(history, len(history))))
        res = evaluate_voucher_claim(step)
        granted += res.payable_fen
        history.append(ClaimRecord(f"n{i}", res.payable_fen, "pending", voucher_id="V1",
                                   contract_no=step.contract_no, invoice_no=f"N{i}"))
        history.append(ClaimRecord(f"r{i}", 9_999_999, "rejected", voucher_id="V1"))
    assert granted <= max(0, inp.policy.annual_cap_fen - base_reserved)
    assert granted <= max(0, inp.voucher.face_value_fen - base_voucher)


def test_lapsed_balance_cannot_be_claimed() -> None:
    """A voucher whose balance lapsed at year end pays nothing more, and says why."""
    r = evaluate_voucher_claim(claim(voucher=Voucher("V1", 1_000_000, lapsed_fen=1_000_000)))
    assert r.outcome == "refused" and r.payable_fen == 0
    assert r.condition("c_not_lapsed").passed is False
    assert any("失效" in reason for reason in r.reasons)
    partly = evaluate_voucher_claim(claim(voucher=Voucher("V1", 1_000_000, lapsed_fen=400_000)))
    assert partly.voucher_remaining_fen == 600_000


def test_related_basis_is_named_in_the_reason() -> None:
    r = evaluate_voucher_claim(claim(related_basis=("同一法定代表人：张三",)))
    assert r.outcome == "refused"
    assert "同一法定代表人：张三" in r.condition("c_not_related").message
