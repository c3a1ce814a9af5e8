"""County fiscal S&T reports: filing in one's own county, approval, growth, ranking, and the
plan figure — counties add up to the city."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kechuang import metrics as registry
from kechuang.core.errors import DomainError, ScopeError
from kechuang.rdinput import selectors, services
from kechuang.rdinput.models import FiscalEvidence, FiscalReport
from kechuang.rdinput.tests.conftest import file_report, pdf
from kechuang.workflow.services import TransitionError

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 12, 31)


def test_county_files_its_own_with_the_document(users, county_a, county_b):
    r = file_report(users["county_a_staff"], county_a, 2025)
    assert r.status == FiscalReport.Status.SUBMITTED
    assert FiscalEvidence.objects.filter(report=r).count() == 1
    with pytest.raises(ScopeError):
        file_report(users["county_a_staff"], county_b, 2025)
    assert not FiscalReport.objects.filter(county=county_b).exists()


def test_the_document_is_required_and_one_report_a_year(users, county_a):
    with pytest.raises(DomainError):
        services.submit_fiscal(actor=users["county_a_staff"], data={
            "county": county_a, "year": 2025, "budget_wan": Decimal(1), "document": "x"})
    file_report(users["county_a_staff"], county_a, 2025)
    with pytest.raises(DomainError):
        file_report(users["county_a_staff"], county_a, 2025)


def test_enterprises_cannot_file(users, county_a):
    with pytest.raises(PermissionDenied):
        file_report(users["enterprise_a_user"], county_a, 2025)


def test_city_approves_not_the_county_and_rejected_goes_back(users, county_a):
    r = file_report(users["county_a_staff"], county_a, 2025)
    with pytest.raises(PermissionDenied):
        services.approve_fiscal(report=r, actor=users["county_a_staff"])
    with pytest.raises(TransitionError):
        services.reject_fiscal(report=r, actor=users["city_staff"], reason="")
    r = services.reject_fiscal(report=r, actor=users["city_staff"], reason="缺决算文件")
    assert r.status == FiscalReport.Status.REJECTED
    r = services.correct_fiscal(report=r, actor=users["county_a_staff"],
                                data={"actual_wan": Decimal("1200"), "version": r.version},
                                files=[pdf("补充.pdf")])
    assert r.status == FiscalReport.Status.SUBMITTED and r.actual_wan == Decimal("1200")
    r = services.approve_fiscal(report=r, actor=users["city_admin"])
    assert r.status == FiscalReport.Status.APPROVED
    with pytest.raises(DomainError):
        services.correct_fiscal(report=r, actor=users["county_a_staff"], data={"note": "x"})


def test_metric_counts_approved_actuals_and_counties_add_up(users, county_a, county_b, plan):
    city = users["city_admin"]
    file_report(users["county_a_staff"], county_a, 2025, actual="1234.56", approve_by=city)
    file_report(users["county_b_staff"], county_b, 2025, actual="765.44", approve_by=city)
    file_report(users["county_b_staff"], county_b, 2024, actual="500", approve_by=city)
    m = registry.get("county_fiscal_st_spending")
    assert m.model is FiscalReport
    figures = m.figures(year=2025, as_of=AS_OF)
    assert figures.counties == {county_a.pk: Decimal("1234.56"), county_b.pk: Decimal("765.44")}
    assert figures.city == sum(figures.counties.values()) == Decimal("2000.00")
    assert m.value(year=2025, as_of=AS_OF, county_id=county_a.pk) == Decimal("1234.56")


def test_pending_and_budget_only_reports_do_not_count(users, county_a, county_b, plan):
    file_report(users["county_a_staff"], county_a, 2025)  # not approved
    file_report(users["county_b_staff"], county_b, 2025, actual=None,
                approve_by=users["city_staff"])
    m = registry.get("county_fiscal_st_spending")
    assert m.figures(year=2025, as_of=AS_OF).city is None  # no data yet, not zero


def test_growth_and_ranking(users, county_a, county_b, plan):
    city = users["city_admin"]
    file_report(users["county_a_staff"], county_a, 2024, actual="1000", approve_by=city)
    file_report(users["county_a_staff"], county_a, 2025, actual="1100", approve_by=city)
    file_report(users["county_b_staff"], county_b, 2025, actual="1500", approve_by=city)
    rows = selectors.fiscal_ranking(user=users["city_staff"], year=2025)
    ranked = [(r.county.pk, r.rank, r.growth_pct) for r in rows if r.rank]
    assert ranked == [(county_b.pk, 1, None), (county_a.pk, 2, Decimal("10.00"))]
    total, last = selectors.ranking_total(rows)
    assert (total, last) == (Decimal("2600"), Decimal("1000"))
    own = selectors.fiscal_ranking(user=users["county_a_staff"], year=2025)
    assert [r.county.pk for r in own] == [county_a.pk]


def test_pages(users, county_a, client_for, plan):
    r = file_report(users["county_a_staff"], county_a, 2025)
    client = client_for(users["city_staff"])
    html = client.get(reverse("rdinput:fiscal_list")).content.decode()
    assert county_a.name in html and 'data-testid="fiscal-row"' in html
    detail = client.get(r.get_absolute_url()).content.decode()
    assert 'data-testid="approve"' in detail
    resp = client.post(reverse("rdinput:fiscal_approve", args=[r.pk]))
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.status == FiscalReport.Status.APPROVED
    ranking = client.get(reverse("rdinput:fiscal_ranking"), {"year": 2025}).content.decode()
    assert 'data-testid="ranking-total">1100' in ranking
    ev = FiscalEvidence.objects.get(report=r)
    assert client.get(ev.get_absolute_url()).status_code == 200
    other = client_for(users["county_b_staff"])
    assert other.get(ev.get_absolute_url()).status_code == 404


def test_county_files_through_the_page(users, county_a, client_for):
    client = client_for(users["county_a_staff"])
    resp = client.post(reverse("rdinput:fiscal_add"), {
        "county": county_a.pk, "year": 2025, "budget_wan": "800", "actual_wan": "",
        "document": "某县财政局预算报告", "files": pdf()})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    r = FiscalReport.objects.get(county=county_a, year=2025)
    assert r.actual_wan is None and r.evidence.count() == 1
