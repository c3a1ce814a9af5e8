"""The voucher figures of the metric registry: 服务目录使用率 (vouchers_catalogue_used)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang import metrics
from kechuang.vouchers import services
from kechuang.vouchers.demo import evidence_files
from kechuang.vouchers.models import ServiceKind
from kechuang.vouchers.tests.conftest import contract, issue_voucher

D = dt.date
pytestmark = pytest.mark.django_db


def _claim(c, user, invoice, on, city, decide=("approve", "pay"), paid_on=None):
    claim, _ = services.file_claim(actor=user, contract=c, data={
        "invoice_no": invoice, "fee_fen": 100_000, "service_completed_on": on},
        files=evidence_files(invoice))
    for action in decide:
        claim = services.decide_claim(actor=city, claim=claim, action=action,
                                      on=paid_on or on + dt.timedelta(days=10))
    return claim


@pytest.fixture
def book(policy, voucher, provider, users, city, enterprise_b):
    """Catalogue of three (testing, rd, consulting). County A: testing paid 11 April and
    again 11 June; county B: rd paid 11 Sep; consulting approved but never paid; one rd
    claim of A rejected."""
    ent, prov = users["enterprise_a_user"], users["provider"]
    testing = contract(voucher, provider, ent, prov, kind="testing")
    rd_a = contract(voucher, provider, ent, prov, kind="rd")
    consulting = contract(voucher, provider, ent, prov, kind="consulting")
    vb = issue_voucher(policy, enterprise_b, users["enterprise_b_user"],
                       users["county_b_staff"], city)
    rd_b = contract(vb, provider, users["enterprise_b_user"], prov, kind="rd")
    _claim(testing, prov, "T1", D(2025, 4, 1), city)
    _claim(testing, prov, "T2", D(2025, 6, 1), city)
    _claim(rd_b, prov, "R1", D(2025, 9, 1), city)
    _claim(consulting, prov, "C1", D(2025, 9, 1), city, decide=("approve",))
    rejected, _ = services.file_claim(actor=prov, contract=rd_a, data={
        "invoice_no": "R2", "fee_fen": 100_000, "service_completed_on": D(2025, 5, 1)},
        files=evidence_files("R2"))
    services.decide_claim(actor=city, claim=rejected, action="reject", reason="不符")
    return policy


def test_share_of_the_catalogue_used_by_paid_claims(book, county_a, county_b, users):
    m = metrics.get("vouchers_catalogue_used")
    assert m is not None and m.unit == "%"
    year_end = D(2025, 12, 31)
    assert m.value(year=2025, as_of=year_end) == Decimal("66.67")  # testing, rd of three
    assert m.value(year=2025, as_of=year_end, county_id=county_a.pk) == Decimal("33.33")
    assert m.value(year=2025, as_of=year_end, county_id=county_b.pk) == Decimal("33.33")
    assert m.value(year=2025, as_of=D(2025, 4, 10)) == 0  # nothing paid yet
    assert m.value(year=2025, as_of=D(2025, 4, 11)) == Decimal("33.33")  # paid that day
    fig = m.figures(year=2025, as_of=D(2025, 10, 31))
    assert fig.city == Decimal("66.67") and fig.counties[county_b.pk] == Decimal("33.33")
    assert fig.curve[2] == 0 and fig.curve[3] == Decimal("33.33")
    assert fig.curve[8:] == [Decimal("66.67")] * 4
    assert fig.county_curves[county_a.pk][11] == Decimal("33.33")
    assert m.by_month(year=2025, county_id=county_b.pk)[7:9] == [0, Decimal("33.33")]
    # the drill-down: the paid claims behind it, a county's own only
    assert sorted(m.records(year=2025, as_of=year_end).values_list("invoice_no", flat=True)
                  ) == ["R1", "T1", "T2"]
    assert list(m.records(year=2025, as_of=year_end, county_id=county_b.pk)
                .values_list("invoice_no", flat=True)) == ["R1"]
    # a kind taken out of the catalogue leaves numerator and denominator
    ServiceKind.objects.filter(policy=book, code="rd").update(active=False)
    assert m.value(year=2025, as_of=year_end) == Decimal("50.00")  # testing of two
    assert m.value(year=2025, as_of=year_end, county_id=county_b.pk) == 0


def test_a_year_without_a_catalogue_has_no_figure(county_a):
    fig = metrics.get("vouchers_catalogue_used").figures(year=2024, as_of=D(2024, 12, 31))
    assert fig.city is None and not fig.has_rows
