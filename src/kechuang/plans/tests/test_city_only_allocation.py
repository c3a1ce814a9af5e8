"""An indicator whose metric has the whole city's figure only (the city's R&D intensity) is
not split over the counties: no county figure would measure the share. The plan page offers
no 分解 link, the allocation page sends back with the reason, the services refuse."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kechuang.core.errors import DomainError
from kechuang.plans import services
from kechuang.plans.models import CountyAllocation

pytestmark = pytest.mark.django_db
TEXT = "仅有全市数据，不能分解到县区"


@pytest.fixture
def intensity(plan):
    ind = plan.actions.get(number=8).indicators.get(key="rd_intensity")
    ind.target = Decimal("2.5")  # even with a numeric target
    ind.save(update_fields=["target"])
    return ind


def test_services_refuse_a_city_only_indicator(users, plan, intensity):
    assert intensity.city_only
    assert not plan.actions.get(number=4).indicators.get(key="high_tech_recognized").city_only
    with pytest.raises(DomainError, match=TEXT):
        services.propose_allocation(indicator=intensity)
    county = plan.region.children.order_by("code").first()
    with pytest.raises(DomainError, match=TEXT):
        services.set_allocations(indicator=intensity, shares={county.pk: Decimal("2.5")},
                                 actor=users["city_staff"])
    assert not CountyAllocation.objects.exists()


def test_plan_page_and_allocation_page_do_not_offer_it(users, client_for, plan, intensity):
    client = client_for(users["city_staff"])
    html = client.get("/plan/", {"year": 2025}).content.decode()
    row = html[html.index("全市R&amp;D投入强度"):]
    row = row[:row.index("</tr>")]
    assert 'data-testid="city-only"' in row and "该指标仅有全市数据" in row
    assert f"/plan/indicators/{intensity.pk}/allocations/" not in row
    resp = client.get(f"/plan/indicators/{intensity.pk}/allocations/edit/", follow=True)
    assert resp.redirect_chain and TEXT in resp.content.decode()
    resp = client.post(f"/plan/indicators/{intensity.pk}/allocations/edit/",
                       {f"county_{plan.region.children.first().pk}": "2.5", "save": ""})
    assert resp.status_code == 302 and not CountyAllocation.objects.exists()
