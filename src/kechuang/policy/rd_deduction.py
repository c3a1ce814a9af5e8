"""研发费用加计扣除 (R&D super-deduction), policy-rules.md §c.

``compute_rd_deduction(RdDeductionInput) -> RdDeductionResult`` works like the A107012 form:
each line is an amount in yuan rounded to the fen (ROUND_HALF_UP) and later lines use the
rounded figures, so the result can be checked line by line against a filed form. Rates and
the scope of the 其他相关费用 cap change by tax year; each year's rule set is registered beside
the others (执行指引2.0 表1).

Beyond the expensed base (all optional, an input without them gives the same lines as before):
财政性资金 netted from the base (2017年第40号), the tax-deductible depreciation where it differs
from the books, capitalised projects sharing the 其他相关费用 cap pro rata (四步法), intangible
assets (tax base 200 % / 220 %, amortisation schedule, minimum period) and the 2023年第11号
pre-filing periods (上半年 / 前三季度).
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
    to_int,
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
    # periods at which the deduction may be claimed (FY = 年度汇算清缴)
    prefiling_periods: tuple[str, ...] = ("FY",)
    prefiling_doc: str = ""
    min_amortisation_years: int = 10  # 企业所得税法实施条例 第六十七条


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
        ic_doc="财政部 税务总局 国家发展改革委 工业和信息化部公告2023年第44号", ic_valid_to=2027,
        prefiling_periods=("H1", "Q1-Q3", "FY"),
        prefiling_doc="国家税务总局 财政部公告2023年第11号"),
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
    rd_depreciation_tax_yuan: Decimal | None = None  # 税前扣除的折旧（与会计不同时）

    def category(self, name: str) -> Decimal:
        """A category as it counts for the deduction: depreciation is the tax figure."""
        if name == "rd_depreciation_yuan" and self.rd_depreciation_tax_yuan is not None:
            return self.rd_depreciation_tax_yuan
        return getattr(self, name)

    @property
    def sum_1_5(self) -> Decimal:
        return sum((self.category(f) for f in CATEGORY_FIELDS), ZERO)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], index: int) -> ProjectExpenses:
        kwargs: dict[str, Any] = {"name": str(data.get("name") or f"项目{index + 1}")}
        for f in (*CATEGORY_FIELDS, "rd_other_yuan"):
            value = pick(data, f, to_decimal)
            if value is not None:
                kwargs[f] = value
        kwargs["rd_depreciation_tax_yuan"] = pick(data, "rd_depreciation_tax_yuan", to_decimal)
        return cls(**kwargs)


@dataclass(frozen=True)
class CapitalisedProject(ProjectExpenses):
    """A capitalised R&D project (资本化项目); ``finished`` = ended this year, so it shares the
    year's 其他相关费用 cap (执行指引2.0 四(二)4). Unfinished ones wait for their year."""

    finished: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], index: int) -> CapitalisedProject:
        base = ProjectExpenses.from_dict(
            {**data, "name": data.get("name") or f"资本化项目{index + 1}"}, index)
        finished = pick(data, "finished", to_bool, True)
        return cls(**{f.name: getattr(base, f.name) for f in dataclasses.fields(base)},
                   finished=finished)


@dataclass(frozen=True)
class IntangibleAsset:
    """An intangible asset formed by R&D: amortised for tax on cost × (1 + rate).

    ``eligible_cost_yuan`` is the part of the cost that is 可加计扣除 R&D (default: all of it;
    e.g. a capitalised project's ``eligible_yuan``); the rest is amortised at 100 %.
    ``legal_years`` = a period set by law or contract (then it may be below 10 years).
    """

    name: str
    cost_yuan: Decimal
    amortisation_years: int = 10
    eligible_cost_yuan: Decimal | None = None
    available_from: dt.date | None = None  # 可供使用（开始摊销）的日期；默认纳税年度 1 月
    formed_year: int | None = None  # 形成年度（决定比例）；默认纳税年度
    legal_years: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], index: int) -> IntangibleAsset:
        cost = pick(data, "cost_yuan", to_decimal)
        if cost is None:
            raise PolicyInputError(f"intangible_assets[{index}].cost_yuan", "缺少无形资产成本")
        return cls(name=str(data.get("name") or f"无形资产{index + 1}"), cost_yuan=cost,
                   amortisation_years=pick(data, "amortisation_years", to_int, 10),
                   eligible_cost_yuan=pick(data, "eligible_cost_yuan", to_decimal),
                   available_from=pick(data, "available_from", to_date),
                   formed_year=pick(data, "formed_year", to_int),
                   legal_years=pick(data, "legal_years", to_int))


PREFILING_LABELS = {"H1": "当年上半年", "Q1-Q3": "当年前三季度", "FY": "全年"}
_PERIOD_ALIASES = {"h1": "H1", "上半年": "H1", "q1-q3": "Q1-Q3", "q1q3": "Q1-Q3",
                   "前三季度": "Q1-Q3", "fy": "FY", "全年": "FY", "年度": "FY", "annual": "FY"}
_FILER_ALIASES = {"quarterly": "quarterly", "按季": "quarterly", "季": "quarterly",
                  "monthly": "monthly", "按月": "monthly", "月": "monthly"}


def _period(value: Any, field_name: str) -> str:
    key = str(value).strip()
    period = _PERIOD_ALIASES.get(key.lower(), _PERIOD_ALIASES.get(key))
    if period is None:
        raise PolicyInputError(field_name, f"“{value}”不是可享受的期间，应为 H1（上半年）、"
                               "Q1-Q3（前三季度）或 FY（全年，汇算清缴）")
    return period


def _filer(value: Any, field_name: str) -> str:
    filer = _FILER_ALIASES.get(str(value).strip().lower())
    if filer is None:
        raise PolicyInputError(field_name,
                               f"“{value}”应为 quarterly（按季预缴）或 monthly（按月预缴）")
    return filer


_FLAGS = ("deemed_collection", "is_tech_sme", "is_high_tech", "ic_or_machine_tool_list",
          "subsidy_taxable", "accurate_accounting")


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
    rd_depreciation_tax_yuan: Decimal | None = None  # 税前扣除的折旧（加速折旧等，与会计不同时）
    government_subsidy_yuan: Decimal = ZERO  # 会计上直接冲减研发费用的财政性资金（净额法）
    subsidy_taxable: bool = False  # 税务上已确认为应税收入并相应调增研发费用 → 不冲减
    capitalised_projects: tuple[CapitalisedProject, ...] = ()
    intangible_assets: tuple[IntangibleAsset, ...] = ()
    prefiling_period: str | None = None  # H1 / Q1-Q3 / FY（2023年第11号）；None: 年度计算
    filer: str = "quarterly"  # quarterly（按季预缴）/ monthly（按月预缴）
    accurate_accounting: bool = True  # 能准确归集核算研发费用（预缴享受的前提）

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
                     "special_income_yuan", "sold_material_cost_yuan", "intangible_cost_yuan",
                     "government_subsidy_yuan"):
            value = pick(data, name, to_decimal)
            if value is not None:
                kwargs[name] = value
        kwargs["rd_depreciation_tax_yuan"] = pick(data, "rd_depreciation_tax_yuan", to_decimal)
        kwargs["prefiling_period"] = pick(data, "prefiling_period", _period)
        kwargs["filer"] = pick(data, "filer", _filer, "quarterly")
        for name, kind in (("projects", ProjectExpenses),
                           ("capitalised_projects", CapitalisedProject),
                           ("intangible_assets", IntangibleAsset)):
            raw = data.get(name) or ()
            if not isinstance(raw, list | tuple) or not all(isinstance(x, Mapping) for x in raw):
                raise PolicyInputError(name, "应为对象列表")
            kwargs[name] = tuple(kind.from_dict(p, i) for i, p in enumerate(raw))
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


@dataclass(slots=True)
class CapitalisedShare:
    """A capitalised project's 其他相关费用 after the shared cap (四步法, step 4)."""

    name: str
    finished: bool
    sum_1_5_yuan: Decimal
    other_actual_yuan: Decimal
    other_allowed_yuan: Decimal | None  # None: unfinished, decided in its final year
    eligible_yuan: Decimal | None  # 1–5 + allowed other: amortised later as intangible cost
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "finished": self.finished,
                "sum_1_5_yuan": str(self.sum_1_5_yuan),
                "other_actual_yuan": str(self.other_actual_yuan),
                "other_allowed_yuan": None if self.other_allowed_yuan is None
                else str(self.other_allowed_yuan),
                "eligible_yuan": None if self.eligible_yuan is None else str(self.eligible_yuan),
                "message": self.message}


@dataclass(slots=True)
class AmortisationYear:
    """One tax year of an intangible's amortisation: ``amount_yuan`` deducted in all, of which
    ``extra_yuan`` is the 加计 part (cumulative rounding: the years add up to the base)."""

    year: int
    months: int
    amount_yuan: Decimal
    extra_yuan: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "months": self.months, "amount_yuan": str(self.amount_yuan),
                "extra_yuan": str(self.extra_yuan)}


@dataclass
class IntangibleResult(ResultBase):
    """An intangible asset's tax base, minimum-period check and amortisation schedule."""

    name: str
    cost_yuan: Decimal
    eligible_cost_yuan: Decimal
    formed_year: int
    rate: Decimal
    rate_basis: str
    multiplier: Decimal  # 1 + rate on the eligible cost (2 → 200 %)
    tax_base_yuan: Decimal
    extra_yuan: Decimal
    amortisation_years: int
    years_used: int
    period_check: Condition
    schedule: list[AmortisationYear]
    monthly_yuan_exact: Fraction
    message: str


@dataclass
class Prefiling(ResultBase):
    """When the expenses of a period may be claimed (国家税务总局 财政部公告2023年第11号)."""

    period: str
    period_label: str
    months: int
    filer: str
    filer_label: str
    declaration: str
    declaration_month: int | None
    tax_period: str
    if_not_chosen: str
    document: str
    message: str


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
    other_cap_exact: Fraction | None = None  # 限额 before rounding to the fen
    overseas_cap_exact: Fraction | None = None
    other_allowed_ratio_exact: Fraction | None = None  # 可加计扣除比例 (with capitalised projects)
    capitalised: list[CapitalisedShare] = field(default_factory=list)
    intangibles: list[IntangibleResult] = field(default_factory=list)
    prefiling: Prefiling | None = None

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
                         f"负面清单行业业务收入占比 {pct(share)}，" + _verdict(excluded),
                         exact=Fraction(share))
    base = inp.figures.total_income_yuan - inp.investment_income_yuan
    if inp.negative_list_income_yuan is not None and base > 0:
        neg = inp.negative_list_income_yuan
        excluded = neg * 2 > base
        return Condition("c_negative_list", label, not excluded, (neg / base).quantize(
            Decimal("0.000001"), "ROUND_DOWN"), Decimal("0.5"),
            f"负面清单行业业务收入 {yuan(neg)} ÷（收入总额 − 不征税收入 − 投资收益）{yuan(base)} = "
            f"{pct(neg, base)}，" + _verdict(excluded), exact=Fraction(neg) / Fraction(base))
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


def _other_cap(sum_1_5: Decimal, rules: DeductionRules) -> Fraction:
    return Fraction(sum_1_5) * rules.other_cap_ratio / (1 - rules.other_cap_ratio)


def _capitalised(inp: RdDeductionInput, rules: DeductionRules, sum_1_5: Decimal,
                 other_actual: Decimal) -> tuple[Decimal, Decimal, Fraction, Decimal,
                                                 Fraction | None, list[CapitalisedShare], str]:
    """The 其他相关费用 cap shared with capitalised projects (执行指引2.0 四(二)4, from 2021):
    (1) one cap over the expensed projects and the capitalised ones finished this year,
    (2) allowed = min(cap, actual), (3) ratio = allowed ÷ actual, (4) each part × ratio.

    Returns (expensed other allowed, cap, cap exact, total allowed, ratio, shares, note).
    Before 2021 each capitalised project has its own cap (per-project rule).
    """
    finished = [p for p in inp.capitalised_projects if p.finished]
    shares: list[CapitalisedShare] = []
    cap_sum = sum_1_5 + sum((round_fen(p.sum_1_5) for p in finished), ZERO)
    cap_other = other_actual + sum((round_fen(p.rd_other_yuan) for p in finished), ZERO)
    cap_exact = _other_cap(cap_sum, rules)
    cap = round_fen_exact(cap_exact)
    total_allowed = min(cap_other, cap)
    ratio = Fraction(total_allowed) / Fraction(cap_other) if cap_other else None
    expensed_allowed = (round_fen_exact(Fraction(other_actual) * ratio) if ratio is not None
                        else round_fen(ZERO))
    for p in inp.capitalised_projects:
        s15, other = round_fen(p.sum_1_5), round_fen(p.rd_other_yuan)
        if not p.finished:
            shares.append(CapitalisedShare(
                p.name, False, s15, other, None, None,
                f"{p.name}：资本化项目未结束，其他相关费用在项目结束当年与全部项目统一计算限额"))
            continue
        if rules.other_cap_scope == "project":
            own_cap = round_fen_exact(_other_cap(s15, rules))
            allowed = min(other, own_cap)
            how = f"按项目计算限额 {yuan(own_cap)}（2021 年以前）"
        else:
            allowed = (round_fen_exact(Fraction(other) * ratio) if ratio is not None
                       else round_fen(ZERO))
            how = (f"× 可加计扣除比例 {pct(ratio)}" if ratio is not None else "无其他相关费用")
        shares.append(CapitalisedShare(
            p.name, True, s15, other, allowed, s15 + allowed,
            f"{p.name}：其他相关费用 {yuan(other)} {how} = {yuan(allowed)}；"
            f"可加计扣除的研发支出 {yuan(s15 + allowed)}（第一至五类 {yuan(s15)} + 其他相关费用），"
            "形成无形资产后按规定比例在以后年度摊销"))
    note = ("费用化项目与当年已结束的资本化项目统一计算限额（执行指引2.0 四(二)4；"
            "国家税务总局公告2021年第28号）")
    return expensed_allowed, cap, cap_exact, total_allowed, ratio, shares, note


def _prefiling(inp: RdDeductionInput, rules: DeductionRules,
               year: int) -> tuple[Prefiling | None, list[Condition]]:
    """2023年第11号: 7 月 (上半年) and 10 月 (前三季度) 预缴申报, or 年度汇算清缴."""
    period = inp.prefiling_period
    if period is None:
        return None, []
    period = _period(period, "prefiling_period")
    filer = _filer(inp.filer, "filer")
    quarterly = filer == "quarterly"
    doc = rules.prefiling_doc or "年度汇算清缴"
    if period == "H1":
        months, month = 6, 7
        tax_period = f"{year} 年第 2 季度" if quarterly else f"{year} 年 6 月"
        not_chosen = "上半年未选择享受的，可在 10 月份预缴申报或年度汇算清缴时享受"
    elif period == "Q1-Q3":
        months, month = 9, 10
        tax_period = f"{year} 年第 3 季度" if quarterly else f"{year} 年 9 月"
        not_chosen = "前三季度未选择享受的，可在年度汇算清缴时享受"
    else:
        months, month, tax_period, not_chosen = 12, None, f"{year} 年度", ""
    declaration = (f"{year} 年 {month} 月份预缴申报（{'按季' if quarterly else '按月'}："
                   f"{tax_period}）" if month else f"{year} 年度企业所得税汇算清缴")
    allowed = period in rules.prefiling_periods
    conditions = [Condition(
        "c_prefiling_period", "可在该期间享受加计扣除", allowed, period,
        list(rules.prefiling_periods),
        f"{PREFILING_LABELS[period]}的研发费用可在{declaration}时享受（{doc}）" if allowed
        else (f"{year} 年适用的规则（{rules.version}）只能在年度汇算清缴时享受；"
              f"上半年 / 前三季度预缴享受自 2023 年起（国家税务总局 财政部公告2023年第11号），"
              "请按全年（FY）计算"))]
    if month is not None:
        conditions.append(Condition(
            "c_prefiling_accounting", "能准确归集核算研发费用（预缴享受的前提）",
            inp.accurate_accounting, "是" if inp.accurate_accounting else "否", "是",
            "企业声明能准确归集核算研发费用" if inp.accurate_accounting
            else "不能准确归集核算研发费用的，预缴时不得享受，可在年度汇算清缴时享受"))
    filer_label = "按季预缴" if quarterly else "按月预缴"
    msg = (f"{PREFILING_LABELS[period]}（1–{months} 月）发生的研发费用，{filer_label}企业在"
           f"{declaration}时享受" + (f"；{not_chosen}" if not_chosen else "")
           + ("；年度汇算清缴时按全年研发费用重新计算，预缴享受的金额以汇算清缴为准"
              if month else ""))
    return Prefiling(period, PREFILING_LABELS[period], months, filer, filer_label, declaration,
                     month, tax_period, not_chosen, doc, msg), conditions


def _intangible(inp: RdDeductionInput, asset: IntangibleAsset, year: int,
                eligible: bool) -> IntangibleResult:
    """Tax base = cost + eligible cost × rate of the year formed; straight line over at least
    the minimum period, monthly from the month it is available [U], rounded cumulatively."""
    formed = asset.formed_year or year
    rules = select(RULE, formed)
    rate, basis, _note = _rate(dataclasses.replace(inp, q4_2022_share=None), rules, formed)
    if not eligible:
        rate, basis = ZERO, "不符合加计扣除条件，按成本摊销"
    cost = round_fen(asset.cost_yuan)
    elig = round_fen(asset.eligible_cost_yuan if asset.eligible_cost_yuan is not None else cost)
    if cost < 0 or elig < 0 or elig > cost:
        raise PolicyInputError("intangible_assets.eligible_cost_yuan",
                               f"{asset.name}：可加计扣除部分应在 0 与成本 {yuan(cost)} 之间")
    if asset.amortisation_years <= 0:
        raise PolicyInputError("intangible_assets.amortisation_years",
                               f"{asset.name}：摊销年限应为正整数")
    extra = round_fen(elig * rate)
    base = cost + extra
    minimum = asset.legal_years if asset.legal_years is not None else rules.min_amortisation_years
    given = asset.amortisation_years
    ok = given >= minimum
    basis_min = (f"法律规定或合同约定的使用年限 {minimum} 年" if asset.legal_years is not None
                 else f"不得低于 {minimum} 年（企业所得税法实施条例第六十七条）")
    check = Condition(
        "c_amortisation_period", "无形资产摊销年限不低于最低年限", ok, given, minimum,
        f"{asset.name}：摊销年限 {given} 年，{basis_min}" + (
            "" if ok else f"，短 {minimum - given} 年；改为不少于 {minimum} 年即可，"
            f"下表按 {minimum} 年计算"))
    years_used = given if ok else minimum
    start = asset.available_from or dt.date(formed, 1, 1)
    total_months = years_used * 12
    monthly = Fraction(base) / total_months
    schedule: list[AmortisationYear] = []
    done = 0
    prev_amount = prev_extra = ZERO
    y = start.year
    first = 13 - start.month
    while done < total_months:
        months = min(first if y == start.year else 12, total_months - done)
        done += months
        cum = round_fen_exact(Fraction(base) * done / total_months)
        cum_extra = round_fen_exact(Fraction(extra) * done / total_months)
        schedule.append(AmortisationYear(y, months, cum - prev_amount, cum_extra - prev_extra))
        prev_amount, prev_extra = cum, cum_extra
        y += 1
    msg = (f"{asset.name}：成本 {yuan(cost)}，其中可加计扣除 {yuan(elig)} "
           f"按 {pct(ONE + rate)} 摊销，"
           f"计税基础 {yuan(base)}（加计 {yuan(extra)}）；{start.isoformat()} 起按 {years_used} 年"
           f"直线摊销，每月 {yuan(round_fen_exact(monthly))}")
    return IntangibleResult(asset.name, cost, elig, formed, rate, basis, ONE + rate, base, extra,
                            given, years_used, check, schedule, monthly, msg)


def compute_rd_deduction(inp: RdDeductionInput, *,
                         rules: DeductionRules | None = None) -> RdDeductionResult:
    """The super-deduction for one tax year (or pre-filing period): eligible base, extra
    deduction, tax saved, capitalised shares, intangible schedules."""
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
    prefiling, prefiling_conditions = _prefiling(inp, rules, year)
    conditions.extend(prefiling_conditions)

    # categories 1–5 and 其他相关费用 with its cap (every line to the fen, like the form)
    if inp.projects:
        if inp.rd_depreciation_tax_yuan is not None:
            raise PolicyInputError("rd_depreciation_tax_yuan",
                                   "已提供分项目明细：请在各项目中填写 rd_depreciation_tax_yuan")
        sum_1_5 = sum((p.sum_1_5 for p in inp.projects), ZERO)
        other_actual = sum((p.rd_other_yuan for p in inp.projects), ZERO)
        book_1_5 = sum((sum((getattr(p, c) for c in CATEGORY_FIELDS), ZERO)
                        for p in inp.projects), ZERO)
        if (book_1_5 != f.rd_categories_1_5_yuan or other_actual != f.rd_other_yuan) and (
                f.rd_categories_1_5_yuan or f.rd_other_yuan):
            notes.append("分项目明细合计与年报费用明细不一致，按分项目明细计算")
        cats = {c: sum((p.category(c) for p in inp.projects), ZERO) for c in CATEGORY_FIELDS}
        book_dep = sum((p.rd_depreciation_yuan for p in inp.projects), ZERO)
        tax_dep_given = any(p.rd_depreciation_tax_yuan is not None for p in inp.projects)
    else:
        cats = {c: getattr(f, c) for c in CATEGORY_FIELDS}
        raw_cats = dict(cats)
        book_dep = f.rd_depreciation_yuan
        tax_dep_given = inp.rd_depreciation_tax_yuan is not None
        if tax_dep_given:
            cats["rd_depreciation_yuan"] = raw_cats["rd_depreciation_yuan"] = \
                inp.rd_depreciation_tax_yuan
        sum_1_5 = sum(cats.values(), ZERO)
        other_actual = f.rd_other_yuan
    cats = {c: round_fen(v) for c, v in cats.items()}
    sum_1_5, other_actual = round_fen(sum_1_5), round_fen(other_actual)
    ratio: Fraction | None = None
    shares: list[CapitalisedShare] = []
    if inp.capitalised_projects and rules.other_cap_scope == "total":
        (other_allowed, other_cap, other_cap_exact, _total_allowed, ratio, shares,
         cap_note) = _capitalised(inp, rules, sum_1_5, other_actual)
    elif rules.other_cap_scope == "total":
        other_cap_exact = _other_cap(sum_1_5, rules)
        other_cap = round_fen_exact(other_cap_exact)
        other_allowed = min(other_actual, other_cap)
        cap_note = "全部研发项目统一计算（国家税务总局公告2021年第28号）"
    else:
        projects = inp.projects or (ProjectExpenses(
            "全部", **raw_cats, rd_other_yuan=f.rd_other_yuan),)
        exacts = [_other_cap(p.sum_1_5, rules) for p in projects]
        caps = [round_fen_exact(x) for x in exacts]
        other_cap_exact = sum(exacts, Fraction(0))
        other_cap = sum(caps, ZERO)
        other_allowed = sum((min(round_fen(p.rd_other_yuan), c)
                             for p, c in zip(projects, caps, strict=True)), ZERO)
        cap_note = "按项目分别计算（2021 年以前）"
        if not inp.projects:
            notes.append("2021 年以前其他相关费用限额按项目分别计算；未提供分项目明细，"
                         "按单一项目计算，结果可能偏高")
        if inp.capitalised_projects:
            shares = _capitalised(inp, rules, sum_1_5, other_actual)[5]

    entrusted_dom = round_fen(f.rd_entrusted_domestic_yuan * rules.entrusted_ratio)
    other_allowed = round_fen(other_allowed)
    # [U] "境内符合条件的研发费用" = categories 1–5 + capped 其他 + 80% of domestic entrusted, as in
    # the public calculator cited by policy-rules.md §c; the guide does not spell it out.
    domestic_gross = sum_1_5 + other_allowed + entrusted_dom
    subsidy = round_fen(inp.government_subsidy_yuan)
    if subsidy < 0:
        raise PolicyInputError("government_subsidy_yuan", "财政性资金不能为负数")
    subsidy_netted = ZERO if inp.subsidy_taxable else subsidy
    domestic_base = max(ZERO, domestic_gross - subsidy_netted)

    if inp.entrusted_overseas_individuals_yuan > f.rd_entrusted_overseas_yuan:
        raise PolicyInputError("entrusted_overseas_individuals_yuan",
                               "委托境外个人的费用不能大于委托境外研发费用")
    overseas_paid = f.rd_entrusted_overseas_yuan - inp.entrusted_overseas_individuals_yuan
    overseas_80 = round_fen(overseas_paid * rules.entrusted_ratio)
    overseas_cap_exact = Fraction(domestic_base) * rules.overseas_cap
    overseas_cap = round_fen_exact(overseas_cap_exact)
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
        else (f"归集的研发费用 {yuan(domestic_gross)} 冲减财政性资金 "
              f"{yuan(subsidy_netted)} 后为零，无可加计扣除的金额")
        if subsidy_netted and domestic_gross
        else "未归集六类研发费用或委托研发费用（研发费用总额不能代替分类明细）"))
    eligible = all(c.passed for c in conditions)
    extra = round_fen(base * rate) if eligible else round_fen(ZERO)
    tax_rate = (inp.tax_rate if inp.tax_rate is not None
                else Decimal("0.15") if inp.is_high_tech else Decimal("0.25"))
    if not ZERO <= tax_rate <= ONE:
        raise PolicyInputError("tax_rate", "税率应在 0–1 之间（如 0.25）")
    saved = round_fen(extra * tax_rate)
    intangible = round_fen(inp.intangible_cost_yuan * rate if eligible else ZERO)

    dep_note = ""
    if tax_dep_given:
        dep_note = (f"会计折旧 {yuan(book_dep)}，税前扣除折旧 "
                    f"{yuan(cats['rd_depreciation_yuan'])}，按税前扣除的折旧计算加计扣除"
                    "（国家税务总局公告2017年第40号）")
    lines = [
        Line("personnel", "一、人员人工费用", cats["rd_personnel_yuan"]),
        Line("direct_input", "二、直接投入费用", cats["rd_direct_input_yuan"]),
        Line("depreciation", "三、折旧费用", cats["rd_depreciation_yuan"], dep_note),
        Line("amortization", "四、无形资产摊销", cats["rd_amortization_yuan"]),
        Line("design", "五、新产品设计费等", cats["rd_design_yuan"]),
        Line("sum_1_5", "第一至五类合计", sum_1_5),
        Line("other_actual", "六、其他相关费用（实际发生）", other_actual),
        Line("other_cap", "其他相关费用限额 = 第一至五类合计 × 10% ÷（1 − 10%）", other_cap,
             cap_note),
        Line("other_allowed", "经限额调整后的其他相关费用", other_allowed,
             "" if ratio is None else f"费用化项目实际发生额 × 可加计扣除比例 {pct(ratio)}"),
        Line("entrusted_domestic", "委托境内研发费用 × 80%", entrusted_dom,
             f"实际支付 {yuan(f.rd_entrusted_domestic_yuan)}"),
    ]
    if subsidy:
        lines.append(Line(
            "government_subsidy", "减：会计上直接冲减研发费用的财政性资金", subsidy_netted,
            f"取得 {yuan(subsidy)}；" + (
                "税务上已确认为应税收入并相应调增研发费用，按冲减前金额计算"
                if inp.subsidy_taxable else
                "会计净额法且税务上未确认为应税收入，按冲减后的余额计算加计扣除"
                "（国家税务总局公告2017年第40号）")))
    lines += [
        Line("domestic_base", "境内符合条件的研发费用", domestic_base,
             "第一至五类 + 其他相关费用（限额后）+ 委托境内 × 80% [U] 口径"
             + ("，减冲减研发费用的财政性资金" if subsidy_netted else "")),
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
    if shares:
        finished = [sh for sh in shares if sh.finished]
        lines.append(Line("capitalised_other_allowed",
                          "已结束资本化项目可加计扣除的其他相关费用（随无形资产摊销）",
                          sum((sh.other_allowed_yuan or ZERO for sh in finished), ZERO),
                          "；".join(sh.message for sh in shares)))
    intangibles = [_intangible(inp, a, year, eligible) for a in inp.intangible_assets]

    reasons: list[str] = []
    period_text = f"{year} 年" + (f"{prefiling.period_label}" if prefiling and
                                  prefiling.period != "FY" else "")
    if eligible:
        reasons.append(f"{period_text}允许加计扣除的研发费用 {yuan(base)}，按 {pct(rate)} 加计扣除 "
                       f"{yuan(extra)}，按税率 {pct(tax_rate)} 约少缴企业所得税 {yuan(saved)}")
    else:
        reasons.extend(f"{c.label}：{c.message}" for c in conditions if not c.passed)
    if not f.has_rd_activity and has_expense:
        notes.append("年报未勾选“有研发活动”，请核实")
    notes.append("每行金额按分四舍五入，后续行使用四舍五入后的金额")
    notes.append("制造业企业默认按行业代码门类 C 判断（官方按主营业务收入占比判断 [U]）")
    if subsidy:
        notes.append("财政性资金在其他相关费用限额之后、委托境外限额之前从境内符合条件的研发费用中冲减"
                     "（冲减位置为平台解释 [U]；执行指引2.0 仅规定按冲减后的余额计算）")
    if shares and ratio is not None:
        notes.append("资本化项目的其他相关费用按可加计扣除比例分摊：各项目按分四舍五入，"
                     "合计可能与限额相差 1 分")
    if intangibles:
        notes.append("无形资产自可供使用当月起按月直线摊销（起始月份为平台约定 [U]）；"
                     "各年金额按累计数四舍五入到分，合计等于计税基础")
    if prefiling is not None:
        notes.append("预缴享受：输入的研发费用应为该期间（自 1 月起累计）实际发生的金额；"
                     + prefiling.message)

    return RdDeductionResult(
        rule=RULE, rule_version=rules.version, document=rules.document, year=year,
        eligible=eligible, conditions=conditions, lines=lines, rate=rate, rate_basis=basis,
        eligible_base_yuan=round_fen(base), extra_deduction_yuan=extra, tax_rate=tax_rate,
        tax_saved_yuan=saved, intangible_extra_amortization_yuan=intangible,
        material_carry_forward_yuan=round_fen(carry), reasons=reasons, notes=notes,
        other_cap_exact=other_cap_exact, overseas_cap_exact=overseas_cap_exact,
        other_allowed_ratio_exact=ratio, capitalised=shares, intangibles=intangibles,
        prefiling=prefiling)
