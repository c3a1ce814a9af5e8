"""Find a work plan's actions and quantitative targets in its text (pure Python, no Django).

``extract_plan(text)`` returns a :class:`DraftPlan`: the actions (``一、实施…行动。`` headings)
in text order, each with the targets its text states, in text order. A target is a quantity
with a unit (``120家``, ``三十项``, ``1.5亿元``, ``20%``) or a ``全覆盖`` (coverage) phrase,
together with the phrase that states it (``text``), how it compares (``>=`` for 以上 / 突破 /
不低于 / 达到 / 超过 …, ``==`` for a plain count), and whether it is a growth rate.

How a target's ``text`` is cut:

* A sentence is split into clauses at ，；：。 (and their ASCII forms). Within a clause,
  ``、`` separates two targets only where a target ends right before it or starts right
  after it (``专项15项以上、重点研发计划项目三十项``); ``重点实验室、技术创新中心等创新平台十个``
  stays whole.
* A target's phrase runs from the start of its clause (or the end of the previous target in
  the same clause) to the end of its quantity and qualifier (``…120家以上``); where a noun
  follows the quantity (``8项重大专项``) the phrase runs to the end of the clause.
* Leading modal words (力争, 努力, 确保), enumerators (二是, （一）) and a time word that
  introduces a verb (``全年新认定…``, ``全年兑付…``) are dropped; a time word that is part of
  the indicator's name stays (``全年技术合同成交额达到12.5亿元``).

Numbers that are not targets are skipped: years and dates (``2026年``, ``2025年度``), plan
periods and slogans (``"十五五"``, ``八大行动``, ``三大产业``, ``二十届三中全会``), ordinals
(``第一``, ``一、``, ``二是``), rates per unit (``每万人``), and numbers in short quotations.

Run ``python -m kechuang.planextract extract FILE`` (or ``kechuang plan extract FILE``) to print
the draft as YAML.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .normalise import normalise
from .numerals import parse_number

__all__ = ["Action", "DraftPlan", "Target", "extract_plan", "main", "read_plan_file", "to_yaml"]


# ============================================================================ data


@dataclass
class Target:
    text: str
    value: Decimal | None
    unit: str
    comparison: str = "=="
    growth: bool = False
    coverage: bool = False
    note: str = ""
    start: int = -1  # offsets of ``text`` in DraftPlan.text (the normalised text)
    end: int = -1

    def to_yaml_dict(self) -> dict:
        out: dict = {
            "text": self.text,
            "value": _plain_number(self.value),
            "unit": self.unit,
            "comparison": self.comparison,
        }
        if self.growth:
            out["growth"] = True
        if self.coverage:
            out["coverage"] = True
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class Action:
    number: int
    name: str
    targets: list[Target] = field(default_factory=list)

    def to_yaml_dict(self) -> dict:
        return {
            "number": self.number,
            "name": self.name,
            "targets": [t.to_yaml_dict() for t in self.targets],
        }


@dataclass
class DraftPlan:
    actions: list[Action] = field(default_factory=list)
    #: Targets stated before the first action heading (the plan's preamble).
    preamble_targets: list[Target] = field(default_factory=list)
    #: The normalised text the offsets in each Target refer to.
    text: str = ""

    @property
    def targets(self) -> list[Target]:
        return [t for a in self.actions for t in a.targets]

    def to_yaml_dict(self) -> dict:
        out: dict = {"actions": [a.to_yaml_dict() for a in self.actions]}
        if self.preamble_targets:
            out["preamble_targets"] = [t.to_yaml_dict() for t in self.preamble_targets]
        return out


def _plain_number(value: Decimal | None) -> int | float | None:
    """Decimal → int when whole, else float (YAML has no decimal type)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# ====================================================================== vocabulary

#: Units a target's quantity can carry, longest first when matched.
UNITS = (
    "个百分点", "百分点", "平方米", "万人次", "人次", "家次", "项次", "场次", "元", "%", "‰",
    "家", "项", "个", "人", "名", "所", "次", "件", "台", "套", "篇", "场", "座", "户",
    "支", "条", "款", "位", "种", "处", "部", "期", "亩", "吨", "倍", "册", "轮", "批次",
)
_UNITS_BY_LENGTH = sorted(UNITS, key=len, reverse=True)

#: A unit character followed by this character is a word, not a unit (一次性, 三部门, 统一支持).
_NOT_A_UNIT = {
    "次": "性要生", "部": "门署分件委", "期": "间限望待", "条": "件例约理", "款": "项",
    "处": "理置罚", "种": "植子类业", "位": "置于列", "场": "所景地", "台": "账阶湾",
    "名": "单称录牌", "支": "持出撑柱付部", "个": "性", "家": "庭居电乡", "所": "有得以在属",
    "户": "籍口", "件": "事", "人": "员才民工", "元": "素", "套": "餐",
    "倍": "增",
}

#: A single 一 after these characters belongs to a word (统一, 唯一, 逐一, 之一 …).
_WORDS_ENDING_IN_ONE = frozenset("统唯同逐单划专合之其万均进第每")
#: Idioms and names whose numerals are not quantities.
_IDIOMS = ("千家万户", "百花齐放", "千方百计", "一家一策", "一企一策", "一业一策", "一事一议")

_SUFFIXES = (("及以上", ">="), ("以上", ">="), ("以下", "<="), ("以内", "<="), ("之内", "<="),
             ("左右", "=="))
_COMPARISON_PREFIXES = sorted(
    [
        ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="), ("突破", ">="),
        ("超过", ">="), ("达到", ">="), ("达", ">="), ("逾", ">="), ("提高到", ">="),
        ("提高至", ">="), ("提升到", ">="), ("提升至", ">="), ("增加到", ">="),
        ("增加至", ">="), ("增至", ">="), ("增长到", ">="), ("增长至", ">="),
        ("高于", ">"), ("多于", ">"), ("大于", ">"),
        ("不超过", "<="), ("不高于", "<="), ("不多于", "<="), ("控制在", "<="),
        ("低于", "<"), ("少于", "<"),
    ],
    key=lambda p: len(p[0]),
    reverse=True,
)
_APPROX_PREFIXES = ("约", "近", "大约")
_GROWTH_WORDS = ("增长", "增幅", "增速", "增加", "提高", "提升", "上升")
_GROWTH_UNITS = frozenset({"%", "个百分点", "百分点"})

#: Dropped at the start of a target's phrase.
_MODALS = ("力争", "努力", "确保", "力求", "预计")
_CONNECTIVES = ("并且", "同时", "其中", "此外", "另外", "特别是")
_CONTINUATION_CONNECTIVES = ("以及", "和", "及", "与", "、")
#: Dropped only when a verb follows (全年新认定… but 全年技术合同成交额…).
_WEAK_PREFIXES = ("全年度", "本年度", "全年", "年内", "今年", "本年", "当年", "还要", "要",
                  "将", "并", "且")
_YEAR_PREFIX = re.compile(r"(?:19|20)\d{2}年度?")
_ENUMERATOR = re.compile(
    r"(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[是、]"
    r"|\d{1,2}[.、](?!\d)|第[一二三四五六七八九十]{1,3}[、是])"
)
_VERBS = (
    "新", "认定", "兑付", "兑现", "引进", "引育", "培育", "培养", "组织", "实施", "争取", "争创",
    "建设", "建成", "完成", "开展", "落实", "推动", "推进", "支持", "实现", "布局", "安排",
    "举办", "举行", "召开", "申报", "促成", "转化", "立项", "扶持", "带动", "吸引", "孵化",
    "招引", "打造", "创建", "评价", "登记", "备案", "发放", "办理", "获批", "获得", "签订",
    "签约", "推广", "启动", "认证", "入库", "评定", "遴选", "奖励", "资助", "投入", "拨付",
    "设立", "组建", "服务", "储备", "入选", "选派", "征集", "发布", "帮助", "助力", "累计",
    "突破", "达到", "力争", "确保", "努力", "加快", "加大", "提高", "提升", "增加", "扩大",
)

_QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》"}
_MAX_QUOTED = 15  # a quoted slogan ("十五五", ‘两个确立’), not a quoted sentence

_CN_FIRST = "〇零一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"
_CN_RUN = rf"[{_CN_FIRST}][{_CN_FIRST}万亿]*(?:点[〇零一二三四五六七八九]+[万亿]*)?"
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = re.compile(
    rf"百分之(?P<pct>{_CN_RUN}|{_ARABIC})"
    rf"|(?<![\d.A-Za-z])(?P<ar>(?:{_ARABIC})[十百千万亿]*)(?![\d.]?[A-Za-z])"
    rf"|(?P<cn>{_CN_RUN})"
)
_HEADING = re.compile(r"(?:^|(?<=[\n。！？]))[ ]*([一二三四五六七八九十]{1,3})、")
_NAME_VERB = re.compile(r"^(?:深入|大力|全面|持续|扎实|着力|重点|加快)?实施")
_CLAUSE_SPLIT = re.compile(r"[，；;。！？!?：:\n]|(?<!\d),|,(?!\d{3}(?!\d))")
_TRIVIAL_REST = re.compile(r"^[\s、，,。；;：:！!？?）)」』”’\"']*$")
_COVERAGE = "全覆盖"
_COUNTY_WORDS = ("县域", "县区", "县（市、区）", "县(市、区)", "县市区", "各县", "区县")
_LIST_SEPARATORS = re.compile(r"以及|[和与及、]")
_SMALL_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                      8: "eight", 9: "nine", 10: "ten"}


# ============================================================================ scanning


@dataclass
class _Quantity:
    start: int  # where the number (or 百分之) starts
    end: int  # after the unit
    tail_end: int  # after a qualifier such as 以上
    value: Decimal | None
    unit: str
    suffix_comparison: str | None = None
    approx: bool = False
    coverage: bool = False
    note: str = ""


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Short quotations (slogans such as "十五五") as (start, end) offsets."""
    spans = []
    open_at: dict[str, int] = {}
    straight: dict[str, int] = {}
    for i, ch in enumerate(text):
        if ch == "\n":
            open_at.clear()
            straight.clear()
        elif ch in _QUOTE_PAIRS:
            open_at[_QUOTE_PAIRS[ch]] = i
        elif ch in open_at:
            start = open_at.pop(ch)
            if i - start - 1 <= _MAX_QUOTED:
                spans.append((start, i + 1))
        elif ch in "\"'":
            if ch in straight:
                start = straight.pop(ch)
                if i - start - 1 <= _MAX_QUOTED:
                    spans.append((start, i + 1))
            else:
                straight[ch] = i
    return spans


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _match_unit(text: str, pos: int) -> str | None:
    for unit in _UNITS_BY_LENGTH:
        if text.startswith(unit, pos):
            return unit
    return None


def _scan_quantities(text: str, lo: int, hi: int, skip: Sequence[tuple[int, int]]) -> list[
        _Quantity]:
    """Every quantity-with-unit in text[lo:hi] that reads as a target."""
    found = []
    for m in _NUMBER.finditer(text, lo, hi):
        start = m.start()
        if _inside(start, skip):
            continue
        before = text[start - 1] if start > lo else ""
        if before in ("第", "每"):
            continue  # ordinal (第一) or rate (每万人)
        if m.group("pct") is not None:
            numtext, unit, end, approx_floor = m.group("pct"), "%", m.end(), False
            cn_numeral = not numtext[0].isdigit()
        else:
            numtext = m.group("ar") or m.group("cn")
            cn_numeral = m.group("cn") is not None
            j = m.end()
            approx_floor = j < hi and text[j] in "余多"
            if approx_floor:
                j += 1
            unit = _match_unit(text, j)
            if unit is None or j + len(unit) > hi:
                continue
            end = j + len(unit)
            if unit == "元" and numtext[-1] in "万亿" and len(numtext) > 1:
                unit = numtext[-1] + "元"  # 800万元 → 800, unit 万元
                numtext = numtext[:-1]
            nxt = text[end] if end < len(text) else ""
            if nxt and nxt in _NOT_A_UNIT.get(unit[-1], ""):
                continue  # 一次性, 三部门, 统一支持
            if cn_numeral and numtext == "一" and (before in _WORDS_ENDING_IN_ONE or nxt == "一"):
                continue  # 统一项…, 一企一策
            if (cn_numeral and len(numtext) == 1 and numtext in "百千万"
                    and text.startswith(("计划", "工程"), end)):
                continue  # 千人计划, 百人计划
        if any(idiom in text[max(lo, start - 3):start + 4] for idiom in _IDIOMS):
            continue
        try:
            value = parse_number(numtext)
        except ValueError:
            continue  # "十五五" and other non-numerals
        if value == 0:
            continue
        tail_end = end
        suffix_cmp = None
        approx = False
        for word, cmp in _SUFFIXES:
            if text.startswith(word, end) and end + len(word) <= hi:
                tail_end = end + len(word)
                suffix_cmp = cmp
                approx = word == "左右"
                break
        if approx_floor and suffix_cmp is None:
            suffix_cmp = ">="
        found.append(_Quantity(start, end, tail_end, value, unit, suffix_cmp, approx))
    return found


# ========================================================================= phrasing


def _starts_with_verb(text: str, pos: int) -> bool:
    return text.startswith(_VERBS, pos)


def _strip_lead(text: str, start: int, end: int, continuation: bool) -> int:
    """Move ``start`` past separators, enumerators, modal words and introductory time words."""
    while start < end:
        ch = text[start]
        if ch.isspace() or ch in "，,、；;：:。":
            start += 1
            continue
        m = _ENUMERATOR.match(text, start, end)
        if m and (start == 0 or text[start - 1] in "\n，,；;：:。（("):
            start = m.end()
            continue
        if continuation:
            word = next((w for w in _CONTINUATION_CONNECTIVES if text.startswith(w, start)), None)
            if word:
                start += len(word)
                continue
        word = next((w for w in (*_CONNECTIVES, *_MODALS) if text.startswith(w, start)), None)
        if word and start + len(word) < end:
            start += len(word)
            continue
        word = next((w for w in _WEAK_PREFIXES if text.startswith(w, start)), None)
        if word is None:
            ym = _YEAR_PREFIX.match(text, start, end)
            word = ym.group(0) if ym else None
        if word and _starts_with_verb(text, start + len(word)):
            start += len(word)
            continue
        break
    return start


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in "，,、；;：:。"):
        end -= 1
    return end


def _comparison_for(prefix: str, q: _Quantity) -> tuple[str, bool]:
    """(comparison, approximate) from the words right before the quantity and after it."""
    approx = q.approx
    p = prefix.rstrip()
    for word in _APPROX_PREFIXES:
        if p.endswith(word):
            p = p[: -len(word)]
            approx = True
            break
    for word, cmp in _COMPARISON_PREFIXES:
        if p.endswith(word):
            return cmp, approx
    return (q.suffix_comparison or "=="), approx


def _is_growth(prefix: str, unit: str) -> bool:
    if unit not in _GROWTH_UNITS:
        return False
    if not any(w in prefix.replace("增加值", "") for w in _GROWTH_WORDS):
        return False  # 增加值 (value added) is an amount, not growth
    p = prefix.rstrip()
    # 增长至 / 提升到 name a level to reach, not a growth rate (but 增幅达到 is growth).
    return not (p.endswith("至") or (p.endswith("到") and not p.endswith("达到")))


def _each_note(prefix: str) -> str:
    """A note for 各 (``中心和基地各2个`` = two of each kind)."""
    kinds = len(_LIST_SEPARATORS.findall(prefix)) + 1
    if kinds < 2:
        return "各 = each"
    return f"各 = each of the {_SMALL_COUNT_WORDS.get(kinds, str(kinds))} kinds"


def _coverage_unit(before: str) -> tuple[str, str]:
    """(unit, note) for a 全覆盖 phrase, from the place word right before it."""
    tail = before[-8:]
    if "乡镇" in tail or "乡（镇" in tail:
        return "个乡镇", ""
    if tail.endswith("村"):
        return "个村", ""
    if tail.endswith("园区"):
        return "个园区", ""
    if any(word in tail for word in _COUNTY_WORDS):
        return "个县区", ""
    return "个县区", "全覆盖 names no place; counted over the counties"


def _make_target(text: str, start: int, end: int, q: _Quantity) -> Target:
    phrase = text[start:end]
    if q.coverage:
        return Target(text=phrase, value=q.value, unit=q.unit, comparison=">=",
                      coverage=True, note=q.note, start=start, end=end)
    prefix = text[start:q.start]
    comparison, approx = _comparison_for(prefix, q)
    notes = []
    if prefix.endswith("各"):
        notes.append(_each_note(prefix[:-1]))
    if approx:
        notes.append("approximate")
    return Target(text=phrase, value=q.value, unit=q.unit, comparison=comparison,
                  growth=_is_growth(prefix, q.unit), note="; ".join(notes),
                  start=start, end=end)


def _segment_items(text: str, lo: int, hi: int, quantities: list[_Quantity]) -> list[_Quantity]:
    """The quantities in text[lo:hi] plus its 全覆盖 phrases (a number before 全覆盖 merges)."""
    items = [q for q in quantities if lo <= q.start < hi]
    pos = text.find(_COVERAGE, lo, hi)
    while pos != -1:
        unit, note = _coverage_unit(text[lo:pos])
        merged = False
        for q in items:
            between = text[q.end:pos]
            if (q.tail_end <= pos and q.unit == "个" and not q.coverage
                    and not _LIST_SEPARATORS.search(between) and len(between) <= 6):
                q.unit, q.coverage, q.tail_end = unit, True, pos + len(_COVERAGE)
                q.note = "" if between else note
                merged = True  # 全市12个县区全覆盖
        if not merged:
            end = pos + len(_COVERAGE)
            items.append(_Quantity(pos, end, end, None, unit, ">=", coverage=True, note=note))
        pos = text.find(_COVERAGE, pos + len(_COVERAGE), hi)
    items.sort(key=lambda q: q.start)
    return items


def _targets_in_clause(text: str, lo: int, hi: int, quantities: list[_Quantity]) -> list[Target]:
    # Split at 、 where a target ends just before it or starts just after it.
    cuts = [lo]
    for i in range(lo, hi):
        if text[i] != "、":
            continue
        ends_before = any(q.tail_end == i for q in quantities) or text.endswith(
            _COVERAGE, lo, i)
        after = i + 1
        while after < hi:
            word = next((w for w in _CONTINUATION_CONNECTIVES if text.startswith(w, after)), "")
            if not word:
                break
            after += len(word)
        starts_after = any(q.start == after for q in quantities)
        if ends_before or starts_after:
            cuts.append(i + 1)
    cuts.append(hi)

    targets = []
    for seg_index, (s_lo, s_hi) in enumerate(zip(cuts, cuts[1:], strict=False)):
        items = _segment_items(text, s_lo, s_hi, quantities)
        start = s_lo
        for k, q in enumerate(items):
            nxt = items[k + 1] if k + 1 < len(items) else None
            if nxt is None:
                end = q.tail_end if _TRIVIAL_REST.match(text[q.tail_end:s_hi]) else s_hi
            else:
                between = text[q.tail_end:nxt.start]
                seps = list(_LIST_SEPARATORS.finditer(between))
                if not between.strip() or between.startswith(_CONTINUATION_CONNECTIVES):
                    end = q.tail_end
                elif seps:
                    end = q.tail_end + seps[-1].start()  # 引进10个团队和5个平台
                else:
                    end = q.tail_end
            span_start = _strip_lead(text, start, end, continuation=seg_index > 0 or k > 0)
            span_end = _trim_end(text, span_start, end)
            if span_start < span_end:
                targets.append(_make_target(text, span_start, span_end, q))
            start = end
    return targets


def _extract_targets(text: str, lo: int, hi: int, skip: Sequence[tuple[int, int]]) -> list[
        Target]:
    targets = []
    clause_start = lo
    bounds = [m.start() for m in _CLAUSE_SPLIT.finditer(text, lo, hi)] + [hi]
    for b in bounds:
        if b > clause_start:
            quantities = _scan_quantities(text, clause_start, b, skip)
            if quantities or _COVERAGE in text[clause_start:b]:
                targets.extend(_targets_in_clause(text, clause_start, b, quantities))
        clause_start = b + 1
    return targets


# ========================================================================== actions


def _name_end(text: str, start: int, end: int) -> int:
    """Where a heading's name ends: the first 。：；！？ or line break outside brackets."""
    depth = 0
    for i in range(start, end):
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif ch == "\n" or (depth == 0 and ch in "。：:；;！!？?"):
            return i
    return end


def _action_name(raw: str) -> str:
    name = raw.strip().rstrip("。，；：:;,.！!？? ")
    name = re.sub(r"[（(][^（()）]*[)）]$", "", name)  # (牵头单位：市科技局)
    return _NAME_VERB.sub("", name).strip()


def extract_plan(text: str) -> DraftPlan:
    """Extract the actions and their targets from a plan's text (any script, any width)."""
    norm = normalise(text)
    skip = _quoted_spans(norm)
    headings = []
    expected = 1
    for m in _HEADING.finditer(norm):
        try:
            number = int(parse_number(m.group(1)))
        except ValueError:
            continue
        if number == expected:
            headings.append((m, number))
            expected += 1

    plan = DraftPlan(text=norm)
    first = headings[0][0].start() if headings else len(norm)
    plan.preamble_targets = _extract_targets(norm, 0, first, skip)
    for idx, (m, number) in enumerate(headings):
        section_end = headings[idx + 1][0].start() if idx + 1 < len(headings) else len(norm)
        name_end = _name_end(norm, m.end(), section_end)
        action = Action(number=number, name=_action_name(norm[m.end():name_end]))
        body_start = min(name_end + 1, section_end)
        action.targets = _extract_targets(norm, body_start, section_end, skip)
        plan.actions.append(action)
    return plan


# ============================================================================== CLI


def to_yaml(plan: DraftPlan) -> str:
    """The draft as YAML in the shape of sample-plan-2026.expected.yaml."""
    import yaml

    return yaml.safe_dump(plan.to_yaml_dict(), allow_unicode=True, sort_keys=False,
                          default_flow_style=None, width=4096)


def read_plan_file(path: str | Path) -> str:
    """Read a plan text file: UTF-8 (with or without BOM), else GB18030 (GBK) as Word saves it."""
    data = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def main(argv: Sequence[str] | None = None) -> int:
    """``extract FILE``: print the draft plan as YAML. Returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="kechuang plan", description="Extract actions and targets from a plan's text.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_extract = sub.add_parser("extract", help="print the draft plan of FILE as YAML")
    p_extract.add_argument("file", metavar="FILE", help="plan text (UTF-8 or GBK); - for stdin")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        text = read_plan_file(args.file)
    except OSError as exc:
        print(f"kechuang plan extract: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(to_yaml(extract_plan(text)))
    return 0
