"""The three plan figures equal direct counts of the records — city, counties, as-of cuts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import make_enterprise
from kechuang import metrics as registry
from kechuang.cultivation.metrics import (
    HIGH_TECH_RECOGNIZED,
    TECH_SME_REGISTERED,
)
from kechuang.cultivation.models import HighTechCertificate, TechSmeRegistration
from kechuang.cultivation.tests.conftest import make_certificate, make_registration

pytestmark = pytest.mark.django_db

OCT = dt.date(2025, 10, 31)


@pytest.fixture
def ladder_data(county_a, county_b):
    a1 = make_enterprise(county_a, "甲一", 11)
    a2 = make_enterprise(county_a, "甲二", 12)
    b1 = make_enterprise(county_b, "乙一", 21)
    make_registration(a1, 2025, dt.date(2025, 3, 10))
    make_registration(a2, 2025, dt.date(2025, 11, 5))  # after the October cut
    make_registration(b1, 2025, dt.date(2025, 6, 1))
    make_registration(b1, 2024, dt.date(2024, 6, 1))  # last year
    make_registration(a1, 2024, dt.date(2024, 4, 1), status="revoked")
    make_certificate(a1, dt.date(2025, 10, 20), kind="new")
    make_certificate(a2, dt.date(2025, 12, 4), kind="renewal")  # re-recognition counts
    make_certificate(b1, dt.date(2025, 10, 28), status="revoked")  # revoked: not counted
    make_certificate(b1, dt.date(2022, 12, 12))  # 2022
    return {"a1": a1, "a2": a2, "b1": b1}


def test_registered_against_direct_counts(ladder_data, county_a, county_b):
    m = registry.get("tech_sme_registered")
    assert m is TECH_SME_REGISTERED

    def direct(year, as_of, county=None):
        qs = TechSmeRegistration.objects.filter(
            year=year, status="registered", registered_on__lte=as_of)
        if county:
            qs = qs.filter(enterprise__county=county)
        return Decimal(qs.values("enterprise").distinct().count())

    for as_of in (OCT, dt.date(2025, 12, 31)):
        assert m.value(year=2025, as_of=as_of) == direct(2025, as_of)
        by_county = m.by_county(year=2025, as_of=as_of)
        assert by_county.get(county_a.pk, 0) == direct(2025, as_of, county_a)
        assert by_county.get(county_b.pk, 0) == direct(2025, as_of, county_b)
    assert m.value(year=2025, as_of=OCT) == 2
    assert m.value(year=2025, as_of=dt.date(2025, 12, 31)) == 3
    assert m.value(year=2024, as_of=dt.date(2024, 12, 31)) == 1  # the revoked one is out
    curve = m.by_month(year=2025)
    assert curve[2] == 1 and curve[5] == 2 and curve[10] == 3
    names = {r.enterprise.name for r in m.records(year=2025, as_of=OCT)}
    assert names == {"甲一", "乙一"}


def test_recognized_counts_new_and_renewal_not_revoked(ladder_data, county_a, county_b):
    m = registry.get("high_tech_recognized")
    assert m is HIGH_TECH_RECOGNIZED
    end = dt.date(2025, 12, 31)
    direct = HighTechCertificate.objects.filter(issued_on__year=2025).exclude(
        status="revoked").values("enterprise").distinct().count()
    assert m.value(year=2025, as_of=end) == direct == 2
    assert m.value(year=2025, as_of=OCT) == 1
    assert m.by_county(year=2025, as_of=end) == {county_a.pk: 2}
    assert m.value(year=2022, as_of=dt.date(2022, 12, 31)) == 1


def test_dashboard_reads_the_metrics(plan, ladder_data, county_a):
    from kechuang.kpi.selectors import build_dashboard

    board = build_dashboard(plan=plan, as_of=dt.date(2025, 12, 31),
                            keys=["tech_sme_registered", "high_tech_recognized"])
    sme = board.row("tech_sme_registered")
    assert sme.source_kind == "metric" and sme.progress.value == 3
    assert sme.last_year_value == 1
    assert board.row("high_tech_recognized").county(county_a.pk).value == 2
