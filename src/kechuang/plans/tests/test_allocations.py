"""County shares of a city target (任务分解): exact sums, proposals, scoping."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core.errors import DomainError
from kechuang.plans import services
from kechuang.plans.models import CountyAllocation, Indicator

from .conftest import records_for


def twelve(plan):
    return list(services.allocation_counties(plan))


@pytest.mark.django_db
def test_shares_that_add_up_exactly_are_saved_and_audited(users, plan, high_tech):
    counties = twelve(plan)
    assert len(counties) == 12
    shares = {c.pk: Decimal(8) for c in counties[:11]} | {counties[11].pk: Decimal(6)}  # 94
    saved = services.set_allocations(indicator=high_tech, shares=shares,
                                     actor=users["city_staff"])
    assert len(saved) == 12
    assert sum(a.target for a in high_tech.allocations.all()) == Decimal(94)
    for a in saved:
        rec = records_for(a).get()
        assert rec.action == "create" and Decimal(rec.after["target"]) == a.target


@pytest.mark.django_db
@pytest.mark.parametrize(("last", "message"), [
    (Decimal(5), "各县区分解合计 93，与全市目标 94 相差 1（少于目标）"),
    (Decimal(7), "各县区分解合计 95，与全市目标 94 相差 1（超出目标）"),
    (Decimal("5.5"), "各县区分解合计 93.5，与全市目标 94 相差 0.5（少于目标）"),
])
def test_shares_off_by_one_are_refused_with_the_difference(users, plan, high_tech, last,
                                                           message):
    counties = twelve(plan)
    shares = {c.pk: Decimal(8) for c in counties[:11]} | {counties[11].pk: last}
    with pytest.raises(DomainError) as err:
        services.set_allocations(indicator=high_tech, shares=shares, actor=users["city_staff"])
    assert err.value.message == message
    assert not CountyAllocation.objects.exists()


@pytest.mark.django_db
def test_replacing_shares_is_all_or_nothing(users, plan, high_tech, county_a, county_b):
    actor = users["city_staff"]
    services.set_allocations(indicator=high_tech, actor=actor,
                             shares={county_a.pk: Decimal(90), county_b.pk: Decimal(4)})
    old_b = high_tech.allocations.get(county=county_b)
    with pytest.raises(DomainError):
        services.set_allocations(indicator=high_tech, actor=actor,
                                 shares={county_a.pk: Decimal(93)})
    assert dict(high_tech.allocations.values_list("county_id", "target")) == {
        county_a.pk: Decimal(90), county_b.pk: Decimal(4)}
    services.set_allocations(indicator=high_tech, actor=actor,
                             shares={county_a.pk: Decimal(94)})
    assert dict(high_tech.allocations.values_list("county_id", "target")) == {
        county_a.pk: Decimal(94)}
    a = high_tech.allocations.get(county=county_a)
    assert [r.action for r in records_for(a).order_by("pk")] == ["create", "update"]
    assert records_for(old_b).filter(action="delete").exists()


@pytest.mark.django_db
def test_indicator_without_a_number_cannot_be_split(users, plan, county_a):
    ind = Indicator.objects.get(key="luan_cooperation_projects")  # "increase", no target
    with pytest.raises(DomainError, match="没有数值目标"):
        services.set_allocations(indicator=ind, shares={county_a.pk: Decimal(1)},
                                 actor=users["city_staff"])
    with pytest.raises(DomainError, match="没有数值目标"):
        services.propose_allocation(indicator=ind)


@pytest.mark.django_db
def test_shares_only_for_the_citys_counties(users, plan, high_tech, regions):
    province = regions["140000"]
    with pytest.raises(DomainError, match="不属于长治市"):
        services.set_allocations(indicator=high_tech, shares={province.pk: Decimal(94)},
                                 actor=users["city_staff"])
    share = CountyAllocation(indicator=high_tech, county=province, target=Decimal(1))
    with pytest.raises(ValidationError) as err:
        share.full_clean()
    assert "county" in err.value.message_dict


@pytest.mark.django_db
def test_negative_share_refused(users, plan, high_tech, county_a, county_b):
    with pytest.raises(DomainError, match="不能为负数"):
        services.set_allocations(indicator=high_tech, actor=users["city_staff"],
                                 shares={county_a.pk: Decimal(95), county_b.pk: Decimal(-1)})


@pytest.mark.django_db
def test_county_staff_cannot_set_shares(users, plan, high_tech, county_a):
    with pytest.raises(PermissionDenied):
        services.set_allocations(indicator=high_tech, shares={county_a.pk: Decimal(94)},
                                 actor=users["county_a_staff"])


@pytest.mark.django_db
def test_county_staff_see_only_their_own_share(users, plan, high_tech, county_a, county_b):
    services.set_allocations(indicator=high_tech, actor=users["city_staff"],
                             shares={county_a.pk: Decimal(50), county_b.pk: Decimal(44)})
    seen = CountyAllocation.objects.restrict(users["county_a_staff"], "view")
    assert list(seen.values_list("county_id", flat=True)) == [county_a.pk]
    assert CountyAllocation.objects.restrict(users["city_staff"], "view").count() == 2
    assert not CountyAllocation.objects.restrict(users["enterprise_a_user"], "view").exists()


# ---- proposals ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_proposal_follows_last_years_results_and_sums_exactly(plan, high_tech, stub_metric):
    counties = twelve(plan)
    # last year: 30, 20, 10 in three counties, nothing elsewhere → 94 × 1/2, 1/3, 1/6
    metric = stub_metric("test_ht", {counties[0].pk: Decimal(30), counties[1].pk: Decimal(20),
                                     counties[2].pk: Decimal(10)})
    high_tech.metric = "test_ht"
    proposal = services.propose_allocation(indicator=high_tech)
    assert metric.calls == [(2024, date(2024, 12, 31))]
    assert proposal.proportional and "2024年" in proposal.basis and "测试口径" in proposal.basis
    # 47, 31.33, 15.67 → whole units 47, 31, 16 (largest remainder)
    assert proposal.shares[counties[0].pk] == 47
    assert proposal.shares[counties[1].pk] == 31
    assert proposal.shares[counties[2].pk] == 16
    assert sum(proposal.shares.values()) == Decimal(94)
    assert all(proposal.shares[c.pk] == 0 for c in counties[3:])
    assert not CountyAllocation.objects.exists()  # a proposal saves nothing


@pytest.mark.django_db
def test_proposal_uses_the_indicator_key_when_no_metric_is_bound(plan, high_tech,
                                                                 stub_metric):
    counties = twelve(plan)
    stub_metric("high_tech_recognized", {c.pk: Decimal(1) for c in counties})
    proposal = services.propose_allocation(indicator=high_tech)
    assert proposal.proportional
    assert sorted(proposal.shares.values()) == [Decimal(7)] * 2 + [Decimal(8)] * 10


@pytest.mark.django_db
def test_money_is_split_to_hundredths(users, plan, stub_metric):
    turnover = Indicator.objects.get(key="tech_contract_turnover")  # 9 亿元
    counties = twelve(plan)
    stub_metric("test_money", {counties[0].pk: Decimal(1), counties[1].pk: Decimal(1),
                               counties[2].pk: Decimal(1)})
    turnover.metric = "test_money"
    proposal = services.propose_allocation(indicator=turnover)
    assert sum(proposal.shares.values()) == Decimal(9)
    assert sorted(v for v in proposal.shares.values() if v) == [Decimal(3)] * 3
    turnover.target = Decimal(10)
    proposal = services.propose_allocation(indicator=turnover)
    assert sorted(v for v in proposal.shares.values() if v) == [
        Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]
    assert sum(proposal.shares.values()) == Decimal(10)


@pytest.mark.django_db
def test_equal_split_without_a_metric(plan, high_tech):
    high_tech.key = high_tech.metric = "zz_unbound"
    proposal = services.propose_allocation(indicator=high_tech)
    assert not proposal.proportional and "平均分配" in proposal.basis
    assert "未绑定" in proposal.basis
    assert sum(proposal.shares.values()) == Decimal(94) and len(proposal.shares) == 12
    assert set(proposal.shares.values()) == {Decimal(7), Decimal(8)}


@pytest.mark.django_db
def test_equal_split_without_last_years_data(plan, high_tech, stub_metric):
    stub_metric("test_empty", {})
    high_tech.metric = "test_empty"
    proposal = services.propose_allocation(indicator=high_tech)
    assert not proposal.proportional and "2024年" in proposal.basis
    assert "无实绩数据" in proposal.basis
    assert sum(proposal.shares.values()) == Decimal(94)


@pytest.mark.parametrize(("total", "weights", "quantum", "want"), [
    (Decimal(10), [1, 1, 1], Decimal(1), [4, 3, 3]),
    (Decimal(1), [1, 1, 1], Decimal("0.01"), ["0.34", "0.33", "0.33"]),
    (Decimal(100), [0, 1, 3], Decimal(1), [0, 25, 75]),
    (Decimal(7), [5, 5], Decimal(1), [4, 3]),  # a tie goes to the first county
])
def test_largest_remainder(total, weights, quantum, want):
    got = services.largest_remainder(total, dict(enumerate(map(Decimal, weights))), quantum)
    assert [got[i] for i in range(len(weights))] == [Decimal(str(w)) for w in want]
    assert sum(got.values()) == total
