"""``validate_objects`` is ``full_clean`` for many rows at once: the same errors, the same
messages — its fast path (validators as comparisons, digit counts from the plain notation)
may only be faster, never more lenient."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator

from conftest import make_report
from kechuang.core.services import _decimal_fits, validate_objects
from kechuang.orgs.models import EnterpriseAnnualReport

pytestmark = pytest.mark.django_db

SAMPLES = ["0", "0.0", "0.00", "0.05", "0.50", "-0.00", "1", "100", "1E+2", "1.5", "123.456",
           "99999999999999.99", "999999999999999.99", "1234567890123456", "NaN", "-Infinity",
           "0.001", "5E-3", "-1.25"]


@pytest.mark.parametrize("limits", [(16, 2), (2, 2), (5, 0), (3, 1), (None, None), (10, None)])
def test_the_decimal_fast_check_never_accepts_what_the_validator_refuses(limits):
    rnd = random.Random(7)
    values = [*SAMPLES, *(str(Decimal(rnd.randint(-10**18, 10**18)).scaleb(-rnd.randint(-3, 6)))
                          for _ in range(3000))]
    validator = DecimalValidator(*limits)
    for text in values:
        value = Decimal(text)
        try:
            validator(value)
            valid = True
        except ValidationError:
            valid = False
        assert valid or not _decimal_fits(*limits, value), text


def _errors_by_full_clean(obj) -> list[tuple[str, str]]:
    try:
        obj.full_clean(exclude=["enterprise"], validate_unique=False,
                       validate_constraints=False)
    except ValidationError as exc:
        return [(name, m) for name, messages in exc.message_dict.items() for m in messages]
    return []


def test_validate_objects_reports_what_full_clean_reports(enterprise_a):
    base = make_report(enterprise_a, 2023)
    cases = [
        {},  # valid
        {"employees": -1},
        {"st_staff": 500},  # clean(): more S&T staff than employees
        {"revenue_yuan": Decimal("-5")},
        {"revenue_yuan": Decimal("1.005")},  # three places
        {"total_assets_yuan": Decimal("12345678901234567")},  # too many digits
        {"rd_domestic_yuan": Decimal("9999999"), "employees": -3},  # field + clean()
        {"year": 1999},
        {"has_rd_activity": None},
        {"employees": "12"},  # not the exact type: through Django's own clean
        {"net_assets_yuan": Decimal("-100.50")},  # negative is allowed here
    ]
    objs = []
    for change in cases:
        obj = EnterpriseAnnualReport.objects.get(pk=base.pk)
        for name, value in change.items():
            setattr(obj, name, value)
        objs.append(obj)
    expected = []
    for change in cases:
        obj = EnterpriseAnnualReport.objects.get(pk=base.pk)
        for name, value in change.items():
            setattr(obj, name, value)
        expected.append(_errors_by_full_clean(obj))
    assert validate_objects(objs, exclude=["enterprise"]) == expected
    assert expected[0] == [] and all(expected[1:-2]) and expected[-1] == []
