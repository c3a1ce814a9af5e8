import pytest

import kechuang.planextract.normalise as norm_mod
from kechuang.planextract.normalise import (
    collapse_whitespace,
    fullwidth_to_halfwidth,
    normalise,
    strip_pinyin,
    to_simplified,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("新认定高新技术企业１２０家以上", "新认定高新技术企业120家以上"),
        ("成交额达到１２．５亿元", "成交额达到12.5亿元"),
        ("同比增长２０％以上", "同比增长20%以上"),
        ("ＣＮＡＳ认证", "CNAS认证"),
        ("一、实施行动。构建体系，全年新增５家；", "一、实施行动。构建体系，全年新增5家；"),
        ("第一．", "第一．"),  # a full-width point not between digits stays
    ],
)
def test_fullwidth_to_halfwidth(raw, expected):
    assert fullwidth_to_halfwidth(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("規(guī)劃", "規劃"),
        ("规（guī huà）划", "规划"),
        ("规 (guī) 划", "规划"),
        ("规(gui1 hua4)划", "规划"),
        ("创（chuàng）新", "创新"),
        ("认证（CNAS）", "认证（CNAS）"),
        ("研发(R&D)投入", "研发(R&D)投入"),
        ("（一）强化主体", "（一）强化主体"),
        ("计划(2025)", "计划(2025)"),
        ("实验室(lab)", "实验室(lab)"),  # no tone: English, not pinyin
    ],
)
def test_strip_pinyin(raw, expected):
    assert strip_pinyin(raw) == expected


def test_collapse_whitespace_joins_wrapped_lines():
    raw = ("全年新认定高新技术\n  企业 120 家以上，\r\n"
           "科技型中小企业\n入库突破4\n50家。\n\n二是要加强")
    assert collapse_whitespace(raw) == (
        "全年新认定高新技术企业120家以上，科技型中小企业入库突破450家。\n二是要加强")


def test_collapse_whitespace_keeps_headings_and_latin_spaces():
    raw = "一、企业创新能力提升行动\n构建科技型企业梯次培育体系。\nScience\nPark 建设"
    assert collapse_whitespace(raw) == (
        "一、企业创新能力提升行动\n构建科技型企业梯次培育体系。\nScience Park建设")


def test_collapse_whitespace_percent_and_ideographic_space():
    assert normalise("增幅不低于\u300010 %") == "增幅不低于10%"


def test_to_simplified():
    pytest.importorskip("opencc")
    assert to_simplified("規劃 創新 發展 長治") == "规划 创新 发展 长治"
    assert normalise("規(guī)劃創新  發展") == "规划创新发展"


def test_one_converter_per_process():
    pytest.importorskip("opencc")
    assert norm_mod._get_converter() is norm_mod._get_converter()


def test_simplified_text_is_unchanged_by_normalise():
    text = "全市省级以上创新平台总数达到一百二十家以上；新增国家级科技企业孵化器1家。"
    assert normalise(text) == text
