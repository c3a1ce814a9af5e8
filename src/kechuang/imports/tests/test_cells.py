"""Cell conversion: what Excel and WPS hand over becomes exact Python values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.imports.cells import CellError, convert, converter, normalize_label
from kechuang.imports.spec import Column
from kechuang.policy.credit_code import make_code

MONEY = Column("金额（元）", "amount", "money", min_value=Decimal("0"))
INT = Column("人数", "n", "int", min_value=0, max_value=500)
DATE = Column("日期", "d", "date")
BOOL = Column("是否", "b", "bool")
CODE = Column("统一社会信用代码", "c", "credit_code")
CHOICE = Column("梯队", "t", "choice", choices=[("tech_sme", "科技型中小企业"),
                                               ("high_tech", "高新技术企业")])


@pytest.mark.parametrize(("raw", "expected"), [
    (1234.56, Decimal("1234.56")), (0.1 + 0.2, Decimal("0.30")), (1e7, Decimal("10000000.0")),
    (12, Decimal("12")), ("1,234.50", Decimal("1234.50")), ("¥1,000", Decimal("1000")),
    ("￥ 2 000 元", Decimal("2000")), ("１２３．５", Decimal("123.5")), ("", None), ("  ", None),
])
def test_money(raw, expected):
    value = convert(MONEY, raw)
    assert value == expected and (value is None or isinstance(value, Decimal))


@pytest.mark.parametrize(("column", "raw", "message"), [
    (MONEY, "abc", "应为数字"), (MONEY, -1.0, "不能小于 0"), (MONEY, True, "应为数字"),
    (INT, 3.5, "应为整数"), (INT, "3.5", "应为整数"), (INT, 501, "不能大于 500"),
    (DATE, "2024-13-01", "应为日期"), (BOOL, "maybe", "应填“是”或“否”"),
    (CODE, 9.11404e17, "存成了数字"), (CODE, "123", "应为18位"),
    (CHOICE, "领军", "可选：科技型中小企业、高新技术企业"),
])
def test_errors(column, raw, message):
    with pytest.raises(CellError) as exc:
        convert(column, raw)
    assert message in exc.value.message


def test_ints_dates_bools_codes_choices():
    assert convert(INT, 12.0) == 12 and convert(Column("n", "n", "int"), "1,200") == 1200
    assert convert(DATE, dt.datetime(2024, 5, 1, 0, 0)) == dt.date(2024, 5, 1)
    assert convert(DATE, 45413.0) == dt.date(2024, 5, 1)
    assert convert(DATE, "2024年5月1日") == dt.date(2024, 5, 1)
    assert convert(DATE, "2024/5/1") == dt.date(2024, 5, 1)
    assert [convert(BOOL, v) for v in ("是", "否", True, 0.0, "Y", "无")] == [
        True, False, True, False, True, False]
    code = make_code("91140403MA0K12345")
    assert convert(CODE, " " + code.lower() + " ") == code
    assert convert(CHOICE, "高新技术企业") == "high_tech"
    assert convert(CHOICE, "TECH_SME") == "tech_sme"


def test_wrong_check_character_names_the_expected_one():
    code = make_code("91140403MA0K12345")
    wrong = "0" if code[-1] != "0" else "1"
    with pytest.raises(CellError) as exc:
        convert(CODE, code[:17] + wrong)
    assert f"第18位应为“{code[-1]}”" in exc.value.message


def test_header_labels_match_loosely():
    assert normalize_label(" 职工总数(人) *") == normalize_label("职工总数（人）")
    assert normalize_label("Ⅰ类知识产权（项）") == normalize_label("Ⅰ类知识产权(项)")


def _outcome(fn, raw):
    try:
        value = fn(raw)
    except CellError as exc:
        return ("error", exc.message)
    return ("value", type(value), value, str(value))


@pytest.mark.parametrize("column", [
    Column("金额", "revenue_yuan", "money", min_value=Decimal("0")),
    Column("数值", "ratio", "decimal", min_value=Decimal("-1"), max_value=Decimal("100")),
    Column("人数", "employees", "int", min_value=0, max_value=100000),
    Column("有研发", "has_rd_activity", "bool"),
])
def test_the_column_converter_gives_what_convert_gives(column):
    import random

    rnd = random.Random(11)
    cells = ["", "  ", None, "是", "否", "Y", "y", "1", "0", "√", "×", "有", "maybe", "12.5",
             "1,234.50", True, False, 0.0, -0.0, 1.0, -5.0, 0.1 + 0.2, 1e16, 1.5e-05,
             float("nan"), float("inf"), 123456789.12, 100.0, 100.5, 100000.0, 100001.0,
             *(rnd.uniform(-1e6, 1e9) for _ in range(300)),
             *(round(rnd.uniform(-10, 1e7), rnd.randint(0, 3)) for _ in range(300)),
             *(float(rnd.randint(-5, 200000)) for _ in range(100))]
    fast = converter(column)
    for raw in cells:
        assert _outcome(fast, raw) == _outcome(lambda r: convert(column, r), raw), raw
