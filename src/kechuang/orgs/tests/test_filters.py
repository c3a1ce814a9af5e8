"""One filter definition read three ways (core/filters.py): the page is lenient, the API strict
with DRF's messages, the schema from the same declaration."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import ValidationError

from conftest import make_report
from kechuang.orgs import selectors
from kechuang.orgs.filters import EnterpriseFilter, ReportFilter

pytestmark = pytest.mark.django_db


def test_page_keeps_good_values_and_shows_bad_ones(users, county_a, county_b):
    user = users["county_a_staff"]
    form = EnterpriseFilter.page_form({"county": str(county_b.pk), "above_scale": "1",
                                       "sort": "-name"}, user=user)
    # county B is not among a county A clerk's choices: shown as an error, left out
    assert form.filters() == {"above_scale": "1", "sort": "-name"}
    assert "county" in form.errors
    form = EnterpriseFilter.page_form({"county": str(county_a.pk)}, user=user)
    assert form.filters() == {"county": county_a.pk}


def test_api_takes_any_id_and_true_false_and_maps_ordering(users, county_b):
    user = users["county_a_staff"]
    filters = EnterpriseFilter.api_filters(
        {"county": str(county_b.pk), "above_scale": "false", "ordering": "-name"}, user=user)
    # the scope, not the filter, decides which rows a foreign county gives (none)
    assert filters == {"county": county_b.pk, "above_scale": "0", "sort": "-name"}


def test_api_errors_name_the_parameter_with_drf_messages(users):
    with pytest.raises(ValidationError) as exc:
        EnterpriseFilter.api_filters({"county": "²9", "chain": "0", "above_scale": "maybe",
                                      "ordering": "salary"}, user=users["city_staff"])
    detail = exc.value.detail
    assert set(detail) == {"county", "chain", "above_scale", "ordering"}
    assert str(detail["county"][0]) == "请填写合法的整数值。"
    assert "1" in str(detail["chain"][0])  # the lower bound is said


def test_api_refuses_an_empty_number_or_choice_but_not_an_empty_search(users):
    user = users["city_staff"]
    with pytest.raises(ValidationError) as exc:
        EnterpriseFilter.api_filters({"county": "", "tier": "", "q": ""}, user=user)
    assert set(exc.value.detail) == {"county", "tier"}
    assert str(exc.value.detail["county"][0]) == "请填写合法的整数值。"
    assert EnterpriseFilter.api_filters({"q": ""}, user=user) == {}


def test_api_only_and_page_only_filters(users, enterprise_a):
    user = users["city_staff"]
    assert ReportFilter.api_filters({"enterprise": str(enterprise_a.pk)}, user=user) == {
        "enterprise": enterprise_a.pk}
    assert "enterprise" not in ReportFilter.page_form(user=user).fields
    assert ReportFilter.page_form({"enterprise": str(enterprise_a.pk)}, user=user).filters() == {}


def test_schema_parameters_come_from_the_declaration():
    params = {p.name: p for p in ReportFilter.openapi_parameters()}
    assert set(params) == {"q", "year", "county", "enterprise", "ordering"}
    assert params["year"].type == {"type": "integer", "minimum": 2000, "maximum": 2100}
    assert "-enterprise" in params["ordering"].type["enum"]


def test_report_years_are_distinct_newest_first_and_scoped(users, enterprise_a, enterprise_b):
    for year in (2022, 2024, 2023):
        make_report(enterprise_a, year)
    make_report(enterprise_b, 2021)
    make_report(enterprise_b, 2024)
    assert selectors.report_years(user=users["city_staff"]) == [2024, 2023, 2022, 2021]
    # county A's clerk sees enterprise A's years only
    assert selectors.report_years(user=users["county_a_staff"]) == [2024, 2023, 2022]
