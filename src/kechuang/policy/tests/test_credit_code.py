"""统一社会信用代码 (policy-rules.md §g): the real codes pass, mock codes and typos fail."""

from __future__ import annotations

import pytest

from kechuang.policy.credit_code import (
    CHARSET,
    CreditCodeError,
    check_character,
    is_valid,
    make_code,
    normalize,
    validate,
)

REAL_CODES = [
    ("914403001922038216", "6"),  # 华为技术有限公司
    ("9144030071526726XG", "G"),  # 腾讯科技（深圳）有限公司
    ("91330100799655058B", "B"),  # 阿里巴巴（中国）有限公司
    ("91110108551385082Q", "Q"),  # 小米科技有限责任公司
    ("91140491MAK2TX345N", "N"),  # 长治高新区 (region 140491, not a GB/T 2260 code)
    ("91140802MAK1UQKG7W", "W"),  # 运城市盐湖区
]


@pytest.mark.parametrize(("code", "check"), REAL_CODES)
def test_real_codes_are_valid(code: str, check: str) -> None:
    assert validate(code) == code
    assert is_valid(code)
    assert check_character(code[:17]) == check


@pytest.mark.parametrize("code", ["91110108717809965C", "91110000800088421P",
                                  "9133010057462616XH"])
def test_mock_codes_from_public_data_fail(code: str) -> None:
    assert not is_valid(code)


def test_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(CreditCodeError) as err:
        validate("914403001922038217")
    assert err.value.expected_check == "6"
    assert "第18位应为“6”" in err.value.message
    assert "实际为“7”" in err.value.message


def test_normalises_spaces_and_case() -> None:
    assert normalize(" 9144 0300 7152 6726xg ") == "9144030071526726XG"
    assert validate("9144 0300 7152 6726xg") == "9144030071526726XG"


@pytest.mark.parametrize(("code", "fragment"), [
    ("91440300192203821", "应为18位，当前为17位"),
    ("9144030019220382166", "当前为19位"),
    ("91440300192203821I", "非法字符“I”"),
    ("9144030O1922038216", "非法字符“O”"),
    ("91AB0300192203821X", "第3–8位"),
])
def test_structural_errors_are_explained(code: str, fragment: str) -> None:
    with pytest.raises(CreditCodeError) as err:
        validate(code)
    assert fragment in str(err.value)


def test_check_character_of_zero_sum_is_zero() -> None:
    assert check_character("0" * 17) == "0"


def test_make_code_round_trips() -> None:
    code = make_code("91140403MA0000001")
    assert len(code) == 18 and is_valid(code)


def test_charset_excludes_confusable_letters() -> None:
    assert len(CHARSET) == 31
    assert not set("IOZSV") & set(CHARSET)


def test_check_character_rejects_bad_prefix() -> None:
    with pytest.raises(CreditCodeError):
        check_character("91440300")
