"""Single-row rules: the expiry computation, number formats, derived state (Chinese messages)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kechuang.cultivation.models import (
    HighTechCertificate,
    TechSmeRegistration,
    add_months,
    certificate_expiry,
    validate_certificate_no,
    validate_registration_no,
)


@pytest.mark.parametrize(("issued", "last_day"), [
    (dt.date(2022, 12, 12), dt.date(2025, 12, 11)),
    (dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
    (dt.date(2024, 2, 29), dt.date(2027, 2, 28)),  # leap day: through the day before 1 March
    (dt.date(2024, 3, 1), dt.date(2027, 2, 28)),
    (dt.date(2025, 12, 31), dt.date(2028, 12, 30)),
])
def test_certificate_valid_three_years_from_issue(issued, last_day):
    assert certificate_expiry(issued) == last_day


def test_expiry_matches_the_policy_engine():
    from kechuang.policy.high_tech import _add_years

    for issued in (dt.date(2022, 12, 12), dt.date(2024, 2, 29)):
        assert certificate_expiry(issued) == _add_years(issued, 3) - dt.timedelta(days=1)


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 29), 6) == dt.date(2027, 5, 29)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)


@pytest.mark.parametrize("value", ["GR202514000123", "GR202232001234"])
def test_certificate_numbers_accepted(value):
    validate_certificate_no(value)


@pytest.mark.parametrize(("value", "message"), [
    ("GR20251400012", "格式应为 GR"),
    ("GF202514000123", "格式应为 GR"),
    ("GR202599000123", "省份代码“99”无效"),
    ("", "格式应为 GR"),
])
def test_certificate_numbers_refused_in_chinese(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_certificate_no(value)


def test_registration_number_is_lenient_but_not_free_text():
    validate_registration_no("2025140403A0000123")
    validate_registration_no("ABC1")
    for bad in ("", "2025-1404", "a" * 3, "1" * 33):
        with pytest.raises(ValidationError, match="入库登记编号"):
            validate_registration_no(bad)


@pytest.mark.django_db
def test_certificate_year_must_match_issue_date(enterprise_a):
    cert = HighTechCertificate(enterprise=enterprise_a, certificate_no="GR202414000123",
                               issued_on=dt.date(2025, 11, 20),
                               expires_on=certificate_expiry(dt.date(2025, 11, 20)))
    with pytest.raises(ValidationError) as exc:
        cert.full_clean()
    assert "年份（2024）与发证日期的年份（2025）不一致" in str(exc.value)


@pytest.mark.django_db
def test_registration_date_within_evaluation_year(enterprise_a):
    reg = TechSmeRegistration(enterprise=enterprise_a, year=2025, registration_no="X1",
                              registered_on=dt.date(2024, 12, 30))
    with pytest.raises(ValidationError, match="入库日期应在评价年度"):
        reg.full_clean()


@pytest.mark.django_db
def test_records_only_for_enterprises(provider_org):
    reg = TechSmeRegistration(enterprise=provider_org, year=2025, registration_no="X1",
                              registered_on=dt.date(2025, 4, 1))
    with pytest.raises(ValidationError, match="只能为企业登记"):
        reg.full_clean()


def test_state_is_derived_from_the_date():
    issued = dt.date(2023, 12, 8)
    cert = HighTechCertificate(issued_on=issued, expires_on=certificate_expiry(issued),
                               status="valid")
    assert cert.state_on(dt.date(2026, 12, 7)) == "valid"  # the last day still counts
    assert cert.state_on(dt.date(2026, 12, 8)) == "expired"
    cert.status = "revoked"
    assert cert.state_on(dt.date(2024, 1, 1)) == "revoked"
