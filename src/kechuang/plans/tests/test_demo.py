"""The demo allocations: proposals saved through the service, once."""

from __future__ import annotations

import pytest

from kechuang.plans.demo import DEMO_PROVINCE_AVERAGE, seed_demo_allocations
from kechuang.plans.models import CountyAllocation, Indicator


@pytest.mark.django_db
def test_demo_allocates_the_headline_targets_once(plan, users):
    assert seed_demo_allocations(plan) == 2
    for key, target in (("tech_sme_registered", 300), ("high_tech_recognized", 94)):
        shares = CountyAllocation.objects.filter(indicator__key=key)
        assert shares.count() == 12 and sum(s.target for s in shares) == target
    ref = Indicator.objects.get(key="rd_intensity_vs_province")
    assert ref.reference_value == DEMO_PROVINCE_AVERAGE
    assert seed_demo_allocations(plan) == 0  # a second run changes nothing
    assert seed_demo_allocations(None) == 0
