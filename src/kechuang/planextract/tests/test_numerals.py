from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kechuang.planextract.numerals import parse_chinese_numeral, parse_number, to_chinese


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("零", 0), ("十", 10), ("十六", 16), ("二十五", 25), ("三十", 30), ("八", 8),
        ("百", 100), ("一百二十", 120), ("一百零五", 105), ("一百五", 150), ("两千", 2000),
        ("一千零一十", 1010), ("一万零一十", 10010), ("十万", 100000), ("三万五", 35000),
        ("二〇二五", 2025), ("一二〇", 120), ("壹佰贰拾", 120), ("一亿五千万", 150000000),
        ("一万亿", 10**12), ("十二亿", 1_200_000_000), ("两万三千四百五十六", 23456),
        ("1.5万", 15000), ("3千", 3000), ("1万2千", 12000), ("1.2亿", 120_000_000),
        ("一点五", Decimal("1.5")), ("一点五亿", 150_000_000), ("十二点五", Decimal("12.5")),
    ],
)
def test_parse_chinese_numeral(text, expected):
    assert parse_chinese_numeral(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("120", 120), ("12.5", Decimal("12.5")), ("1,200", 1200), ("2.1", Decimal("2.1")),
     ("800", 800), ("一百二十", 120), ("1.5万", 15000)],
)
def test_parse_number(text, expected):
    value = parse_number(text)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)


@pytest.mark.parametrize("text", ["", "十五五", "五十五五", "万", "百百", "十点", "一百十",
                                  "千百", "abc", "五万万"])
def test_not_a_numeral(text):
    with pytest.raises(ValueError):
        parse_chinese_numeral(text)


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "零"), (10, "十"), (16, "十六"), (105, "一百零五"), (120, "一百二十"),
     (1010, "一千零一十"), (10010, "一万零一十"), (100000, "十万"), (110000, "十一万"),
     (100_000_001, "一亿零一"), (10**12, "一万亿")],
)
def test_to_chinese(n, text):
    assert to_chinese(n) == text


@given(st.integers(min_value=0, max_value=99_999))
def test_round_trip_to_99999(n):
    assert parse_chinese_numeral(to_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**15))
def test_round_trip_large(n):
    text = to_chinese(n)
    assert not text.startswith("一十")
    assert parse_chinese_numeral(text) == n


@given(st.integers(min_value=1, max_value=9_999), st.sampled_from(["万", "亿"]))
def test_arabic_with_big_unit(n, unit):
    factor = 10**4 if unit == "万" else 10**8
    assert parse_number(f"{n}{unit}") == n * factor


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False,
                   allow_infinity=False))
def test_arabic_decimal_is_exact(d):
    assert parse_number(str(d)) == d
