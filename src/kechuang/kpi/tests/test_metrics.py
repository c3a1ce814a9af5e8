"""Registered metrics: each figure equals a direct count of its records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from conftest import make_enterprise, make_report
from kechuang import metrics
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation

pytestmark = pytest.mark.django_db
END = dt.date(2025, 12, 31)


def test_foundation_metrics_are_registered():
    keys = dict(metrics.choices())
    assert "above_scale_service_county_coverage" in keys
    assert "above_scale_industrial_with_rd_share" in keys


def test_rd_share_equals_a_direct_count(regions):
    m = metrics.get("above_scale_industrial_with_rd_share")
    a, b = regions["140403"], regions["140423"]
    specs = [  # county, industry, above scale, R&D
        (a, "C26", True, True), (a, "C39", True, False), (a, "B06", True, True),
        (b, "D44", True, False), (b, "C13", False, True),  # not above scale: ignored
        (b, "M73", True, True),  # not industrial: ignored
    ]
    for i, (county, code, above, rd) in enumerate(specs):
        e = make_enterprise(county, f"企业{i}", 100 + i, industry_code=code, above_scale=above)
        make_report(e, 2025, has_rd_activity=rd)
        make_report(e, 2024, has_rd_activity=True)
    qs = EnterpriseAnnualReport.objects.filter(
        year=2025, enterprise__above_scale=True, enterprise__industry_code__regex=r"^[BCD]")
    direct = D(qs.filter(has_rd_activity=True).count() * 100) / D(qs.count())
    assert m.value(year=2025, as_of=END) == direct.quantize(D("0.01")) == D("50.00")
    assert m.by_county(year=2025, as_of=END) == {a.pk: D("66.67"), b.pk: D("0.00")}
    assert m.value(year=2024, as_of=END) == D("100.00")
    assert m.records(year=2025, as_of=END).count() == 2  # the numerator's rows
    assert m.by_month(year=2025) is None  # a state, not a flow


def test_coverage_counts_counties_with_a_tech_service_enterprise(regions):
    m = metrics.get("above_scale_service_county_coverage")
    make_enterprise(regions["140403"], "服务1", 1, industry_code="M74", above_scale=True)
    make_enterprise(regions["140403"], "服务2", 2, industry_code="M75", above_scale=True)
    make_enterprise(regions["140423"], "服务3", 3, industry_code="M73", above_scale=False)
    make_enterprise(regions["140404"], "制造", 4, industry_code="C26", above_scale=True)
    make_enterprise(regions["140471"], "高新区服务", 5, industry_code="M73", above_scale=True)
    # no plan for the year: the default setting counts the zone under its host, 潞州区
    assert m.value(year=2025, as_of=END) == 1
    assert m.by_county(year=2025, as_of=END) == {regions["140403"].pk: D(1)}
    assert m.records(year=2025, as_of=END, county_id=regions["140403"].pk).count() == 3
    # counted as its own unit, the zone is a covered county of its own
    zone_own = metrics.Attribution(units=(regions["140403"].pk, regions["140471"].pk))
    assert m.value(year=2025, as_of=END, attribution=zone_own) == 2
    assert m.by_county(year=2025, as_of=END, attribution=zone_own) == {
        regions["140403"].pk: D(1), regions["140471"].pk: D(1)}


def test_dated_metric_cuts_at_as_of_and_builds_a_cumulative_curve(regions, dated_metric):
    a, b = regions["140403"], regions["140423"]
    for i, (county, day) in enumerate([(a, "2025-01-15"), (a, "2025-03-01"), (b, "2025-03-31"),
                                       (b, "2025-11-20"), (a, "2024-06-01")]):
        make_enterprise(county, f"企业{i}", 200 + i, established_on=dt.date.fromisoformat(day))
    m = dated_metric
    assert m.value(year=2025, as_of=dt.date(2025, 3, 31)) == 3
    assert m.value(year=2025, as_of=dt.date(2025, 3, 30)) == 2
    assert m.value(year=2025, as_of=END) == 4 == Organisation.objects.filter(
        established_on__year=2025).count()
    assert m.by_county(year=2025, as_of=END) == {a.pk: 2, b.pk: 2}
    curve = m.by_month(year=2025)
    assert curve == [1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4]
    assert m.by_month(year=2025, county_id=a.pk)[-1] == 2
    assert list(m.records(year=2025, as_of=dt.date(2025, 2, 1)).values_list("name", flat=True)) \
        == ["企业0"]


def test_records_are_narrowed_by_the_callers_scope(regions, users, dated_metric):
    make_enterprise(regions["140403"], "潞州企业", 901, established_on=dt.date(2025, 2, 1))
    make_enterprise(regions["140423"], "襄垣企业", 902, established_on=dt.date(2025, 2, 1))
    base = Organisation.objects.restrict(users["county_a_staff"], "view")
    names = list(dated_metric.records(year=2025, as_of=END, base=base)
                 .values_list("name", flat=True))
    assert names == ["潞州企业"]


def test_a_metric_needs_what_its_aggregate_uses():
    with pytest.raises(ValueError):
        metrics.RecordMetric(key="x", aggregate="share", model=Organisation)
    with pytest.raises(ValueError):
        metrics.RecordMetric(key="x", aggregate="sum", model=Organisation)
    with pytest.raises(ValueError):
        metrics.RecordMetric(key="x", aggregate="median", model=Organisation)


@pytest.mark.parametrize("as_of", [dt.date(2025, 3, 15), dt.date(2025, 3, 31), END])
def test_figures_in_one_pass_agree_with_the_separate_queries(regions, dated_metric, as_of):
    a, b = regions["140403"], regions["140423"]
    for i, (county, day, code, rd) in enumerate([
            (a, "2025-01-15", "C26", True), (a, "2025-03-10", "M74", False),
            (b, "2025-03-20", "B06", True), (b, "2025-11-20", "M73", True),
            (a, "2024-06-01", "C13", False)]):
        e = make_enterprise(county, f"企业{i}", 400 + i, industry_code=code, above_scale=True,
                            established_on=dt.date.fromisoformat(day))
        make_report(e, 2025, has_rd_activity=rd)
    for key in ("tech_sme_registered", "above_scale_industrial_with_rd_share",
                "above_scale_service_county_coverage"):
        m = metrics.get(key)
        f = m.figures(year=2025, as_of=as_of)
        assert f.city == m.value(year=2025, as_of=as_of), key
        assert {k: v for k, v in f.counties.items() if v} == {
            k: v for k, v in m.by_county(year=2025, as_of=as_of).items() if v}, key
        if m.dated:
            full = m.figures(year=2025, as_of=as_of, full_curve=True).curve
            assert full == m.by_month(year=2025)
            assert f.curve[as_of.month - 1] == f.city  # the cut curve ends at the as-of value


def test_a_metric_without_rows_can_mean_no_data_yet(regions):
    m = metrics.RecordMetric(key="x", model=Organisation, aggregate="count",
                             rows=lambda year: Organisation.objects.filter(name="无"),
                             no_rows_is_no_data=True)
    assert m.figures(year=2025, as_of=END).city is None
