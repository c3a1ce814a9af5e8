"""Input parsing, the registry, and the package's purity (no Django, no clock, no float)."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from kechuang.policy import registry
from kechuang.policy.inputs import (
    ANNUAL_FIELDS,
    AnnualFigures,
    PolicyInputError,
    RuleNotFound,
    to_bool,
    to_date,
    to_decimal,
    to_int,
)

D = Decimal
POLICY = Path(__file__).resolve().parent.parent


def test_field_names_are_the_annual_report_fields() -> None:
    assert ANNUAL_FIELDS == (
        "year", "employees", "st_staff", "revenue_yuan", "total_income_yuan",
        "high_tech_revenue_yuan", "total_costs_yuan", "total_assets_yuan", "net_assets_yuan",
        "rd_expense_yuan", "rd_domestic_yuan", "rd_personnel_yuan", "rd_direct_input_yuan",
        "rd_depreciation_yuan", "rd_amortization_yuan", "rd_design_yuan", "rd_other_yuan",
        "rd_entrusted_domestic_yuan", "rd_entrusted_overseas_yuan", "rd_reserve_fund_yuan",
        "ip_class_1_count", "ip_class_2_count", "achievements_converted", "has_rd_activity")


def test_defaults_are_zero_so_partial_input_works() -> None:
    f = AnnualFigures.from_dict({"year": 2024, "revenue_yuan": "100"})
    assert f.revenue_yuan == D(100) and f.rd_expense_yuan == D(0) and f.employees == 0
    assert f.has_rd_activity is False


@pytest.mark.parametrize(("value", "expected"), [
    ("1,234.50", D("1234.50")), (" 12 ", D(12)), (12, D(12)), (0.1, D("0.1")),
    (D("3.333"), D("3.333")), ("¥1，000", D(1000)), ("1e3", D(1000)),
])
def test_to_decimal(value, expected) -> None:
    assert to_decimal(value, "revenue_yuan") == expected


@pytest.mark.parametrize(("value", "fragment"), [
    ("abc", "“abc”不是有效的数字"), ("-1", "不能为负数"), (True, "不能是 True"),
    ("NaN", "不是有效的数字"), ("1e20", "数值过大"), ([1], "应为数字"),
])
def test_to_decimal_errors_name_the_field_in_chinese(value, fragment) -> None:
    with pytest.raises(PolicyInputError) as err:
        to_decimal(value, "revenue_yuan")
    assert err.value.field == "revenue_yuan"
    assert err.value.message.startswith("销售收入（revenue_yuan）：")
    assert fragment in err.value.message


def test_negative_net_assets_are_allowed() -> None:
    assert AnnualFigures.from_dict({"net_assets_yuan": "-5"}).net_assets_yuan == D(-5)
    with pytest.raises(PolicyInputError):
        AnnualFigures(revenue_yuan=D(-1))


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (12.0, 12), (D("3"), 3), (7, 7)])
def test_to_int(value, expected) -> None:
    assert to_int(value, "employees") == expected


@pytest.mark.parametrize("value", ["1.5", -1, "x", False])
def test_to_int_errors(value) -> None:
    with pytest.raises(PolicyInputError):
        to_int(value, "employees")


@pytest.mark.parametrize(("value", "expected"), [
    ("是", True), ("否", False), ("true", True), ("0", False), (1, True), (False, False),
    ("", False), ("Y", True)])
def test_to_bool(value, expected) -> None:
    assert to_bool(value, "has_rd_activity") is expected


def test_to_bool_error() -> None:
    with pytest.raises(PolicyInputError):
        to_bool("maybe", "has_rd_activity")


@pytest.mark.parametrize("value", ["2025-06-01", "2025/06/01", dt.date(2025, 6, 1),
                                   dt.datetime(2025, 6, 1, 8, 30), "2025-06-01T00:00:00"])
def test_to_date(value) -> None:
    assert to_date(value, "established_on") == dt.date(2025, 6, 1)


def test_direct_construction_converts_strings_and_ints() -> None:
    f = AnnualFigures(year=2024, revenue_yuan="100.5", employees="3")  # type: ignore[arg-type]
    assert f.revenue_yuan == D("100.5") and f.employees == 3
    assert f.to_dict()["revenue_yuan"] == "100.5"


def test_year_is_checked() -> None:
    with pytest.raises(PolicyInputError):
        AnnualFigures.from_dict({"year": "1899"})


# -- registry ---------------------------------------------------------------------------------


def test_registry_selects_by_year_and_lists_versions() -> None:
    assert registry.select("tech_sme", 2030).version == "tech_sme/2017-115"
    assert registry.select("high_tech", 2016).version == "high_tech/2016-32"
    assert [r.version for r in registry.versions("rd_deduction")] == [
        "rd_deduction/2016-119", "rd_deduction/2017-34", "rd_deduction/2018-99",
        "rd_deduction/2021-13", "rd_deduction/2022-16", "rd_deduction/2023-7"]
    with pytest.raises(RuleNotFound) as err:
        registry.select("tech_sme", 2016)
    assert "没有适用于 2016 年的规则" in err.value.message


def test_a_revision_is_added_beside_the_old_one() -> None:
    from dataclasses import replace

    from kechuang.policy.tech_sme import TECH_SME_2017

    revised = replace(TECH_SME_2017, version="tech_sme/test-2099", valid_from=2099)
    registry.register("tech_sme", revised)
    try:
        assert registry.select("tech_sme", 2098) is TECH_SME_2017
        assert registry.select("tech_sme", 2099) is revised
        with pytest.raises(ValueError):
            registry.register("tech_sme", revised)
    finally:
        registry._REGISTRY["tech_sme"].remove(revised)


# -- purity -----------------------------------------------------------------------------------


def _sources() -> list[Path]:
    return sorted(POLICY.rglob("*.py"))


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(POLICY)))
def test_no_django_no_clock_no_float(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "django" for a in node.names), path
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "django", path
        if isinstance(node, ast.Attribute) and node.attr in ("today", "now"):
            raise AssertionError(f"{path}: dates are parameters, not {node.attr}()")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "float" and "tests" not in path.parts):
            raise AssertionError(f"{path}: float() in the rules engine")
