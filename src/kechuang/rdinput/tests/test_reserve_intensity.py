"""Reserve funds (the coverage indicator counts chain leaders and cores once) and the R&D
intensity (official figure first, estimate labelled, province average as the reference)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import make_enterprise
from kechuang import metrics as registry
from kechuang.core.errors import DomainError, ScopeError
from kechuang.rdinput import selectors, services
from kechuang.rdinput.metrics import CHAIN_RD_RESERVE
from kechuang.rdinput.models import IntensityFigure, RdReserveFund

pytestmark = pytest.mark.django_db
OCT = dt.date(2025, 10, 31)


def fund(actor, enterprise, year, provision="500000", **extra):
    return services.save_reserve(actor=actor, data={
        "enterprise": enterprise, "year": year, "provision_yuan": Decimal(provision),
        "used_yuan": Decimal("100000"), "system_document": "研发准备金管理办法",
        "approved_on": dt.date(year, 3, 1), **extra})


def test_chain_reserve_counts_anchor_enterprises_once(users, county_a, county_b):
    from kechuang.orgs.models import ChainMembership, IndustrialChain

    c1, c2 = IndustrialChain.objects.order_by("pk")[:2]
    lead = make_enterprise(county_a, "链主甲", 31)
    core = make_enterprise(county_b, "链核乙", 32)
    member = make_enterprise(county_a, "成员丙", 33)
    no_fund = make_enterprise(county_a, "链主丁", 34)
    ChainMembership.objects.create(organisation=lead, chain=c1, role="chain_leader")
    ChainMembership.objects.create(organisation=lead, chain=c2, role="chain_core")  # twice
    ChainMembership.objects.create(organisation=core, chain=c1, role="chain_core")
    ChainMembership.objects.create(organisation=member, chain=c1, role="member")
    ChainMembership.objects.create(organisation=no_fund, chain=c2, role="chain_leader")
    city = users["city_staff"]
    for e in (lead, core, member):
        fund(city, e, 2025)
    fund(city, no_fund, 2025, provision="0")
    fund(city, lead, 2024, provision="1")
    m = registry.get("chain_enterprises_with_rd_reserve")
    assert m is CHAIN_RD_RESERVE and not m.dated and m.model is RdReserveFund
    assert m.value(year=2025, as_of=OCT) == 2
    assert m.by_county(year=2025, as_of=OCT) == {county_a.pk: 1, county_b.pk: 1}
    assert m.records(year=2025, as_of=OCT).count() == 2
    assert m.value(year=2024, as_of=OCT) == 1
    missing = selectors.anchors_without_reserve(user=city, year=2025)
    assert list(missing) == [no_fund]


def test_an_enterprise_registers_its_own_only(users, enterprise_a, enterprise_b):
    f = fund(users["enterprise_a_user"], enterprise_a, 2025)
    assert f.recorded_by == users["enterprise_a_user"]
    with pytest.raises(ScopeError):
        fund(users["enterprise_a_user"], enterprise_b, 2025)
    with pytest.raises(DomainError):
        fund(users["enterprise_a_user"], enterprise_a, 2025)
    seen = selectors.reserve_list(user=users["enterprise_b_user"])
    assert not seen.exists()
    assert list(selectors.reserve_list(user=users["county_a_staff"])) == [f]


def test_reserve_list_page_and_edit(users, enterprise_a, client_for):
    f = fund(users["city_staff"], enterprise_a, 2025)
    client = client_for(users["enterprise_a_user"])
    html = client.get(reverse("rdinput:reserve_list")).content.decode()
    assert enterprise_a.name in html
    resp = client.post(reverse("rdinput:reserve_edit", args=[f.pk]), {
        "year": 2025, "provision_yuan": "600000", "used_yuan": "200000",
        "system_document": "研发准备金管理办法（修订）", "approved_on": "2025-03-01",
        "version": f.version})
    assert resp.status_code == 302
    f.refresh_from_db()
    assert f.provision_yuan == Decimal("600000") and f.version == 2


def figure(actor, year=2025, **extra):
    data = {"year": year, "official_pct": Decimal("2.31"),
            "official_source": "长治市2025年科技经费投入统计公报", "province_pct": Decimal("2.10"),
            "province_source": "山西省统计公报"}
    data.update(extra)
    return services.save_intensity(actor=actor, data=data)


def test_official_figure_first_estimate_labelled(users, plan):
    m = registry.get("rd_intensity")
    assert m.figures(year=2025, as_of=OCT).city is None
    f = figure(users["city_staff"], official_pct=None, official_source="",
               rd_expenditure_yuan=Decimal("4.4e9"), gdp_yuan=Decimal("2e11"))
    assert m.figures(year=2025, as_of=OCT).city == Decimal("2.20")  # the estimate
    assert selectors.evaluate_figure(f).figure_kind == "estimate"
    f = services.save_intensity(actor=users["city_staff"], figure=f, data={
        "official_pct": Decimal("2.31"), "official_source": "统计公报", "version": f.version})
    assert m.value(year=2025, as_of=OCT) == Decimal("2.31")
    assert selectors.evaluate_figure(f).figure_kind == "official"
    assert registry.get("rd_intensity_vs_province").value(year=2025, as_of=OCT) == Decimal(
        "2.31")


def test_the_province_average_becomes_the_reference(users, plan):
    from kechuang.plans.models import Indicator

    figure(users["city_admin"])
    ind = Indicator.objects.get(action__plan=plan, key="rd_intensity_vs_province")
    assert ind.reference_value == Decimal("2.10")


def test_a_source_is_required_with_an_official_figure(users):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        figure(users["city_staff"], official_source="")
    assert not IntensityFigure.objects.exists()


def test_intensity_page_labels_the_estimate(users, client_for):
    figure(users["city_staff"], rd_expenditure_yuan=Decimal("4.4e9"), gdp_yuan=Decimal("2e11"))
    html = client_for(users["county_a_staff"]).get(reverse("rdinput:intensity_list")).content
    html = html.decode()
    assert "平台估算（非官方统计数据）" in html and "2.20%" in html and "2.31%" in html


def test_estimate_sums_the_years_annual_reports_with_coverage(users, plan, enterprise_a,
                                                              enterprise_b, provider_org,
                                                              client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import make_report

    m = registry.get("rd_intensity")
    # GDP only, no R&D amount entered, no official figure: no report of 2025 yet → no data
    f = figure(users["city_staff"], official_pct=None, official_source="",
               gdp_yuan=Decimal("1e9"))
    r = selectors.evaluate_figure(f)
    assert r.intensity_pct is None and r.rd_coverage == 0
    assert m.figures(year=2025, as_of=OCT).city is None
    make_report(enterprise_a, 2025, rd_expense_yuan=Decimal("1500000"))
    make_report(enterprise_b, 2025, rd_expense_yuan=Decimal("3500000"),
                rd_domestic_yuan=Decimal("3500000"))
    make_report(enterprise_b, 2024, rd_expense_yuan=Decimal("9000000"),
                rd_domestic_yuan=Decimal("9000000"))  # another year: not summed
    r = selectors.evaluate_figure(f)
    assert (r.figure_kind, r.numerator_yuan, r.rd_coverage) == ("estimate", Decimal("5000000"), 2)
    assert r.intensity_pct == Decimal("0.50") and "覆盖 2 家填报企业" in r.message
    assert r.figure_label == "平台估算（非官方统计数据）"
    assert m.figures(year=2025, as_of=OCT).city == Decimal("0.50")  # the indicator's estimate
    # the list shows it labelled with its coverage, without a query per row
    figure(users["city_staff"], year=2024, official_pct=None, official_source="",
           gdp_yuan=Decimal("1e9"))
    with CaptureQueriesContext(connection) as q:
        html = client_for(users["city_staff"]).get(reverse("rdinput:intensity_list")).content
    html = html.decode()
    sums = [x for x in q.captured_queries if "orgs_enterpriseannualreport" in x["sql"]]
    assert len(sums) == 1  # the list's own query (subqueries), not one a row
    assert "0.50%（企业年报研发费用合计，2 家企业填报）" in html
    assert "0.90%（企业年报研发费用合计，1 家企业填报）" in html
    # an amount entered takes its place; the official figure is still what the indicator uses
    f = services.save_intensity(actor=users["city_staff"], figure=f, data={
        "rd_expenditure_yuan": Decimal("20000000"), "version": f.version})
    r = selectors.evaluate_figure(f)
    assert r.intensity_pct == Decimal("2.00") and r.rd_coverage is None
    f = services.save_intensity(actor=users["city_staff"], figure=f, data={
        "rd_expenditure_yuan": None, "official_pct": Decimal("2.31"),
        "official_source": "统计公报", "version": f.version})
    r = selectors.evaluate_figure(f)
    assert r.figure_kind == "official" and r.estimate_pct == Decimal("0.50")
    assert m.value(year=2025, as_of=OCT) == Decimal("2.31")
