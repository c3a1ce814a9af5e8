"""研发费用加计扣除 (R&D super-deduction), policy-rules.md §c.

``compute_rd_deduction(RdDeductionInput) -> RdDeductionResult`` works like the A107012 form:
each line is an amount in yuan rounded to the fen (ROUND_HALF_UP) and later lines use the
rounded figures, so the result can be checked line by line against a filed form. Rates and
the scope of the 其他相关费用 cap change by tax year; each year's rule set is registered beside
the others (执行指引2.0 表1).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.policy.amounts import ONE, ZERO, pct, round_fen, round_fen_exact, yuan
from kechuang.policy.inputs import (
    ANNUAL_FIELDS,
    AnnualFigures,
    PolicyInputError,
    pick,
    to_bool,
    to_date,
    to_decimal,
)
from kechuang.policy.registry import register, select
from kechuang.policy.results import DISCLAIMER, Condition, Gap, ResultBase

RULE = "rd_deduction"

# 财税〔2015〕119号 第四条 (as listed in 执行指引2.0 四(一)1), by GB/T 4754-2017 division
NEGATIVE_LIST: dict[str, str] = {
    "C16": "烟草制品业",
    "F51": "批发业", "F52": "零售业",
    "H61": "住宿业", "H62": "餐饮业",
    "K70": "房地产业",
    "L71": "租赁业", "L72": "商务服务业",
    "R90": "娱乐业",
}

# sections (门类) that are on the list as a whole: a bare section code is enough to decide
NEGATIVE_SECTIONS: dict[str, str] = {
    "F": "批发和零售业", "H": "住宿和餐饮业", "K": "房地产业", "L": "租赁和商务服务业",
}


def negative_list_industry(code: str) -> str | None:
    """The negative-list industry of a GB/T 4754 code, or None.

    The division (大类, e.g. ``F51``) decides; finer codes (``F5121``, ``C161``) belong to
    their division, and a bare section code counts when the whole section is listed (``F``).
    """
    code = code.strip().upper()
    if code[:3] in NEGATIVE_LIST:
        return NEGATIVE_LIST[code[:3]]
    return NEGATIVE_SECTIONS.get(code)


CATEGORY_FIELDS = ("rd_personnel_yuan", "rd_direct_input_yuan", "rd_depreciation_yuan",
                   "rd_amortization_yuan", "rd_design_yuan")


@dataclass(frozen=True)
class DeductionRules:
    """One tax-year period of the deduction rules (执行指引2.0 表1)."""

    version: str
    document: str
    valid_from: int
    valid_to: int | None
    base_rate: Decimal
    base_rate_doc: str
    other_cap_scope: str  # "project" (before 2021) | "total" (2021年第28号)
    overseas_allowed: bool  # 委托境外 deductible (财税〔2018〕64号, from 2018)
    manufacturing_rate: Decimal | None = None
    manufacturing_doc: str = ""
    tech_sme_rate: Decimal | None = None
    tech_sme_doc: str = ""
    q4_rate: Decimal | None = None  # 2022-10-01 … 12-31 (2022年第28号)
    q4_doc: str = ""
    ic_rate: Decimal | None = None  # 集成电路 / 工业母机 list enterprises
    ic_doc: str = ""
    ic_valid_to: int | None = None
    entrusted_ratio: Decimal = Decimal("0.8")
    overseas_cap: Fraction = Fraction(2, 3)
    other_cap_ratio: Fraction = Fraction(1, 10)


_R119 = "财税〔2015〕119号"
for _rules in (
    DeductionRules(
        version="rd_deduction/2016-119", document=_R119, valid_from=2016, valid_to=2016,
        base_rate=Decimal("0.5"), base_rate_doc=_R119, other_cap_scope="project",
        overseas_allowed=False),
    DeductionRules(
        version="rd_deduction/2017-34", document=f"{_R119}、财税〔2017〕34号", valid_from=2017,
        valid_to=2017, base_rate=Decimal("0.5"), base_rate_doc=_R119, other_cap_scope="project",
        overseas_allowed=False, tech_sme_rate=Decimal("0.75"), tech_sme_doc="财税〔2017〕34号"),
    DeductionRules(
        version="rd_deduction/2018-99", document=f"{_R119}、财税〔2018〕99号、财税〔2018〕64号",
        valid_from=2018, valid_to=2020, base_rate=Decimal("0.75"), base_rate_doc="财税〔2018〕99号",
        other_cap_scope="project", overseas_allowed=True),
    DeductionRules(
        version="rd_deduction/2021-13",
        document="财政部 税务总局公告2021年第13号、国家税务总局公告2021年第28号", valid_from=2021,
        valid_to=2021, base_rate=Decimal("0.75"), base_rate_doc="财税〔2018〕99号（延续）",
        other_cap_scope="total", overseas_allowed=True, manufacturing_rate=ONE,
        manufacturing_doc="财政部 税务总局公告2021年第13号"),
    DeductionRules(
        version="rd_deduction/2022-16", document="财政部 税务总局 科技部公告2022年第16号、"
        "2022年第28号", valid_from=2022, valid_to=2022, base_rate=Decimal("0.75"),
        base_rate_doc="财税〔2018〕99号（延续）", other_cap_scope="total", overseas_allowed=True,
        manufacturing_rate=ONE, manufacturing_doc="财政部 税务总局公告2021年第13号",
        tech_sme_rate=ONE, tech_sme_doc="财政部 税务总局 科技部公告2022年第16号",
        q4_rate=ONE, q4_doc="财政部 税务总局 科技部公告2022年第28号"),
    DeductionRules(
        version="rd_deduction/2023-7", document="财政部 税务总局公告2023年第7号", valid_from=2023,
        valid_to=None, base_rate=ONE, base_rate_doc="财政部 税务总局公告2023年第7号",
        other_cap_scope="total", overseas_allowed=True, ic_rate=Decimal("1.2"),
        ic_doc="财政部 税务总局 国家发展改革委 工业和信息化部公告2023年第44号", ic_valid_to=2027),
):
    register(RULE, _rules)


# -- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectExpenses:
    """Categories 1–6 of one R&D project (needed for the per-project cap before 2021)."""

    name: str
    rd_personnel_yuan: Decimal = ZERO
    rd_direct_input_yuan: Decimal = ZERO
    rd_depreciation_yuan: Decimal = ZERO
    rd_amortization_yuan: Decimal = ZERO
    rd_design_yuan: Decimal = ZERO
    rd_other_yuan: Decimal = ZERO

    @property
    def sum_1_5(self) -> Decimal:
        return sum((getattr(self, f) for f in CATEGORY_FIELDS), ZERO)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], index: int) -> ProjectExpenses:
        kwargs: dict[str, Any] = {"name": str(data.get("name") or f"项目{index + 1}")}
        for f in (*CATEGORY_FIELDS, "rd_other_yuan"):
            value = pick(data, f, to_decimal)
            if value is not None:
                kwargs[f] = value
        return cls(**kwargs)


_FLAGS = ("deemed_collection", "is_tech_sme", "is_high_tech", "ic_or_machine_tool_list")


@dataclass(frozen=True)
class RdDeductionInput:
    """One enterprise's tax year for the super-deduction, with the options the rules ask about.

    Defaults: 查账征收; not a tech SME / HNTE / list enterprise; manufacturing inferred from
    the industry code (门类 C) unless ``is_manufacturing`` says otherwise; tax rate 25% (15%
    for an HNTE) unless ``tax_rate`` is given; the negative list is judged by the income share
    when ``negative_list_income_yuan`` or ``negative_list_income_share`` is given, otherwise by
    the industry code.
    """

    figures: AnnualFigures
    industry_code: str = ""
    established_on: dt.date | None = None
    deemed_collection: bool = False  # 核定征收 → cannot claim
    is_tech_sme: bool = False  # 科技型中小企业（2017 年 75%、2022 年 100%）
    is_high_tech: bool = False  # 高新技术企业（默认税率 15%）
    ic_or_machine_tool_list: bool = False  # 集成电路 / 工业母机企业清单（2023–2027 120%）
    is_manufacturing: bool | None = None  # 制造业企业（2021–2022 100%）；None: 行业代码门类 C
    tax_rate: Decimal | None = None
    negative_list_income_yuan: Decimal | None = None  # 负面清单行业业务收入合计
    negative_list_income_share: Decimal | None = None  # 或直接给出占比（0–1）
    investment_income_yuan: Decimal = ZERO  # 股息、红利等权益性投资收益及股权转让所得
    entrusted_overseas_individuals_yuan: Decimal = ZERO  # 委托境外个人（不得加计）
    q4_2022_share: Decimal | None = None  # 2022 年 10–12 月发生的研发费用占全年比例（0–1）
    special_income_yuan: Decimal = ZERO  # 下脚料、残次品、中间试制品等特殊收入
    sold_material_cost_yuan: Decimal = ZERO  # 研发成果对外销售对应的材料费用
    intangible_cost_yuan: Decimal = ZERO  # 本年形成无形资产的成本
    projects: tuple[ProjectExpenses, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RdDeductionInput:
        """Parse a flat dict: annual-report fields plus the options above."""
        kwargs: dict[str, Any] = {"figures": AnnualFigures.from_dict(data)}
        kwargs["industry_code"] = str(data.get("industry_code") or "").strip().upper()
        kwargs["established_on"] = pick(data, "established_on", to_date)
        for name in _FLAGS:
            value = pick(data, name, to_bool)
            if value is not None:
                kwargs[name] = value
        kwargs["is_manufacturing"] = pick(data, "is_manufacturing", to_bool)
        for name in ("tax_rate", "negative_list_income_yuan", "negative_list_income_share",
                     "q4_2022_share"):
            kwargs[name] = pick(data, name, to_decimal)
        for name in ("investment_income_yuan", "entrusted_overseas_individuals_yuan",
                     "special_income_yuan", "sold_material_cost_yuan", "intangible_cost_yuan"):
            value = pick(data, name, to_decimal)
            if value is not None:
                kwargs[name] = value
        raw = data.get("projects") or ()
        if not isinstance(raw, list | tuple):
            raise PolicyInputError("projects", "应为项目列表")
        kwargs["projects"] = tuple(ProjectExpenses.from_dict(p, i) for i, p in enumerate(raw))
        return cls(**kwargs)

    def with_changes(self, changes: Mapping[str, Any]) -> RdDeductionInput:
        fig = {k: v for k, v in changes.items() if k in ANNUAL_FIELDS}
        other = {k: v for k, v in changes.items() if k not in ANNUAL_FIELDS}
        return dataclasses.replace(self, figures=self.figures.replace(**fig), **other)


# -- result ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    """One line of the computation, in yuan to the fen."""

    code: str
    label: str
    amount: Decimal
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "amount": str(round_fen(self.amount)),
                "note": self.note}


@dataclass
class RdDeductionResult(ResultBase):
    """The deduction, line by line, with the rate's legal basis and the tax effect."""

    rule: str
    rule_version: str
    document: str
    year: int
    eligible: bool
    conditions: list[Condition]
    lines: list[Line]
    rate: Decimal
    rate_basis: str
    eligible_base_yuan: Decimal
    extra_deduction_yuan: Decimal
    tax_rate: Decimal
    tax_saved_yuan: Decimal
    intangible_extra_amortization_yuan: Decimal
    material_carry_forward_yuan: Decimal
    reasons: list[str]
    gaps: list[Gap] = field(default_factory=list)  # no pass mark to close; kept for one shape
    notes: list[str] = field(default_factory=list)
    disclaimer: str = DISCLAIMER

    def line(self, code: str) -> Line:
        return next(x for x in self.lines if x.code == code)

    def condition(self, code: str) -> Condition:
        return next(c for c in self.conditions if c.code == code)

    def to_row(self) -> dict[str, Any]:
        return {
            "result_rule_version": self.rule_version,
            "result_eligible": "是" if self.eligible else "否",
            "result_rate": pct(self.rate),
            "result_eligible_base_yuan": str(self.eligible_base_yuan),
            "result_extra_deduction_yuan": str(self.extra_deduction_yuan),
            "result_tax_rate": pct(self.tax_rate),
            "result_tax_saved_yuan": str(self.tax_saved_yuan),
            "result_reasons": "；".join(self.reasons),
        }


# -- computation -----------------------------------------------------------------------------


def rules_for(inp: RdDeductionInput) -> DeductionRules:
    return select(RULE, _year(inp))


def _year(inp: RdDeductionInput) -> int:
    if inp.figures.year <= 0:
        raise PolicyInputError("year", "缺少纳税年度")
    return inp.figures.year


def _negative_list(inp: RdDeductionInput) -> Condition:
    """财税〔2015〕119号 负面清单; 2015年第97号: share of income > 50% (exactly 50% is not)."""
    code = inp.industry_code
    label = "不属于不适用加计扣除的行业（负面清单）"
    if inp.negative_list_income_share is not None:
        share = inp.negative_list_income_share
        if not ZERO <= share <= ONE:
            raise PolicyInputError("negative_list_income_share", "应为 0–1 之间的比例")
        excluded = share * 2 > ONE
        return Condition("c_negative_list", label, not excluded, share, Decimal("0.5"),
                         f"负面清单行业业务收入占比 {pct(share)}，" + _verdict(excluded))
    base = inp.figures.total_income_yuan - inp.investment_income_yuan
    if inp.negative_list_income_yuan is not None and base > 0:
        neg = inp.negative_list_income_yuan
        excluded = neg * 2 > base
        return Condition("c_negative_list", label, not excluded, (neg / base).quantize(
            Decimal("0.000001"), "ROUND_DOWN"), Decimal("0.5"),
            f"负面清单行业业务收入 {yuan(neg)} ÷（收入总额 − 不征税收入 − 投资收益）{yuan(base)} = "
            f"{pct(neg, base)}，" + _verdict(excluded))
    industry = negative_list_industry(code)
    if industry is not None:
        return Condition("c_negative_list", label, False, code, "负面清单行业",
                         f"所属行业 {code} {industry} 属于负面清单行业，不得加计扣除"
                         "（按行业代码判断；如负面清单业务收入占比不超过 50%，"
                         "请提供 negative_list_income_yuan 重新计算）")
    return Condition("c_negative_list", label, True, code or "未填", "负面清单行业",
                     f"所属行业 {code or '未填'} 不在负面清单内"
                     "（烟草制品业、住宿和餐饮业、批发和零售业、房地产业、租赁和商务服务业、娱乐业）")


def _verdict(excluded: bool) -> str:
    return "超过 50%，不得加计扣除" if excluded else "未超过 50%（含 50%），可以享受"


def _rate(inp: RdDeductionInput, rules: DeductionRules, year: int) -> tuple[Decimal, str, str]:
    """(rate, legal basis, note) — the most favourable rate the enterprise qualifies for."""
    # [U] 制造业企业 is officially decided by the share of manufacturing income; without that
    # figure the industry code's section (门类 C) decides, and is_manufacturing overrides it.
    manufacturing = (inp.is_manufacturing if inp.is_manufacturing is not None
                     else inp.industry_code.startswith("C"))
    options = [(rules.base_rate, rules.base_rate_doc)]
    if rules.manufacturing_rate is not None and manufacturing:
        options.append((rules.manufacturing_rate, rules.manufacturing_doc + "（制造业企业）"))
    if rules.tech_sme_rate is not None and inp.is_tech_sme:
        options.append((rules.tech_sme_rate, rules.tech_sme_doc + "（科技型中小企业）"))
    if (rules.ic_rate is not None and inp.ic_or_machine_tool_list
            and (rules.ic_valid_to is None or year <= rules.ic_valid_to)):
        options.append((rules.ic_rate, rules.ic_doc + "（集成电路/工业母机企业）"))
    rate, basis = max(options, key=lambda o: o[0])
    note = ""
    if rules.q4_rate is not None and rate < rules.q4_rate:
        if inp.q4_2022_share is None:
            note = (f"2022 年 10–12 月发生的研发费用可按 {pct(rules.q4_rate)} 加计"
                    f"（{rules.q4_doc}），未提供该期间占比（q4_2022_share），"
                    f"全部按 {pct(rate)} 计算")
        else:
            share = inp.q4_2022_share
            if not ZERO <= share <= ONE:
                raise PolicyInputError("q4_2022_share", "应为 0–1 之间的比例")
            blended = share * rules.q4_rate + (ONE - share) * rate
            note = (f"2022 年 10–12 月发生的研发费用（占 {pct(share)}）按 {pct(rules.q4_rate)}，"
                    f"其余按 {pct(rate)}（{rules.q4_doc}），综合比例 {pct(blended)}")
            return blended, f"{basis}；{rules.q4_doc}", note
    return rate, basis, note


def compute_rd_deduction(inp: RdDeductionInput, *,
                         rules: DeductionRules | None = None) -> RdDeductionResult:
    """The super-deduction for one tax year: eligible base, extra deduction and tax saved."""
    f = inp.figures
    year = _year(inp)
    rules = rules or select(RULE, year)
    notes: list[str] = []

    conditions = [
        Condition("c_audit_collection", "实行查账征收（核定征收企业不能享受）",
                  not inp.deemed_collection, "核定征收" if inp.deemed_collection else "查账征收",
                  "查账征收", "核定征收企业不能享受研发费用加计扣除" if inp.deemed_collection
                  else "查账征收"),
        _negative_list(inp),
    ]

    # categories 1–5 and 其他相关费用 with its cap (every line to the fen, like the form)
    if inp.projects:
        sum_1_5 = sum((p.sum_1_5 for p in inp.projects), ZERO)
        other_actual = sum((p.rd_other_yuan for p in inp.projects), ZERO)
        if (sum_1_5 != f.rd_categories_1_5_yuan or other_actual != f.rd_other_yuan) and (
                f.rd_categories_1_5_yuan or f.rd_other_yuan):
            notes.append("分项目明细合计与年报费用明细不一致，按分项目明细计算")
        cats = {c: sum((getattr(p, c) for p in inp.projects), ZERO) for c in CATEGORY_FIELDS}
    else:
        sum_1_5 = f.rd_categories_1_5_yuan
        other_actual = f.rd_other_yuan
        cats = {c: getattr(f, c) for c in CATEGORY_FIELDS}
    cats = {c: round_fen(v) for c, v in cats.items()}
    sum_1_5, other_actual = round_fen(sum_1_5), round_fen(other_actual)
    if rules.other_cap_scope == "total":
        other_cap = round_fen_exact(Fraction(sum_1_5) * rules.other_cap_ratio
                                    / (1 - rules.other_cap_ratio))
        other_allowed = min(other_actual, other_cap)
        cap_note = "全部研发项目统一计算（国家税务总局公告2021年第28号）"
    else:
        projects = inp.projects or (ProjectExpenses("全部", **{c: getattr(f, c) for c in (
            *CATEGORY_FIELDS, "rd_other_yuan")}),)
        caps = [round_fen_exact(Fraction(p.sum_1_5) * rules.other_cap_ratio
                                / (1 - rules.other_cap_ratio)) for p in projects]
        other_cap = sum(caps, ZERO)
        other_allowed = sum((min(round_fen(p.rd_other_yuan), c)
                             for p, c in zip(projects, caps, strict=True)), ZERO)
        cap_note = "按项目分别计算（2021 年以前）"
        if not inp.projects:
            notes.append("2021 年以前其他相关费用限额按项目分别计算；未提供分项目明细，"
                         "按单一项目计算，结果可能偏高")

    entrusted_dom = round_fen(f.rd_entrusted_domestic_yuan * rules.entrusted_ratio)
    other_allowed = round_fen(other_allowed)
    # [U] "境内符合条件的研发费用" = categories 1–5 + capped 其他 + 80% of domestic entrusted, as in
    # the public calculator cited by policy-rules.md §c; the guide does not spell it out.
    domestic_base = sum_1_5 + other_allowed + entrusted_dom

    if inp.entrusted_overseas_individuals_yuan > f.rd_entrusted_overseas_yuan:
        raise PolicyInputError("entrusted_overseas_individuals_yuan",
                               "委托境外个人的费用不能大于委托境外研发费用")
    overseas_paid = f.rd_entrusted_overseas_yuan - inp.entrusted_overseas_individuals_yuan
    overseas_80 = round_fen(overseas_paid * rules.entrusted_ratio)
    overseas_cap = round_fen_exact(Fraction(domestic_base) * rules.overseas_cap)
    if rules.overseas_allowed:
        overseas_allowed = min(overseas_80, overseas_cap)
        overseas_note = ("按实际发生额 80% 计入，不超过境内符合条件研发费用的 2/3"
                         "（财税〔2018〕64号）")
    else:
        # [U] platform reading: 财税〔2015〕119号 excluded 委托境外 until
        # 财税〔2018〕64号 took effect for 2018
        overseas_allowed = ZERO
        overseas_note = "2018 年以前委托境外研发费用不得加计扣除（财税〔2015〕119号）[U] 平台解释"
    gross = domestic_base + overseas_allowed
    special, material = round_fen(inp.special_income_yuan), round_fen(inp.sold_material_cost_yuan)
    after_special = max(ZERO, gross - special)
    base = max(ZERO, after_special - material)
    carry = max(ZERO, material - after_special)

    rate, basis, rate_note = _rate(inp, rules, year)
    if rate_note:
        notes.append(rate_note)
    has_expense = gross > 0
    conditions.append(Condition(
        "c_rd_expenses", "有可加计扣除的研发费用", has_expense, gross, ZERO,
        f"归集的可加计扣除研发费用 {yuan(gross)}" if has_expense
        else "未归集六类研发费用或委托研发费用（研发费用总额不能代替分类明细）"))
    eligible = all(c.passed for c in conditions)
    extra = round_fen(base * rate) if eligible else round_fen(ZERO)
    tax_rate = (inp.tax_rate if inp.tax_rate is not None
                else Decimal("0.15") if inp.is_high_tech else Decimal("0.25"))
    if not ZERO <= tax_rate <= ONE:
        raise PolicyInputError("tax_rate", "税率应在 0–1 之间（如 0.25）")
    saved = round_fen(extra * tax_rate)
    intangible = round_fen(inp.intangible_cost_yuan * rate if eligible else ZERO)

    lines = [
        Line("personnel", "一、人员人工费用", cats["rd_personnel_yuan"]),
        Line("direct_input", "二、直接投入费用", cats["rd_direct_input_yuan"]),
        Line("depreciation", "三、折旧费用", cats["rd_depreciation_yuan"]),
        Line("amortization", "四、无形资产摊销", cats["rd_amortization_yuan"]),
        Line("design", "五、新产品设计费等", cats["rd_design_yuan"]),
        Line("sum_1_5", "第一至五类合计", sum_1_5),
        Line("other_actual", "六、其他相关费用（实际发生）", other_actual),
        Line("other_cap", "其他相关费用限额 = 第一至五类合计 × 10% ÷（1 − 10%）", other_cap,
             cap_note),
        Line("other_allowed", "经限额调整后的其他相关费用", other_allowed),
        Line("entrusted_domestic", "委托境内研发费用 × 80%", entrusted_dom,
             f"实际支付 {yuan(f.rd_entrusted_domestic_yuan)}"),
        Line("domestic_base", "境内符合条件的研发费用", domestic_base,
             "第一至五类 + 其他相关费用（限额后）+ 委托境内 × 80% [U] 口径"),
        Line("entrusted_overseas", "委托境外机构研发费用 × 80%", overseas_80,
             f"实际支付 {yuan(f.rd_entrusted_overseas_yuan)}，其中境外个人 "
             f"{yuan(inp.entrusted_overseas_individuals_yuan)} 不得加计"),
        Line("overseas_cap", "委托境外限额 = 境内符合条件的研发费用 × 2/3", overseas_cap),
        Line("overseas_allowed", "允许加计扣除的委托境外研发费用", overseas_allowed, overseas_note),
        Line("special_income", "减：特殊收入", special,
             "不足扣减的，加计扣除研发费用按零计算"),
        Line("sold_material", "减：研发成果对外销售对应的材料费用", material,
             f"不足冲减的结转以后年度：{yuan(carry)}"),
        Line("eligible_base", "允许加计扣除的研发费用（费用化部分）", base),
        Line("extra_deduction", f"加计扣除额 = 允许加计扣除的研发费用 × {pct(rate)}", extra, basis),
        Line("tax_saved", f"少缴企业所得税 = 加计扣除额 × {pct(tax_rate)}", saved,
             "假定当年应纳税所得额足够；亏损企业为增加可弥补亏损"),
    ]
    if inp.intangible_cost_yuan:
        lines.append(Line("intangible_extra", f"形成无形资产：按成本的 {pct(ONE + rate)} 摊销，"
                          f"额外摊销合计 = 成本 × {pct(rate)}", intangible,
                          f"无形资产成本 {yuan(inp.intangible_cost_yuan)}，"
                          "摊销年限一般不低于 10 年"))

    reasons: list[str] = []
    if eligible:
        reasons.append(f"{year} 年允许加计扣除的研发费用 {yuan(base)}，按 {pct(rate)} 加计扣除 "
                       f"{yuan(extra)}，按税率 {pct(tax_rate)} 约少缴企业所得税 {yuan(saved)}")
    else:
        reasons.extend(f"{c.label}：{c.message}" for c in conditions if not c.passed)
    if not f.has_rd_activity and has_expense:
        notes.append("年报未勾选“有研发活动”，请核实")
    notes.append("每行金额按分四舍五入，后续行使用四舍五入后的金额")
    notes.append("制造业企业默认按行业代码门类 C 判断（官方按主营业务收入占比判断 [U]）")

    return RdDeductionResult(
        rule=RULE, rule_version=rules.version, document=rules.document, year=year,
        eligible=eligible, conditions=conditions, lines=lines, rate=rate, rate_basis=basis,
        eligible_base_yuan=round_fen(base), extra_deduction_yuan=extra, tax_rate=tax_rate,
        tax_saved_yuan=saved, intangible_extra_amortization_yuan=intangible,
        material_carry_forward_yuan=round_fen(carry), reasons=reasons, notes=notes)
