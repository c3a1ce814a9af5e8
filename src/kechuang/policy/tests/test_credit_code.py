"""统一社会信用代码 (policy-rules.md §g): the real codes pass, mock codes and typos fail."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.policy.credit_code import (
    CHARSET,
    CreditCodeError,
    CreditCodeInput,
    analyse,
    check_character,
    evaluate_credit_code,
    is_valid,
    make_code,
    normalize,
    org_code_check,
    validate,
    weighted_sum,
)
from kechuang.policy.inputs import PolicyInputError

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


# -- breakdown (issue 13 item 4) ---------------------------------------------------------------


@pytest.mark.parametrize(("code", "total"), [
    ("914403001922038216", 831), ("91140491MAK2TX345N", 2799)])
def test_weighted_sum_and_check_character_are_exposed(code: str, total: int) -> None:
    assert weighted_sum(code[:17]) == total
    info = analyse(code)
    assert info.valid and info.weighted_sum == total and info.remainder == total % 31
    assert info.check_expected == info.check_actual == code[17]
    assert CHARSET.index(info.check_expected) == (31 - total % 31) % 31
    assert f"加权和 {total}" in info.message


@pytest.mark.parametrize(("code", "check"), REAL_CODES)
def test_real_codes_analyse_as_enterprises(code: str, check: str) -> None:
    info = analyse(code)
    assert info.valid and info.errors == []
    assert (info.department_code, info.department_name) == ("9", "工商（市场监管）")
    assert (info.category_code, info.category_name) == ("1", "企业")
    assert info.subject_code == code[8:17]
    assert info.org_check_ok is True  # all six pass GB 11714 too


@pytest.mark.parametrize(("prefix", "department", "category"), [
    ("91", "工商（市场监管）", "企业"), ("92", "工商（市场监管）", "个体工商户"),
    ("93", "工商（市场监管）", "农民专业合作社"), ("11", "机构编制", "机关"),
    ("12", "机构编制", "事业单位"), ("13", "机构编制", "中央编办直接管理机构编制的群众团体"),
    ("19", "机构编制", "其他"), ("51", "民政", "社会团体"), ("52", "民政", "民办非企业单位"),
    ("53", "民政", "基金会"), ("59", "民政", "其他"),
    ("31", "教育 [U]", "未收录的机构类别（“1”）"),
    ("N1", "农业 [U]", "农村集体经济组织 [U]（类别代码“1”）"),
    ("Y1", "其他", "未收录的机构类别（“1”）"), ("G1", "区县级人民政府", "未收录的机构类别（“1”）"),
])
def test_department_and_category_are_decoded(prefix: str, department: str, category: str) -> None:
    info = analyse(make_code(prefix + "140403MA0000001"))
    assert info.valid
    assert (info.department_name, info.category_name) == (department, category)


@pytest.mark.parametrize("prefix", ["H1", "99", "94", "1A"])
def test_unknown_department_or_category_is_shown_not_rejected(prefix: str) -> None:
    info = analyse(make_code(prefix + "140403MA0000001"))
    assert info.valid  # the check character decides validity
    assert "未知" in info.department_name or "未收录" in info.category_name
    if prefix == "H1":
        assert any("不据此拒绝" in w for w in info.warnings)


@pytest.mark.parametrize(("region", "status", "current"), [
    ("140402", "historical", "140403"), ("140411", "historical", "140403"),
    ("140421", "historical", "140404"), ("140424", "historical", "140405"),
    ("140481", "historical", "140406"), ("140403", "current", "140403"),
    ("140491", "zone", "140471"), ("140471", "zone", "140471"), ("440300", "unknown", None),
    ("000000", "unknown", None), ("999999", "unknown", None)])
def test_region_segment_is_never_rejected(region: str, status: str, current) -> None:
    code = make_code("91" + region + "MA0000001")
    assert validate(code) == code and is_valid(code)
    info = analyse(code)
    assert info.valid and info.region_code == region
    assert info.region["status"] == status and info.region["current_code"] == current
    if status == "historical":
        assert any("这不是错误" in n for n in info.notes)


def test_check_character_just_off_is_invalid_and_names_the_expected_one() -> None:
    good = make_code("91140402MA0000001")
    i = CHARSET.index(good[17])
    for wrong in (CHARSET[(i - 1) % 31], CHARSET[(i + 1) % 31]):
        info = analyse(good[:17] + wrong)
        assert not info.valid and info.check_expected == good[17]
        assert f"第18位应为“{good[17]}”" in info.message


def test_structurally_bad_codes_still_get_a_breakdown() -> None:
    info = analyse("9114")
    assert not info.valid and info.weighted_sum is None and info.region_code is None
    assert info.department_name == "工商（市场监管）"
    assert "当前为4位" in info.message
    info = analyse("91AB0300192203821X")
    assert not info.valid and info.region_code is None and info.weighted_sum is not None


def test_org_code_check_is_only_a_warning() -> None:
    assert org_code_check("19220382") == "1"  # Huawei 19220382-1
    code = make_code("91140403MA0000009")  # body check would be another character
    info = analyse(code)
    assert info.valid
    assert info.org_check_ok is False and any("[U]" in w for w in info.warnings)


def test_input_and_json() -> None:
    assert CreditCodeInput.from_dict({"credit_code": " 9144 0300 1922 0382 16"}).code
    with pytest.raises(PolicyInputError) as err:
        CreditCodeInput.from_dict({"code": " "})
    assert err.value.field == "code"
    d = json.loads(json.dumps(evaluate_credit_code(
        CreditCodeInput("91140491MAK2TX345N", zone_counts_under="140403")).to_dict(),
        ensure_ascii=False))
    assert d["rule_version"] == "credit_code/gb32100-2015" and d["valid"] is True
    assert d["region"]["statistics_code"] == "140403"
    assert d["weighted_sum"] == 2799 and d["check_expected"] == "N"
    row = analyse("914403001922038217").to_row()
    assert row["result_valid"] == "否" and row["result_check_expected"] == "6"


BODY = st.text(alphabet=CHARSET, min_size=17, max_size=17)


@settings(max_examples=300, deadline=None)
@given(BODY)
def test_made_codes_are_valid_and_the_sum_closes_mod_31(body: str) -> None:
    code = make_code(body)
    info = analyse(code)
    if code[2:8].isdigit():
        assert info.valid
    assert (info.weighted_sum + CHARSET.index(code[17])) % 31 == 0


@settings(max_examples=300, deadline=None)
@given(BODY.filter(lambda b: b[2:8].isdigit()), st.integers(0, 17), st.integers(1, 30))
def test_any_single_substitution_is_detected(body: str, pos: int, shift: int) -> None:
    code = make_code(body)
    changed = CHARSET[(CHARSET.index(code[pos]) + shift) % 31]
    typo = code[:pos] + changed + code[pos + 1:]
    if not typo[2:8].isdigit():
        return
    assert not is_valid(typo)
