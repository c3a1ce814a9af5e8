"""Single-row rules of reported values (Chinese messages)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kechuang.reported.models import ReportedValue, SourceOverride

pytestmark = pytest.mark.django_db


def build(indicator, user, **kw):
    data = dict(indicator=indicator, period_end=dt.date(2025, 6, 30), value="3",
                submitted_by=user)
    data.update(kw)
    return ReportedValue(**data)


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


def test_a_counted_indicator_takes_no_values_until_the_bureau_chooses_the_official_one(
        indicators, users):
    counted = indicators["tech_sme_registered"]  # a registered metric counts it
    errs = errors_of(build(counted, users["city_staff"]))
    assert "不接受上报" in errs["indicator"][0]
    SourceOverride.objects.create(indicator=counted, use_reported=True, reason="统计局公布数")
    build(counted, users["city_staff"]).full_clean()
    SourceOverride.objects.filter(indicator=counted).update(use_reported=False)
    assert "不接受上报" in errors_of(build(counted, users["city_staff"]))["indicator"][0]


def test_an_indicator_no_module_counts_takes_values(indicators, users, vouchers_reported):
    """An indicator without a module: its figures are reported until one exists."""
    build(indicators["vouchers_redeemed"], users["city_staff"]).full_clean()


def test_county_scope_indicator_needs_a_county(indicators, users, county_a):
    ind = indicators["county_fiscal_st_spending"]
    assert "请选择县区" in errors_of(build(ind, users["city_staff"]))["county"][0]
    build(ind, users["city_staff"], county=county_a).full_clean()


def test_county_must_belong_to_the_plan_city(indicators, users, regions):
    from kechuang.regions.models import Region

    elsewhere = Region.objects.create(code="140100999", name="外市某区", level="county",
                                      kind="district")
    errs = errors_of(build(indicators["rd_intensity"], users["city_staff"], county=elsewhere))
    assert "不是长治市所辖县区" in errs["county"][0]


@pytest.mark.parametrize("day", [dt.date(2024, 12, 31), dt.date(2026, 1, 31)])
def test_period_end_within_the_plan_year(indicators, users, day):
    errs = errors_of(build(indicators["rd_intensity"], users["city_staff"], period_end=day))
    assert "2025年内" in errs["period_end"][0]


def test_period_end_year_bounds_are_accepted(indicators, users):
    for day in (dt.date(2025, 1, 1), dt.date(2025, 12, 31)):
        build(indicators["rd_intensity"], users["city_staff"], period_end=day).full_clean()


def test_display_value_has_no_exponent(indicators, users):
    from decimal import Decimal

    obj = build(indicators["reform_measures_done"], users["city_staff"], value=Decimal("16.0000"))
    assert obj.display_value == "16" and obj.display_target == "16"
