"""Annual-report and organisation invariants: bad figures never reach the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import make_enterprise, make_report
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation


@pytest.mark.django_db
def test_wrong_credit_code_names_the_expected_check_character(county_a):
    org = Organisation(kind="enterprise", name="测试", credit_code="914403001922038217",
                       county=county_a, industry_code="C26", established_on="2020-01-01")
    with pytest.raises(ValidationError) as err:
        org.full_clean()
    assert "第18位应为“6”" in str(err.value.message_dict["credit_code"])


@pytest.mark.django_db
def test_credit_code_is_normalised(county_a):
    org = Organisation(kind="enterprise", name="测试", credit_code=" 91440300192203821 6 ",
                       county=county_a, industry_code="C26", established_on="2020-01-01")
    org.full_clean()
    assert org.credit_code == "914403001922038216"


@pytest.mark.django_db
def test_unknown_industry_code_is_rejected(county_a):
    org = Organisation(kind="enterprise", name="测试", credit_code="914403001922038216",
                       county=county_a, industry_code="C99", established_on="2020-01-01")
    with pytest.raises(ValidationError) as err:
        org.full_clean()
    assert "industry_code" in err.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "error_field", "fragment"), [
    ("st_staff", 101, "st_staff", "不能大于职工总数"),
    ("rd_domestic_yuan", Decimal("1500000.01"), "rd_domestic_yuan", "不能大于研发费用总额"),
    ("revenue_yuan", Decimal("-1"), "revenue_yuan", "0"),
])
def test_impossible_figures_are_rejected(enterprise_a, field, value, error_field, fragment):
    report = EnterpriseAnnualReport(enterprise=enterprise_a, year=2024, employees=100,
                                    st_staff=10, rd_expense_yuan=Decimal("1500000"),
                                    rd_domestic_yuan=Decimal("1000000"))
    setattr(report, field, value)
    with pytest.raises(ValidationError) as err:
        report.full_clean()
    assert fragment in " ".join(err.value.message_dict[error_field])


@pytest.mark.django_db
def test_database_constraints_back_the_model_checks(enterprise_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(enterprise_a, 2023, employees=5, st_staff=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(enterprise_a, 2023, rd_expense_yuan=Decimal("1"),
                    rd_domestic_yuan=Decimal("2"))


@pytest.mark.django_db
def test_one_report_per_enterprise_and_year(enterprise_a):
    make_report(enterprise_a, 2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(enterprise_a, 2024)


@pytest.mark.django_db
def test_only_enterprises_file_annual_reports(county_a):
    uni = make_enterprise(county_a, "长治学院", 77, kind="university", industry_code="P83")
    report = EnterpriseAnnualReport(enterprise=uni, year=2024)
    with pytest.raises(ValidationError) as err:
        report.full_clean()
    assert "enterprise" in err.value.message_dict
