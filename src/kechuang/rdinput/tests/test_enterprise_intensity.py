"""The enterprise page's R&D-intensity card (rdinput panel): 研发费用 ÷ 营业收入 for each year
of the enterprise's annual reports, with the scope named, read in the viewer's scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import make_report
from kechuang.rdinput import panels, selectors

pytestmark = pytest.mark.django_db
HEADING = "企业研发投入强度 = 研发费用 ÷ 营业收入，口径：企业年报（未经审计）"


@pytest.fixture
def years(enterprise_a):
    """2022 and 2025 with figures, 2024 with zero revenue, 2023 missing."""
    make_report(enterprise_a, 2022, revenue_yuan=Decimal("40000000"),
                rd_expense_yuan=Decimal("1000000"), rd_domestic_yuan=Decimal("1000000"))
    make_report(enterprise_a, 2024, revenue_yuan=Decimal(0), rd_expense_yuan=Decimal(0),
                rd_domestic_yuan=Decimal(0), high_tech_revenue_yuan=Decimal(0),
                total_income_yuan=Decimal(0))
    make_report(enterprise_a, 2025)  # 150 万 ÷ 3,000 万 = 5.00 %


def page(client_for, user, enterprise):
    return client_for(user).get(reverse("orgs:enterprise_detail", args=[enterprise.pk]))


def test_series_of_the_reports_names_scope_zero_revenue_and_missing_year(users, enterprise_a,
                                                                         years):
    s = selectors.enterprise_intensity(user=users["city_staff"], enterprise=enterprise_a)
    assert s.heading == HEADING
    assert [(r.year, r.intensity_pct) for r in s.years] == [
        (2022, Decimal("2.50")), (2024, None), (2025, Decimal("5.00"))]
    assert s.missing_years == [2023]


@pytest.mark.parametrize("who", ["city_staff", "county_a_staff", "enterprise_a_user"])
def test_card_on_the_enterprise_page_for_viewers_in_scope(client_for, users, enterprise_a,
                                                          years, who):
    r = page(client_for, users[who], enterprise_a)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="rd-intensity-section"' in html and HEADING in html
    assert html.count('data-testid="rd-intensity-row"') == 3
    assert "5.00%" in html and "2.50%" in html and "营业收入为 0，不可计算" in html
    assert 'data-testid="rd-intensity-missing"' in html and "2023" in html


def test_no_card_without_reports_or_outside_scope(client_for, users, enterprise_a,
                                                  enterprise_b, years):
    # enterprise_b has no report: no card on its page
    html = page(client_for, users["city_staff"], enterprise_b).content.decode()
    assert 'data-testid="rd-intensity-section"' not in html
    # the panel's context for a viewer outside the enterprise's scope: nothing to show
    assert panels.enterprise_intensity_context(users["county_b_staff"], enterprise_a) is None
    assert panels.enterprise_intensity_context(users["enterprise_b_user"], enterprise_a) is None
    assert panels.enterprise_intensity_context(users["expert"], enterprise_a) is None
    # another enterprise's user cannot open the page at all
    assert page(client_for, users["enterprise_b_user"], enterprise_a).status_code in (403, 404)


def test_a_stored_negative_figure_is_refused_and_named_not_a_500(client_for, users,
                                                                enterprise_a, years):
    from kechuang.orgs.models import EnterpriseAnnualReport

    # below the validators (a raw update): the rule refuses it and the card says which
    EnterpriseAnnualReport.objects.filter(enterprise=enterprise_a, year=2022).update(
        rd_expense_yuan=Decimal("-1"), rd_domestic_yuan=Decimal("-2"))
    r = page(client_for, users["city_staff"], enterprise_a)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="rd-intensity-error"' in html and "rd_expense_yuan" in html
    assert "不能为负数" in html
