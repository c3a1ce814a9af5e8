"""An indicator's scope decides at which level values are reported (#12): a city indicator
(改革措施落实, R&D intensity) takes only the city's figure, a county indicator (县区财政科技投入)
only counties' — in the form, the API and the service alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from kechuang.reported import services
from kechuang.reported.models import ReportedValue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reform_reported")]
CITY_ONLY = "reform_measures_done"


def test_a_county_clerk_is_offered_county_indicators_only(client_for, users, indicators):
    html = client_for(users["county_a_staff"]).get(reverse("reported:value_add")).content.decode()
    assert f'value="{indicators["county_fiscal_st_spending"].pk}"' in html
    assert f'value="{indicators[CITY_ONLY].pk}"' not in html
    html = client_for(users["city_staff"]).get(reverse("reported:value_add")).content.decode()
    assert f'value="{indicators[CITY_ONLY].pk}"' in html


def test_a_county_clerk_cannot_report_a_city_indicator_on_the_page(client_for, users,
                                                                    indicators, county_a):
    resp = client_for(users["county_a_staff"]).post(reverse("reported:value_add"), {
        "indicator": indicators[CITY_ONLY].pk, "county": county_a.pk,
        "period_end": "2025-06-30", "value": "3"})
    assert resp.status_code == 200 and "选择一个有效的选项" in resp.content.decode()
    assert not ReportedValue.objects.exists()


@pytest.mark.parametrize("county", [True, False])
def test_a_county_clerk_cannot_report_a_city_indicator_through_the_api(users, indicators,
                                                                        county_a, county):
    client = APIClient()
    client.force_login(users["county_a_staff"])
    body = {"indicator": indicators[CITY_ONLY].pk, "period_end": "2025-06-30", "value": "3"}
    if county:
        body["county"] = county_a.pk
    resp = client.post("/api/v1/reported-values/", body, format="json")
    assert resp.status_code in (400, 403), resp.json()
    if county:  # with its county: the indicator's scope says why
        assert "是全市指标" in resp.json()["errors"][0]["message"]
    assert not ReportedValue.objects.exists()


def test_the_city_cannot_file_a_city_indicator_under_a_county(users, indicators, county_a):
    with pytest.raises(ValidationError) as exc:
        services.submit_value(actor=users["city_staff"], data={
            "indicator": indicators[CITY_ONLY], "county": county_a,
            "period_end": "2025-06-30", "value": "3"})
    assert "只上报全市数值" in str(exc.value.message_dict["county"])
    services.submit_value(actor=users["city_staff"], data={
        "indicator": indicators[CITY_ONLY], "county": None, "period_end": "2025-06-30",
        "value": "3"})
    assert ReportedValue.objects.filter(county__isnull=True).count() == 1
