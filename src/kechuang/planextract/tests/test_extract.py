import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kechuang.planextract import extract_plan, main, to_chinese, to_yaml

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample-plan-2026.txt"
EXPECTED = DATA / "sample-plan-2026.expected.yaml"
SRC = Path(__file__).resolve().parents[3]


def semantic(doc: dict) -> list:
    """What must match: actions, and per target text/value/unit/comparison/growth/coverage."""
    return [
        {
            "number": a["number"],
            "name": a["name"],
            "targets": [
                {
                    "text": t["text"],
                    "value": None if t["value"] is None else Decimal(str(t["value"])),
                    "unit": t["unit"],
                    "comparison": t["comparison"],
                    "growth": t.get("growth", False),
                    "coverage": t.get("coverage", False),
                }
                for t in a["targets"]
            ],
        }
        for a in doc["actions"]
    ]


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def expected() -> list:
    return semantic(yaml.safe_load(EXPECTED.read_text(encoding="utf-8")))


def assert_matches_expected(text: str, expected: list) -> None:
    got = semantic(yaml.safe_load(to_yaml(extract_plan(text))))
    assert [a["name"] for a in got] == [a["name"] for a in expected]
    for got_action, want_action in zip(got, expected, strict=True):
        assert got_action == want_action, got_action["name"]


# ------------------------------------------------------------------- the sample plan


def test_sample_extracts_to_expected_yaml(sample_text, expected):
    assert_matches_expected(sample_text, expected)


def test_sample_shape_and_key_order(sample_text):
    doc = extract_plan(sample_text).to_yaml_dict()
    assert list(doc) == ["actions"]
    action = doc["actions"][0]
    assert list(action) == ["number", "name", "targets"]
    assert list(action["targets"][0]) == ["text", "value", "unit", "comparison"]
    growth = doc["actions"][3]["targets"][1]
    assert list(growth) == ["text", "value", "unit", "comparison", "growth"]
    coverage = doc["actions"][5]["targets"][-1]
    assert list(coverage) == ["text", "value", "unit", "comparison", "coverage"]
    assert all("growth" not in t for t in doc["actions"][0]["targets"])


def test_sample_each_note(sample_text):
    each = extract_plan(sample_text).actions[3].targets[2]
    assert each.text == "建设概念验证中心和中试基地各2个"
    assert each.note == "各 = each of the two kinds"


def test_sample_values_are_decimal_and_offsets_point_at_text(sample_text):
    plan = extract_plan(sample_text)
    assert len(plan.targets) == 21
    for t in plan.targets:
        assert t.value is None or isinstance(t.value, Decimal)
        assert plan.text[t.start:t.end] == t.text
    assert plan.actions[1].targets[3].value == Decimal("1.5")
    assert plan.preamble_targets == []


def test_traditional_chinese_gives_the_same_result(sample_text, expected):
    opencc = pytest.importorskip("opencc")
    traditional = opencc.OpenCC("s2t").convert(sample_text)
    assert traditional != sample_text
    assert "實施" in traditional
    assert_matches_expected(traditional, expected)


def test_fullwidth_digits_give_the_same_result(sample_text, expected):
    table = {ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789%"}
    wide = re.sub(r"(?<=\d)\.(?=\d)", "．", sample_text).translate(table)
    assert "１２．５亿元" in wide and "２０％" in wide
    assert_matches_expected(wide, expected)


def test_pinyin_annotations_give_the_same_result(sample_text, expected):
    annotated = (sample_text
                 .replace("规模", "规(guī)模")
                 .replace("企业", "企（qǐ yè）业")
                 .replace("创新", "创(chuàng) 新")
                 .replace("行动", "行（xíng dòng）动")
                 .replace("项目", "项(xiang4)目"))
    assert annotated.count("qǐ yè") > 5
    assert_matches_expected(annotated, expected)


def test_traditional_with_pinyin_gives_the_same_result(sample_text, expected):
    opencc = pytest.importorskip("opencc")
    traditional = opencc.OpenCC("s2t").convert(sample_text)
    annotated = traditional.replace("規劃", "規(guī)劃").replace("規模", "規（guī mó）模")
    assert "guī mó" in annotated
    assert_matches_expected(annotated, expected)


def test_web_copy_with_wrapped_lines_gives_the_same_result(sample_text, expected):
    paragraphs = [p for p in sample_text.splitlines() if p.strip()]
    wrapped = "\n\n".join(
        "\n".join("  " + p[i:i + 17] + " " for i in range(0, len(p), 17)) for p in paragraphs)
    assert_matches_expected(wrapped, expected)


def test_crlf_bom_and_nbsp(sample_text, expected):
    messy = "\ufeff" + sample_text.replace("\n", "\r\n").replace("，", "，\u00a0")
    assert_matches_expected(messy, expected)


# ------------------------------------------------------------------------- the CLI


def test_cli_prints_the_expected_yaml(capsys, expected):
    assert main(["extract", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("actions:\n")
    assert "企业创新能力提升行动" in out  # allow_unicode: no \u escapes
    assert semantic(yaml.safe_load(out)) == expected


def test_cli_reads_gbk(tmp_path, capsys, sample_text, expected):
    path = tmp_path / "plan-gbk.txt"
    path.write_bytes(sample_text.encode("gb18030"))
    assert main(["extract", str(path)]) == 0
    assert semantic(yaml.safe_load(capsys.readouterr().out)) == expected


def test_cli_missing_file(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.txt")]) == 1
    assert "nope.txt" in capsys.readouterr().err


def test_cli_usage_error():
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


def test_package_imports_no_django():
    code = ("import sys, kechuang.planextract as p; "
            "p.extract_plan('一、实施甲行动。新增5家。'); "
            "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), *sys.path])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


# ------------------------------------------------------------------ single phrases


def targets_of(sentence: str) -> list[tuple]:
    plan = extract_plan("一、实施测试行动。" + sentence)
    return [(t.text, t.value, t.unit, t.comparison) for t in plan.actions[0].targets]


D = Decimal

PHRASES_2025 = [
    ("聚焦重点产业，开展百项科技研发项目攻关",
     [("开展百项科技研发项目攻关", D(100), "项", "==")]),
    ("落实十六项改革措施：强化成果转化主体、增加科技成果供给",
     [("落实十六项改革措施", D(16), "项", "==")]),
    ("高新技术企业认定94家以上", [("高新技术企业认定94家以上", D(94), "家", ">=")]),
    ("科技型中小企业入库突破300家", [("科技型中小企业入库突破300家", D(300), "家", ">=")]),
    ("技术合同成交额达到9亿元", [("技术合同成交额达到9亿元", D(9), "亿元", ">=")]),
    ("实施好2024年度结转项目：10项市级重大专项、22项重点研发项目、"
     "18项省基础研究（长治·潞安）联合资助项目",
     [("10项市级重大专项", D(10), "项", "=="), ("22项重点研发项目", D(22), "项", "=="),
      ("18项省基础研究（长治·潞安）联合资助项目", D(18), "项", "==")]),
    ("在十大重点产业链“链主”“链核”企业内率先建立企业研发准备金制度", []),
    ("聚焦三大主导产业，推进初创型企业和创新型团队入驻", []),
]

OWN_CASES = [
    ("全年新增科技型中小企业300多家", [("新增科技型中小企业300多家", D(300), "家", ">=")]),
    ("力争全年新培育高新技术企业一百家",
     [("新培育高新技术企业一百家", D(100), "家", "==")]),
    ("研发经费投入强度提升至2.5%", [("研发经费投入强度提升至2.5%", D("2.5"), "%", ">=")]),
    ("每万人口高价值发明专利拥有量达到5件",
     [("每万人口高价值发明专利拥有量达到5件", D(5), "件", ">=")]),
    ("引进高层次人才1.2万人", [("引进高层次人才1.2万人", D(12000), "人", "==")]),
    ("引进10个创新团队和5个研发平台",
     [("引进10个创新团队", D(10), "个", "=="), ("5个研发平台", D(5), "个", "==")]),
    ("研发费用加计扣除比例不低于百分之二十",
     [("研发费用加计扣除比例不低于百分之二十", D(20), "%", ">=")]),
    ("对首次认定的企业一次性奖励50万元",
     [("对首次认定的企业一次性奖励50万元", D(50), "万元", "==")]),
    ("单位能耗增幅控制在5%以内", [("单位能耗增幅控制在5%以内", D(5), "%", "<=")]),
    ("建成5G基站200个", [("建成5G基站200个", D(200), "个", "==")]),
    ("新增规上企业1,200家", [("新增规上企业1,200家", D(1200), "家", "==")]),
    ("科技服务机构超过50所", [("科技服务机构超过50所", D(50), "所", ">=")]),
    ("选派科技特派员三百名，开展技术培训二十场次",
     [("选派科技特派员三百名", D(300), "名", "=="), ("开展技术培训二十场次", D(20), "场次", "==")]),
    ("技术合同登记金额两千万元以上", [("技术合同登记金额两千万元以上", D(2000), "万元", ">=")]),
    ("全市12个县区全覆盖", [("全市12个县区全覆盖", D(12), "个县区", ">=")]),
    ("R&D人员不少于500人", [("R&D人员不少于500人", D(500), "人", ">=")]),
    ("企业研发机构数量多于200家", [("企业研发机构数量多于200家", D(200), "家", ">")]),
]

NON_TARGETS = [
    "深入学习贯彻党的二十届三中全会精神",
    "2026年是“十五五”开局之年",
    "确保\"十四五\"规划圆满收官",
    "重点实施八大行动",
    "2025年",
    "围绕新材料、新能源、生物医药三大产业",
    "实行统一项目管理",
    "推行一企一策、一事一议",
    "3月15日前完成第一批申报",
    "入选国家“万人计划”",
    "（一）强化企业科技创新主体地位",
    "二是要加强基础研究",
    "推动一、二、三产业融合发展",
    "落实落细一次性奖补政策",
    "会同三部门联合推进",
    "打造千家万户受益的科普工程",
]


@pytest.mark.parametrize(("sentence", "want"), PHRASES_2025 + OWN_CASES)
def test_phrase_targets(sentence, want):
    assert targets_of(sentence) == want


@pytest.mark.parametrize("sentence", NON_TARGETS)
def test_non_targets(sentence):
    assert targets_of(sentence) == []


def test_traditional_phrase():
    pytest.importorskip("opencc")
    assert targets_of("全年新認定高新技術企業120家以上，兌付創新券不低於800萬元") == [
        ("新认定高新技术企业120家以上", D(120), "家", ">="),
        ("兑付创新券不低于800万元", D(800), "万元", ">=")]


def test_growth_flags():
    plan = extract_plan("一、实施甲行动。规上工业企业研发投入年均增长15%，"
                        "R&D经费增速达到10%，研发强度提高到2.5%，研发强度提高0.3个百分点。")
    got = [(t.value, t.unit, t.growth) for t in plan.actions[0].targets]
    assert got == [(D(15), "%", True), (D(10), "%", True), (D("2.5"), "%", False),
                   (D("0.3"), "个百分点", True)]


@given(st.integers(min_value=1, max_value=99_999), st.booleans(),
       st.sampled_from(["家", "项", "个"]))
def test_any_count_in_either_script(n, chinese, unit):
    number = to_chinese(n) if chinese else str(n)
    plan = extract_plan(f"一、实施甲行动。构建培育体系，全年新增科技企业{number}{unit}以上。")
    [t] = plan.actions[0].targets
    assert (t.text, t.value, t.unit, t.comparison) == (
        f"新增科技企业{number}{unit}以上", n, unit, ">=")


def test_value_added_is_not_growth():
    t = extract_plan("一、实施甲行动。高新技术产业增加值占规上工业增加值比重达到20%以上。"
                     ).actions[0].targets[0]
    assert (t.value, t.comparison, t.growth) == (D(20), ">=", False)


def test_coverage_units_and_notes(sample_text):
    county = extract_plan(sample_text).actions[5].targets[-1]
    assert (county.coverage, county.note) == (True, "")
    plan = extract_plan("一、实施甲行动。选派科技特派员100名，实现乡镇全覆盖；"
                        "实现规上工业企业研发机构全覆盖。")
    got = [(t.value, t.unit, t.coverage, bool(t.note)) for t in plan.actions[0].targets]
    assert got == [(D(100), "名", False, False), (None, "个乡镇", True, False),
                   (None, "个县区", True, True)]


def test_heading_with_lead_units_in_brackets():
    plan = extract_plan("一、实施企业创新能力提升行动（牵头单位：市科技局）\n新增孵化器5家。\n"
                        "二、实施人才集聚行动（市委组织部、市科技局）。引进团队10个。")
    assert [(a.name, [t.text for t in a.targets]) for a in plan.actions] == [
        ("企业创新能力提升行动", ["新增孵化器5家"]), ("人才集聚行动", ["引进团队10个"])]


def test_approximate_note():
    t = extract_plan("一、实施甲行动。技术合同成交额达到9亿元左右。").actions[0].targets[0]
    assert (t.comparison, t.note) == (">=", "approximate")
    t = extract_plan("一、实施甲行动。新增企业约30家。").actions[0].targets[0]
    assert (t.comparison, t.note) == ("==", "approximate")


# ----------------------------------------------------------------------- structure


def test_actions_sub_points_and_preamble():
    text = (
        "2026年全市科技工作重点实施两大行动，全年新增高新技术企业50家。\n"
        "一、深入实施企业培育行动\n"
        "构建梯次培育体系，新认定高新技术企业10家。\n"
        "（一）强化主体地位。培育领军企业2家。\n"
        "二是要加强基础研究，布局基础研究项目五项。\n"
        "二、实施“晋创谷”样板打造行动：建设中试基地3个。\n"
        "四、这不是第三个行动，而是正文里的编号：新增孵化器1家。\n"
    )
    plan = extract_plan(text)
    assert [(a.number, a.name) for a in plan.actions] == [
        (1, "企业培育行动"), (2, "“晋创谷”样板打造行动")]
    assert [t.text for t in plan.actions[0].targets] == [
        "新认定高新技术企业10家", "培育领军企业2家", "布局基础研究项目五项"]
    assert [t.value for t in plan.actions[1].targets] == [3, 1]
    assert [t.text for t in plan.preamble_targets] == ["新增高新技术企业50家"]
    assert "preamble_targets" in plan.to_yaml_dict()


def test_no_headings_means_no_actions():
    plan = extract_plan("全年新增高新技术企业50家。")
    assert plan.actions == []
    assert [t.value for t in plan.preamble_targets] == [50]


def test_empty_text():
    assert extract_plan("").to_yaml_dict() == {"actions": []}
