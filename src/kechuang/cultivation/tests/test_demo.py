"""Demo cultivation records: plausible, valid, consistent with tiers, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.cultivation import selectors
from kechuang.cultivation.demo import seed_demo_cultivation
from kechuang.cultivation.models import (
    HighTechCertificate,
    LeaderDesignation,
    TechSmeRegistration,
)
from kechuang.orgs.models import Organisation

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def demo_orgs(regions):
    from kechuang.orgs.demo import load_demo

    load_demo(seed=2025, enterprises=600)


def test_demo_records_are_plausible_valid_and_idempotent(demo_orgs):
    result = seed_demo_cultivation(seed=2025, today=TODAY)
    regs = result.by_year["registrations"]
    assert regs[2025] > regs[2024] > regs[2023] > 0 and 2026 in regs
    assert 45 <= regs[2025] <= 60  # ≈ 291 × 600 / 3000
    spring = TechSmeRegistration.objects.filter(registered_on__month__in=(4, 5)).count()
    assert spring > TechSmeRegistration.objects.count() * 0.3
    certs = result.by_year["certificates"]
    assert set(certs) == {2022, 2023, 2024, 2025} and 10 <= certs[2025] <= 22
    assert not HighTechCertificate.objects.exclude(issued_on__month__in=(10, 11, 12)).exists()
    assert selectors.expiring_certificates(today=TODAY).exists()
    assert LeaderDesignation.objects.exists()
    for model in (TechSmeRegistration, HighTechCertificate, LeaderDesignation):
        for obj in model.objects.order_by("?")[:20]:
            obj.full_clean()
    # tiers agree with the records
    ents = list(Organisation.objects.filter(kind="enterprise").values_list("pk", "tier"))
    wanted = selectors.tiers_for([pk for pk, _ in ents], as_of=TODAY)
    assert all(wanted[pk] == tier for pk, tier in ents)
    assert any(t == "high_tech" for _, t in ents) and any(t == "leader" for _, t in ents)
    # a second run adds nothing
    counts = [m.objects.count() for m in (TechSmeRegistration, HighTechCertificate,
                                          LeaderDesignation)]
    again = seed_demo_cultivation(seed=2025, today=TODAY)
    assert (again.registrations, again.certificates, again.leaders) == (0, 0, 0)
    assert counts == [m.objects.count() for m in (TechSmeRegistration, HighTechCertificate,
                                                  LeaderDesignation)]


def test_demo_without_enterprises_does_nothing(regions):
    assert seed_demo_cultivation(today=TODAY).registrations == 0
