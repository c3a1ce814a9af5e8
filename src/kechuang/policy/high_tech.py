"""高新技术企业认定 (HNTE recognition), 国科发火〔2016〕32号 + 195号 — policy-rules.md §b.

``evaluate_high_tech(HighTechInput) -> HighTechResult`` checks the eight conditions of
第十一条 over the fiscal years before the application year and scores the innovation
capability (满分 100, pass ``> 70``). Items that experts judge within a band cannot be computed:
unless given, each is reported as its (min, max) and the result says likely / possible /
unlikely. For a result that is not "likely", ``gaps`` gives the smallest change per lever.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.policy.amounts import (
    HUNDRED,
    ZERO,
    ceil_fen,
    ceil_int,
    near_miss,
    pct,
    pct_of,
    round_fen,
    to_decimal_ratio,
    yuan,
)
from kechuang.policy.inputs import (
    ANNUAL_FIELDS,
    FIELD_LABELS,
    AnnualFigures,
    PolicyInputError,
    pick,
    to_bool,
    to_date,
    to_decimal,
)
from kechuang.policy.registry import register, select
from kechuang.policy.results import (
    DISCLAIMER,
    Combination,
    Condition,
    Gap,
    ResultBase,
    Score,
    exact_ratio,
    terminating_decimal,
)

RULE = "high_tech"

TECH_FIELDS = ("电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能",
               "资源与环境", "先进制造与自动化")


# -- rule sets -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PointBand:
    """A scoring band: experts give ``lo``–``hi`` points (inclusive)."""

    letter: str
    label: str
    lo: int
    hi: int


@dataclass(frozen=True)
class HighTechRules:
    """Thresholds and score tables of one version of the HNTE rules."""

    version: str
    document: str
    valid_from: int
    valid_to: int | None
    min_registration_days: int
    st_staff_min_pct: Decimal
    rd_tiers: tuple[tuple[Decimal | None, Decimal], ...]  # (latest revenue ≤ limit, min %)
    rd_window_years: int
    domestic_min_pct: Decimal
    high_tech_revenue_min_pct: Decimal
    pass_score: Decimal  # strict: total > pass_score
    ip_max: int
    expert_bands: tuple[PointBand, ...]  # 技术先进程度 / 核心支持作用 (A–E)
    ip_count_bands: tuple[PointBand, ...]  # A ≥1 Ⅰ类, B ≥5 Ⅱ类, C 3–4, D 1–2, E 0
    ip_acquisition_bands: tuple[PointBand, ...]  # A 有自主研发 1–6, B 仅受让等 1–3
    ip_bonus_bands: tuple[PointBand, ...]  # A 是 1–2, B 否 0
    conversion_bands: tuple[tuple[int, PointBand], ...]  # (年平均 ≥ n 项, band), highest first
    rd_mgmt_items: tuple[tuple[str, str, int], ...]  # (code, label, max)
    growth_bands: tuple[tuple[Decimal, PointBand], ...]  # (rate ≥ %, band); then >0 E, ≤0 F
    growth_positive_band: PointBand
    certificate_years: int
    tax_rate: Decimal
    standard_tax_rate: Decimal
    # 条件八: "申请认定前一年内" = 申请前 365 天之内 (195号 三(一)); 之内 includes the 365th day
    incident_window_days: int = 365
    # 195号 三(六) R&D scope: 委托外部研究开发费用按实际发生额的 80% 计入; 其他费用一般不得超过
    # 研究开发总费用的 20%
    rd_entrusted_pct: Decimal = Decimal(80)
    rd_other_cap_pct: Decimal = Decimal(20)


def _pb(letter: str, label: str, lo: int, hi: int) -> PointBand:
    return PointBand(letter, label, lo, hi)


HIGH_TECH_2016 = register(RULE, HighTechRules(
    version="high_tech/2016-32",
    document="国科发火〔2016〕32号《高新技术企业认定管理办法》、国科发火〔2016〕195号《工作指引》",
    valid_from=2016,  # 自 2016-01-01 起实施 (第二十三条)
    valid_to=None,
    min_registration_days=365,
    st_staff_min_pct=Decimal(10),
    rd_tiers=((Decimal(50_000_000), Decimal(5)), (Decimal(200_000_000), Decimal(4)),
              (None, Decimal(3))),
    rd_window_years=3,
    domestic_min_pct=Decimal(60),
    high_tech_revenue_min_pct=Decimal(60),
    pass_score=Decimal(70),
    ip_max=30,
    expert_bands=(_pb("A", "高/强", 7, 8), _pb("B", "较高/较强", 5, 6), _pb("C", "一般", 3, 4),
                  _pb("D", "较低/较弱", 1, 2), _pb("E", "无", 0, 0)),
    ip_count_bands=(_pb("A", "1 项及以上Ⅰ类", 7, 8), _pb("B", "5 项及以上Ⅱ类", 5, 6),
                    _pb("C", "3–4 项Ⅱ类", 3, 4), _pb("D", "1–2 项Ⅱ类", 1, 2),
                    _pb("E", "0 项", 0, 0)),
    ip_acquisition_bands=(_pb("A", "有自主研发", 1, 6), _pb("B", "仅有受让、受赠和并购等", 1, 3)),
    ip_bonus_bands=(_pb("A", "是", 1, 2), _pb("B", "否", 0, 0)),
    conversion_bands=((5, _pb("A", "年均 5 项及以上", 25, 30)),
                      (4, _pb("B", "年均 4 项及以上", 19, 24)),
                      (3, _pb("C", "年均 3 项及以上", 13, 18)),
                      (2, _pb("D", "年均 2 项及以上", 7, 12)),
                      (1, _pb("E", "年均 1 项及以上", 1, 6))),
    rd_mgmt_items=(
        ("rd_mgmt_system", "研发组织管理制度、研发投入核算体系、研发费用辅助账", 6),
        ("rd_mgmt_institution", "内部研究开发机构及科研条件、产学研合作", 6),
        ("rd_mgmt_incentive", "成果转化组织实施与激励奖励制度、开放式创新创业平台", 4),
        ("rd_mgmt_talent", "科技人员培养进修、职工技能培训、人才引进及绩效评价奖励制度", 4),
    ),
    growth_bands=((Decimal(35), _pb("A", "≥35%", 9, 10)), (Decimal(25), _pb("B", "≥25%", 7, 8)),
                  (Decimal(15), _pb("C", "≥15%", 5, 6)), (Decimal(5), _pb("D", "≥5%", 3, 4))),
    growth_positive_band=_pb("E", ">0", 1, 2),
    certificate_years=3,
    tax_rate=Decimal("0.15"),
    standard_tax_rate=Decimal("0.25"),
))

_F_ZERO = PointBand("F", "0", 0, 0)

EXPERT_ITEMS: dict[str, str] = {
    "ip_advancement": "技术的先进程度",
    "ip_core_support": "对主要产品（服务）在技术上发挥核心支持作用",
    "ip_count": "知识产权数量",
    "ip_acquisition": "知识产权获得方式",
    "ip_standards_bonus": "参与编制标准（加分项）",
    "conversion": "科技成果转化能力",
    "rd_mgmt_system": "研发组织管理制度、研发投入核算体系、研发费用辅助账",
    "rd_mgmt_institution": "内部研究开发机构及科研条件、产学研合作",
    "rd_mgmt_incentive": "成果转化组织实施与激励奖励制度、开放式创新创业平台",
    "rd_mgmt_talent": "科技人员培养进修、职工技能培训、人才引进及绩效评价奖励制度",
    "growth_net_assets": "净资产增长率",
    "growth_revenue": "销售收入增长率",
}


# -- input -----------------------------------------------------------------------------------

_FLAGS = ("core_ip_owned", "in_supported_field", "no_major_incident")

# item totals experts may give instead of (or over) the sub-items
ITEM_TOTALS: dict[str, tuple[str, int]] = {
    "ip": ("知识产权", 30), "rd_mgmt": ("研究开发组织管理水平", 20),
    "growth": ("企业成长性", 20)}  # 科技成果转化能力 has one sub-item: "conversion" itself

INCIDENT_KINDS = {"safety": "重大安全事故", "quality": "重大质量事故",
                  "environment": "严重环境违法行为"}
_INCIDENT_ALIASES = {"安全": "safety", "重大安全事故": "safety", "质量": "quality",
                     "重大质量事故": "quality", "环境": "environment", "环保": "environment",
                     "严重环境违法行为": "environment", "环境违法": "environment"}


@dataclass(frozen=True, slots=True)
class Incident:
    """A major incident (重大安全、重大质量事故或严重环境违法行为) and the day it happened."""

    date: dt.date
    kind: str  # INCIDENT_KINDS
    description: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "incidents") -> Incident:
        raw = str(data.get("kind") or "").strip()
        kind = raw.lower() if raw.lower() in INCIDENT_KINDS else _INCIDENT_ALIASES.get(raw, "")
        if not kind:
            raise PolicyInputError(f"{where}.kind", f"类别“{raw}”无效，可选：" + "、".join(
                f"{k}（{v}）" for k, v in INCIDENT_KINDS.items()))
        date = pick(data, "date", to_date)
        if date is None:
            raise PolicyInputError(f"{where}.date", "缺少发生日期")
        return cls(date, kind, str(data.get("description") or ""))


def _month_pairs(value: Any, field_name: str) -> tuple[Decimal, ...]:
    """Monthly figures → the monthly averages: [月初数, 月末数] pairs, {"start", "end"}, or
    a month's average itself (a number). 1–12 months (年度中间开业或终止经营: actual months).
    A spreadsheet cell gives them as text: "100/101; 101/103; …" or "100.5, 102, …"."""
    if isinstance(value, str):
        value = [[*tok.split("/")] if "/" in tok else tok for tok in _split_list(value)]
    if not isinstance(value, list | tuple) or not 1 <= len(value) <= 12:
        raise PolicyInputError(field_name, "应为 1–12 个月的列表：每月 [月初数, 月末数] 或月平均数")
    out = []
    for i, m in enumerate(value):
        where = f"{field_name}[{i + 1}]"
        if isinstance(m, Mapping):
            m = [m.get("start"), m.get("end")]
        if isinstance(m, list | tuple):
            if len(m) != 2:
                raise PolicyInputError(where, "每月应为 [月初数, 月末数]")
            a, b = (to_decimal(x, where) for x in m)
            out.append((a + b) / 2)  # 月平均数 = (月初数 + 月末数) ÷ 2, exact (halves)
        else:
            out.append(to_decimal(m, where))
    return tuple(out)


def _split_list(text: str) -> list[str]:
    """'72, 70；69' → ['72', '70', '69'] (a list typed into one spreadsheet cell)."""
    for sep in ";；，、":
        text = text.replace(sep, ",")
    return [t for t in (x.strip() for x in text.replace(" ", ",").split(",")) if t]


@dataclass(frozen=True, slots=True)
class Headcount:
    """One year's 全年月平均数 inputs (195号 三(四)): monthly averages or the yearly average.

    ``*_months`` are the monthly averages ((月初 + 月末) ÷ 2, one per month of operation);
    ``*_avg`` a yearly average given directly (fractional allowed). Empty/None: not given.
    """

    employees_months: tuple[Decimal, ...] = ()
    st_staff_months: tuple[Decimal, ...] = ()
    employees_avg: Decimal | None = None
    st_staff_avg: Decimal | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Headcount | None:
        kw: dict[str, Any] = {}
        for name in ("employees", "st_staff"):
            if row.get(f"{name}_monthly") not in (None, "", []):
                kw[f"{name}_months"] = _month_pairs(row[f"{name}_monthly"], f"{name}_monthly")
            avg = pick(row, f"{name}_avg", to_decimal)
            if avg is not None:
                kw[f"{name}_avg"] = avg
        if not kw:
            return None
        e, t = kw.get("employees_months", ()), kw.get("st_staff_months", ())
        if e and t and len(e) != len(t):
            raise PolicyInputError("st_staff_monthly", f"月份数（{len(t)}）应与职工总数的月份数"
                                   f"（{len(e)}）相同")
        return cls(**kw)

    def average(self, name: str) -> tuple[Fraction | None, str]:
        """(全年月平均数, source) for 'employees' or 'st_staff'; None when not given."""
        avg = getattr(self, f"{name}_avg")
        if avg is not None:
            return Fraction(avg), "average"
        months = getattr(self, f"{name}_months")
        if months:
            return sum((Fraction(m) for m in months), Fraction(0)) / len(months), "monthly"
        return None, "year_end"


@dataclass(frozen=True, slots=True)
class RdCosts:
    """One year's R&D costs in the HNTE scope (195号 三(六)2), amounts actually incurred."""

    personnel_yuan: Decimal = ZERO  # 人员人工费用
    direct_input_yuan: Decimal = ZERO  # 直接投入费用
    depreciation_yuan: Decimal = ZERO  # 折旧费用与长期待摊费用
    amortization_yuan: Decimal = ZERO  # 无形资产摊销费用
    design_yuan: Decimal = ZERO  # 设计费用
    tests_yuan: Decimal = ZERO  # 装备调试费用与试验费用
    entrusted_domestic_yuan: Decimal = ZERO  # 委托境内机构或个人（实际发生额）
    entrusted_overseas_yuan: Decimal = ZERO  # 委托境外机构或个人（实际发生额）
    other_yuan: Decimal = ZERO  # 其他费用

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "rd_costs") -> RdCosts:
        unknown = sorted(set(data) - set(RD_COST_LABELS))
        if unknown:
            raise PolicyInputError(f"{where}.{unknown[0]}", "未知的研发费用类别，可用："
                                   + "、".join(RD_COST_LABELS))
        return cls(**{k: to_decimal(v, f"{where}.{k}") for k, v in data.items()
                      if v not in (None, "")})


RD_COST_LABELS = {
    "personnel_yuan": "人员人工费用", "direct_input_yuan": "直接投入费用",
    "depreciation_yuan": "折旧费用与长期待摊费用", "amortization_yuan": "无形资产摊销费用",
    "design_yuan": "设计费用", "tests_yuan": "装备调试费用与试验费用",
    "entrusted_domestic_yuan": "委托境内研究开发费用",
    "entrusted_overseas_yuan": "委托境外研究开发费用",
    "other_yuan": "其他费用"}
_INTERNAL = ("personnel_yuan", "direct_input_yuan", "depreciation_yuan", "amortization_yuan",
             "design_yuan", "tests_yuan")


def _dec(f: Fraction) -> Decimal:
    """An exact Decimal when the fraction terminates, else truncated to 6 places."""
    d = terminating_decimal(f)
    return d if d is not None else to_decimal_ratio(f, 6)


@dataclass
class RdScope:
    """研发费用 of one year in the HNTE scope, every intermediate figure shown.

    internal = the six internal categories; entrusted counted at 80 %; other capped so that it
    is at most 20 % of the total: cap = (internal + entrusted counted) × 20 ÷ 80.
    """

    year: int
    internal_yuan: Decimal  # 六类内部费用合计（不含其他费用）
    entrusted_domestic_paid_yuan: Decimal
    entrusted_domestic_counted_yuan: Decimal  # × 80%
    entrusted_overseas_paid_yuan: Decimal
    entrusted_overseas_counted_yuan: Decimal  # × 80%
    other_claimed_yuan: Decimal
    other_cap_yuan: Decimal
    other_allowed_yuan: Decimal
    other_excess_yuan: Decimal
    total_yuan: Decimal  # 研究开发费用总额（高企口径）
    domestic_yuan: Decimal  # 境内研究开发费用 = 内部 + 委托境内
    overseas_yuan: Decimal
    domestic_share: Decimal | None
    domestic_share_exact: Fraction | None
    reported_total_yuan: Decimal | None  # 年报“研发费用总额”（被本口径替代时）
    message: str

    def to_dict(self) -> dict[str, Any]:
        return ResultBase.to_dict(self)  # type: ignore[arg-type]


def rd_scope(rules: HighTechRules, year: int, c: RdCosts,
             reported_total: Decimal | None = None) -> RdScope:
    """195号 三(六): the R&D total and the domestic part of one year from the categories."""
    internal = sum((getattr(c, k) for k in _INTERNAL), ZERO)
    share = Fraction(rules.rd_entrusted_pct) / 100
    ent_dom = Fraction(c.entrusted_domestic_yuan) * share
    ent_ovs = Fraction(c.entrusted_overseas_yuan) * share
    base = Fraction(internal) + ent_dom + ent_ovs
    cap_p = Fraction(rules.rd_other_cap_pct) / 100
    cap = base * cap_p / (1 - cap_p)  # other ≤ p × (base + other)  ⇔  other ≤ base·p/(1−p)
    other = Fraction(c.other_yuan)
    allowed = min(other, cap)
    total = base + allowed
    domestic = Fraction(internal) + allowed + ent_dom
    dom_share = domestic / total if total else None
    pct_text = pct_of(rules.rd_entrusted_pct)
    msg = (f"{year} 年内部研发费用（六类）{yuan(internal)}；委托境内 "
           f"{yuan(c.entrusted_domestic_yuan)} × {pct_text} = {yuan(_dec(ent_dom))}；委托境外 "
           f"{yuan(c.entrusted_overseas_yuan)} × {pct_text} = {yuan(_dec(ent_ovs))}；其他费用 "
           f"{yuan(c.other_yuan)}，限额 {yuan(_dec(cap))}（不超过研发总费用的 "
           f"{pct_of(rules.rd_other_cap_pct)}）")
    msg += (f"，超出 {yuan(_dec(other - allowed))} 不计入" if other > allowed else "，全额计入")
    msg += (f"；研发费用总额 {yuan(_dec(total))}，其中境内 {yuan(_dec(domestic))}"
            + (f"（{pct(domestic, total)}）" if total else ""))
    if reported_total is not None:
        msg += f"；年报填报的研发费用总额 {yuan(reported_total)} 与本口径不同，按本口径计"
    return RdScope(year, internal, c.entrusted_domestic_yuan, _dec(ent_dom),
                   c.entrusted_overseas_yuan, _dec(ent_ovs), c.other_yuan, _dec(cap),
                   _dec(allowed), _dec(other - allowed), _dec(total), _dec(domestic),
                   _dec(ent_ovs), None if dom_share is None else to_decimal_ratio(dom_share, 6),
                   dom_share, reported_total, msg)


@dataclass(frozen=True)
class HighTechInput:
    """An HNTE self-assessment: the fiscal years before the application and the application.

    ``years`` holds the annual figures of up to three fiscal years before the application
    year (fewer when the enterprise has operated less). The declarations default to True
    (the enterprise declares; the platform cannot check). ``expert_scores`` holds items the
    experts judge, as points or a band letter; missing items are reported as (min, max).
    ``innovation_score`` is the expert group's average total, when known (may be fractional).
    Facts instead of conclusions (issue 13): ``headcount`` (全年月平均数, condition 4),
    ``incidents`` (condition 8), ``expert_totals`` and item totals/ranges in
    ``expert_scores`` (condition 7), ``rd_costs`` (195号 R&D scope, condition 5); the old
    yes/no ``no_major_incident`` still works and overrides the incident dates.
    """

    years: tuple[AnnualFigures, ...]
    application_date: dt.date
    established_on: dt.date
    industry_code: str = ""
    core_ip_owned: bool = True  # 条件二：知识产权对主要产品（服务）发挥核心支持作用，拥有所有权
    in_supported_field: bool = True  # 条件三：属于《国家重点支持的高新技术领域》
    tech_field: str = ""  # one of TECH_FIELDS (optional)
    # 条件八 declaration (None: not declared → decided from ``incidents``, else taken as met);
    # a True/False declaration overrides the incident dates (stored self-assessments)
    no_major_incident: bool | None = None
    ip_self_developed: bool | None = None  # 获得方式：有自主研发 (A) / 仅受让等 (B)
    participated_in_standards: bool | None = None  # 加分项：参与编制国家/行业标准等
    # sub-item or item total (ip/conversion/rd_mgmt/growth) → points, band letter or (lo, hi)
    expert_scores: Mapping[str, Decimal | str | tuple[Decimal, Decimal]] = field(
        default_factory=dict)
    innovation_score: Decimal | None = None
    certificate_issue_date: dt.date | None = None
    taxable_income_yuan: Decimal | None = None
    expert_totals: tuple[Decimal, ...] = ()  # each expert's integer total → group average
    incidents: tuple[Incident, ...] | None = None  # None: not stated; (): none happened
    headcount: Mapping[int, Headcount] = field(default_factory=dict)  # year → 全年月平均数
    rd_costs: Mapping[int, RdCosts] = field(default_factory=dict)  # year → 195号 categories
    rd_reported: Mapping[int, Decimal] = field(default_factory=dict)  # set by __post_init__

    def __post_init__(self) -> None:
        """Years with ``rd_costs`` take their R&D total and domestic part from 195号 三(六)."""
        if not self.rd_costs:
            return
        rules = select(RULE, self.application_date.year)
        years, reported = [], dict(self.rd_reported)
        for y in self.years:
            costs = self.rd_costs.get(y.year)
            if costs is not None:
                sc = rd_scope(rules, y.year, costs)
                if (y.rd_expense_yuan, y.rd_domestic_yuan) != (sc.total_yuan, sc.domestic_yuan):
                    if (y.rd_expense_yuan and y.rd_expense_yuan != sc.total_yuan
                            and y.year not in reported):
                        reported[y.year] = y.rd_expense_yuan
                    y = y.replace(rd_expense_yuan=sc.total_yuan, rd_domestic_yuan=sc.domestic_yuan)
            years.append(y)
        object.__setattr__(self, "years", tuple(years))
        object.__setattr__(self, "rd_reported", reported)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HighTechInput:
        """Parse ``{"application_date", "established_on", ..., "years": [{annual fields}…]}``."""
        raw_years = data.get("years")
        if not isinstance(raw_years, list | tuple) or not raw_years:
            raise PolicyInputError("years", "须提供申报前各会计年度的年报数据列表（years）")
        years = []
        for i, row in enumerate(raw_years):
            if not isinstance(row, Mapping):
                raise PolicyInputError("years", f"第 {i + 1} 项应为对象（字段名同年报）")
            years.append(AnnualFigures.from_dict(row))
        app = pick(data, "application_date", to_date)
        if app is None:
            raise PolicyInputError("application_date", "缺少申请日期")
        est = pick(data, "established_on", to_date)
        if est is None:
            raise PolicyInputError("established_on", "缺少成立（注册）日期")
        kwargs: dict[str, Any] = dict(years=tuple(years), application_date=app, established_on=est)
        kwargs["industry_code"] = str(data.get("industry_code") or "").strip().upper()
        for name in _FLAGS:
            value = pick(data, name, to_bool)
            if value is not None:
                kwargs[name] = value
        for name in ("ip_self_developed", "participated_in_standards"):
            kwargs[name] = pick(data, name, to_bool)
        kwargs["tech_field"] = str(data.get("tech_field") or "").strip()
        scores = data.get("expert_scores") or {}
        if not isinstance(scores, Mapping):
            raise PolicyInputError("expert_scores", "应为对象：{项目代码: 分数或档次字母}")
        # flat spreadsheet columns "expert_scores.ip_advancement" etc.
        flat = {k.split(".", 1)[1]: v for k, v in data.items()
                if isinstance(k, str) and k.startswith("expert_scores.")}
        scores = {**flat, **scores}
        kwargs["expert_scores"] = {str(k): _parse_expert_value(str(k), v)
                                   for k, v in scores.items() if v not in (None, "")}
        kwargs["innovation_score"] = pick(data, "innovation_score", to_decimal)
        kwargs["certificate_issue_date"] = pick(data, "certificate_issue_date", to_date)
        kwargs["taxable_income_yuan"] = pick(data, "taxable_income_yuan", to_decimal)
        totals = data.get("expert_totals")
        if isinstance(totals, str):
            totals = _split_list(totals)
        if totals not in (None, "", []):
            if not isinstance(totals, list | tuple):
                raise PolicyInputError("expert_totals", "应为各位专家总分的列表")
            kwargs["expert_totals"] = tuple(to_decimal(v, f"expert_totals[{i + 1}]")
                                            for i, v in enumerate(totals))
        incidents = data.get("incidents")
        if incidents is not None and incidents != "":
            if not isinstance(incidents, list | tuple):
                raise PolicyInputError("incidents", "应为事故列表（[] 表示没有）")
            kwargs["incidents"] = tuple(
                Incident.from_dict(row, f"incidents[{i + 1}]") if isinstance(row, Mapping)
                else _bad(f"incidents[{i + 1}]") for i, row in enumerate(incidents))
        heads, costs = {}, {}
        for row, fig in zip(raw_years, years, strict=True):
            hc = Headcount.from_row(row)
            if hc is not None:
                heads[fig.year] = hc
            rc = row.get("rd_costs")
            flat = {k.split(".", 1)[1]: v for k, v in row.items()
                    if isinstance(k, str) and k.startswith("rd_costs.")}
            if rc not in (None, "") or flat:
                if rc not in (None, "") and not isinstance(rc, Mapping):
                    raise PolicyInputError("rd_costs", "应为对象：{类别: 金额}")
                costs[fig.year] = RdCosts.from_dict({**flat, **(rc or {})},
                                                    f"rd_costs（{fig.year}）")
        kwargs["headcount"], kwargs["rd_costs"] = heads, costs
        return cls(**kwargs)

    @property
    def latest(self) -> AnnualFigures:
        return max(self.years, key=lambda y: y.year)

    def with_changes(self, changes: Mapping[str, Any], year: int | None = None) -> HighTechInput:
        """A copy with fields of fiscal ``year`` (default: the latest) and/or input options set.

        A changed R&D total of a year given by categories replaces them (the gap's figure
        counts); ``st_staff_avg`` / ``employees_avg`` set that year's 全年月平均数.
        """
        fig = {k: v for k, v in changes.items() if k in ANNUAL_FIELDS}
        avg = {k: v for k, v in changes.items() if k in ("st_staff_avg", "employees_avg")}
        other = {k: v for k, v in changes.items() if k not in ANNUAL_FIELDS and k not in avg}
        target = self.latest.year if year is None else year
        years = tuple(y.replace(**fig) if y.year == target and fig else y for y in self.years)
        if {"rd_expense_yuan", "rd_domestic_yuan"} & set(fig) and target in self.rd_costs:
            other.setdefault("rd_costs", {k: v for k, v in self.rd_costs.items() if k != target})
        if avg:
            hc = self.headcount.get(target, Headcount())
            hc = dataclasses.replace(hc, **avg)
            other.setdefault("headcount", {**self.headcount, target: hc})
        return dataclasses.replace(self, years=years, **other)


def _bad(where: str) -> Any:
    raise PolicyInputError(where, "应为对象：{date, kind, description}")


def _parse_expert_value(key: str, value: Any) -> Decimal | str | tuple[Decimal, Decimal]:
    """Points, a band letter, or a range [lo, hi] ('20-26' in a spreadsheet cell)."""
    where = f"expert_scores.{key}"
    if key not in EXPERT_ITEMS and key not in ITEM_TOTALS:
        raise PolicyInputError(where, "未知的评分项目，可用："
                               + "、".join([*ITEM_TOTALS, *EXPERT_ITEMS]))
    if isinstance(value, str) and value.strip().upper() in {"A", "B", "C", "D", "E", "F"}:
        if key in ITEM_TOTALS:
            raise PolicyInputError(where, "一级指标总分应为分数或区间，不能是档次字母")
        return value.strip().upper()
    if isinstance(value, str) and any(sep in value.strip()[1:] for sep in "-–~"):
        text = value.strip()
        for sep in "–~":
            text = text.replace(sep, "-")
        head, _, tail = text[1:].partition("-")
        value = [text[0] + head, tail]
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise PolicyInputError(where, "区间应为 [最低分, 最高分]")
        lo, hi = (to_decimal(v, where) for v in value)
        if lo > hi:
            raise PolicyInputError(where, f"区间下限 {lo} 大于上限 {hi}")
        return (lo, hi)
    return to_decimal(value, where)


# -- result ----------------------------------------------------------------------------------

STATUS_LABELS = {"likely": "很可能符合", "possible": "可能符合（取决于专家评分）",
                 "unlikely": "不符合或很可能不符合"}


@dataclass
class Certificate:
    """What recognition would bring: three years' validity and the 15% tax rate."""

    validity_years: int
    issue_date: dt.date | None
    valid_until: dt.date | None
    tax_years: list[int]
    tax_rate: Decimal
    standard_tax_rate: Decimal
    tax_saved_per_year_yuan: Decimal | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return ResultBase.to_dict(self)  # type: ignore[arg-type]


@dataclass
class HighTechResult(ResultBase):
    """Conditions, score ranges, status and gaps of one HNTE self-assessment."""

    rule: str
    rule_version: str
    document: str
    application_date: dt.date
    years_used: list[int]
    status: str  # likely | possible | unlikely
    status_label: str
    eligible: bool | None
    conditions: list[Condition]
    scores: list[Score]
    score_min: Decimal
    score_max: Decimal
    pass_score: Decimal
    rd_ratio: Decimal | None
    rd_ratio_limit: Decimal
    needs_manual_review: bool
    reasons: list[str]
    certificate: Certificate
    gaps: list[Gap] = field(default_factory=list)
    combinations: list[Combination] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    disclaimer: str = DISCLAIMER
    rd_ratio_exact: Fraction | None = None  # Σ R&D ÷ Σ revenue, unrounded
    score_exact: Fraction | None = None  # the group average when expert totals decide
    staff: StaffAverage | None = None  # 条件四's counts and how they were obtained
    rd_scope: list[RdScope] = field(default_factory=list)  # 195号 三(六) per year, when given

    def condition(self, code: str) -> Condition:
        return next(c for c in self.conditions if c.code == code)

    def score(self, code: str) -> Score:
        for s in self.scores:
            if s.code == code:
                return s
            for p in s.parts:
                if p.code == code:
                    return p
        raise KeyError(code)

    def to_row(self) -> dict[str, Any]:
        return {
            "result_rule_version": self.rule_version,
            "result_status": self.status_label,
            "result_years_used": ",".join(map(str, self.years_used)),
            "result_score_min": str(self.score_min),
            "result_score_max": str(self.score_max),
            "result_rd_ratio": pct(self.rd_ratio) if self.rd_ratio is not None else "",
            "result_rd_ratio_limit": pct(self.rd_ratio_limit),
            "result_rd_ratio_exact": ("" if self.rd_ratio_exact is None else
                                      f"{self.rd_ratio_exact.numerator}/"
                                      f"{self.rd_ratio_exact.denominator}"),
            "result_failed_conditions": "；".join(c.label for c in self.conditions
                                                 if c.passed is False),
            "result_needs_manual_review": "是" if self.needs_manual_review else "否",
            "result_reasons": "；".join(self.reasons),
            "result_gaps": "；".join(g.message for g in self.gaps),
        }


# -- evaluation ------------------------------------------------------------------------------


def rules_for(inp: HighTechInput) -> HighTechRules:
    return select(RULE, inp.application_date.year)


def _window(inp: HighTechInput, rules: HighTechRules) -> list[AnnualFigures]:
    """The fiscal years used: up to three before the application year, oldest first."""
    app_year = inp.application_date.year
    wanted = range(app_year - rules.rd_window_years, app_year)
    seen: dict[int, AnnualFigures] = {}
    for y in inp.years:
        if y.year in seen:
            raise PolicyInputError("year", f"{y.year} 年度的数据重复")
        seen[y.year] = y
    latest = app_year - 1
    if latest not in seen:
        raise PolicyInputError("year", f"缺少申报前一会计年度（{latest} 年）的数据")
    used = [seen[y] for y in wanted if y in seen]
    missing = [y for y in wanted if y not in seen and y >= inp.established_on.year]
    if missing:
        raise PolicyInputError("year", f"缺少 {'、'.join(map(str, missing))} 年度的数据（企业成立于"
                               f" {inp.established_on.isoformat()}，应提供近三个会计年度，"
                               "实际经营不满三年的按实际年度）")
    hc = inp.headcount.get(latest)
    if hc is None or hc.average("employees")[0] is None:
        used[-1].check_staff()
    for f in used:
        if f.rd_domestic_yuan > f.rd_expense_yuan:
            raise PolicyInputError("rd_domestic_yuan", f"{f.year} 年度境内研发费用"
                                   f"（{yuan(f.rd_domestic_yuan)}）不能大于研发费用总额"
                                   f"（{yuan(f.rd_expense_yuan)}）")
    last = used[-1]
    if last.total_income_yuan > 0 and last.high_tech_revenue_yuan > last.total_income_yuan:
        raise PolicyInputError("high_tech_revenue_yuan", f"{last.year} 年度高新技术产品（服务）收入"
                               "不能大于总收入")
    return used


def rd_threshold_pct(rules: HighTechRules, latest_revenue: Decimal) -> Decimal:
    """The R&D ratio threshold, fixed by the most recent year's sales revenue only."""
    for limit, minimum in rules.rd_tiers:
        if limit is None or latest_revenue <= limit:
            return minimum
    raise AssertionError("unreachable")


def growth_rate(values: list[Decimal]) -> tuple[Fraction | None, str]:
    """成长性 growth rate by 工作指引 三(七)4, with the guide's zero rules.

    Three years: ½(Y2/Y1 + Y3/Y2) − 1; Y1 = 0 → Y3/Y2 − 1 ([U] interpretation of 按后两年计算);
    Y2 = 0 → None (0 分). Two years: Y2/Y1 − 1 ([U]). One year: None. None scores 0.
    """
    # exact, in integers: one Fraction at the end (this runs twice per evaluation and re-run)
    if len(values) >= 3:
        (an, ad), (bn, bd), (cn, cd) = (v.as_integer_ratio() for v in values[-3:])
        if bn == 0:
            return None, "第二年为 0，按 0 分计算"
        if an == 0:  # c/b − 1
            return (Fraction(cn * bd - bn * cd, cd * bn),
                    "第一年为 0，按后两年计算：第三年 ÷ 第二年 − 1")
        # ½(b/a + c/b) − 1 = (bn²·ad·cd + cn·bd²·an − 2·D) ÷ 2D,  D = bd·an·cd·bn
        den = bd * an * cd * bn
        return (Fraction(bn * bn * ad * cd + cn * bd * bd * an - 2 * den, 2 * den),
                "½ ×（第二年 ÷ 第一年 + 第三年 ÷ 第二年）− 1")
    if len(values) == 2:
        (an, ad), (bn, bd) = (v.as_integer_ratio() for v in values)
        if an == 0:
            return None, "仅两年数据且第一年为 0，无法计算增长率，按 0 分（[U] 平台约定）"
        return (Fraction(bn * ad - an * bd, bd * an),
                "实际经营不满三年，按两年计算：第二年 ÷ 第一年 − 1（[U] 平台解释）")
    return None, "实际经营不足两个会计年度，无法计算增长率，按 0 分（[U] 平台约定）"


def growth_band(rules: HighTechRules, rate: Fraction | None) -> PointBand:
    if rate is None or rate.numerator <= 0:
        return _F_ZERO
    num, den = rate.numerator * 100, rate.denominator  # rate × 100 ≥ minimum, in integers
    for minimum, band in rules.growth_bands:
        m, d = minimum.as_integer_ratio()
        if num * d >= m * den:
            return band
    return rules.growth_positive_band


def ip_count_band(rules: HighTechRules, class_1: int, class_2: int) -> PointBand:
    a, b, c, d, e = rules.ip_count_bands
    if class_1 >= 1:
        return a
    if class_2 >= 5:
        return b
    if class_2 >= 3:
        return c
    if class_2 >= 1:
        return d
    return e


def conversion_band(rules: HighTechRules, total: int, years: int) -> PointBand:
    """Band of the yearly AVERAGE of conversions: total ≥ n × years (exact, no rounding)."""
    for n, band in rules.conversion_bands:
        if total >= n * years:
            return band
    return _F_ZERO


def evaluate_high_tech(inp: HighTechInput, *, rules: HighTechRules | None = None,
                       gaps: bool = True) -> HighTechResult:
    """Self-assess one HNTE application; ``gaps=False`` skips the what-would-it-take search."""
    return _evaluate(inp, rules or select(RULE, inp.application_date.year), gaps)


def _evaluate(inp: HighTechInput, rules: HighTechRules, gaps: bool,
              reuse_scores: tuple[list[Score], bool] | None = None) -> HighTechResult:
    """The evaluation; gap re-runs that leave every score input alone pass the scores in."""
    used = _window(inp, rules)
    last = used[-1]
    notes: list[str] = []
    if len(used) < len(inp.years):
        notes.append("只使用申报前三个会计年度的数据，其他年度已忽略")

    conditions: list[Condition] = []
    declared = "（企业声明，平台未核实）"

    # 1 注册成立 365 个日历天数以上
    days = (inp.application_date - inp.established_on).days
    conditions.append(Condition(
        "c1_registered", "申请时注册成立 365 个日历天数以上",
        days >= rules.min_registration_days, days, rules.min_registration_days,
        f"成立于 {inp.established_on.isoformat()}，至申请日 {inp.application_date.isoformat()} "
        f"共 {days} 天，须不少于 {rules.min_registration_days} 天"))

    # 2 核心知识产权
    ip_total = last.ip_class_1_count + last.ip_class_2_count
    conditions.append(Condition(
        "c2_ip", "拥有对主要产品（服务）发挥核心支持作用的知识产权所有权",
        ip_total >= 1 and inp.core_ip_owned, ip_total, 1,
        (f"Ⅰ类 {last.ip_class_1_count} 项、Ⅱ类 {last.ip_class_2_count} 项" if ip_total
         else "没有知识产权，不能认定")
        + ("" if inp.core_ip_owned
           else "；企业声明知识产权未对主要产品发挥核心支持作用或无所有权")))

    # 3 领域
    field_name = _tech_field(inp.tech_field)
    conditions.append(Condition(
        "c3_field", "核心技术属于《国家重点支持的高新技术领域》", inp.in_supported_field,
        field_name or inp.in_supported_field, "八大领域之一",
        (f"领域：{field_name}" if field_name else "") + ("符合" if inp.in_supported_field
                                                       else "不符合") + declared))

    # 4 科技人员 ≥ 10% of 当年职工总数, both as 全年月平均数 (year-end counts: simplification)
    staff = staff_average(inp, last)
    if staff.employees_source == staff.st_staff_source == "year_end":  # whole people
        st_ratio = Fraction(last.st_staff, last.employees)
        st_ok = last.st_staff * HUNDRED >= last.employees * rules.st_staff_min_pct
        st_msg = (f"{last.year} 年科技人员 {last.st_staff} 人 ÷ 职工总数 {last.employees} 人 = "
                  f"{pct(last.st_staff, last.employees)}（{staff.label}）"
                  + near_miss(Decimal(last.st_staff), Decimal(last.employees),
                              rules.st_staff_min_pct))
        if not st_ok:
            need_int = ceil_int(Decimal(last.employees) * rules.st_staff_min_pct / HUNDRED)
            st_msg += f"；科技人员须至少 {need_int} 人，差 {need_int - last.st_staff} 人"
    else:
        st_n, emp_n = staff.st_staff_avg_exact, staff.employees_avg_exact
        st_ratio = st_n / emp_n
        st_ok = st_ratio * 100 >= Fraction(rules.st_staff_min_pct)
        need_st = ceil_fen(emp_n * Fraction(rules.st_staff_min_pct) / 100)
        st_msg = (f"{last.year} 年科技人员 {_people(st_n)} 人 ÷ 职工总数 {_people(emp_n)} 人 = "
                  f"{pct(st_ratio)}（{staff.label}）" + _near(st_ratio, rules.st_staff_min_pct)
                  + ("" if st_ok else f"；科技人员须至少 {_people(need_st)} 人，"
                     f"差 {_people(Fraction(need_st) - st_n)} 人"))
    conditions.append(Condition(
        "c4_st_staff", f"科技人员占当年职工总数的比例不低于 {pct_of(rules.st_staff_min_pct)}",
        st_ok, to_decimal_ratio(st_ratio, 6), rules.st_staff_min_pct / HUNDRED, st_msg,
        exact=st_ratio))
    if staff.note:
        notes.append(staff.note)

    # 5 研发费用比例 (sum over sum) and 境内 ≥ 60%
    sum_rd = sum((y.rd_expense_yuan for y in used), ZERO)
    sum_rev = sum((y.revenue_yuan for y in used), ZERO)
    sum_dom = sum((y.rd_domestic_yuan for y in used), ZERO)
    limit_pct = rd_threshold_pct(rules, last.revenue_yuan)
    tier_text = (f"最近一年（{last.year}）销售收入 {yuan(last.revenue_yuan)}，适用比例不低于 "
                 f"{pct_of(limit_pct)}")
    span = f"{used[0].year}–{used[-1].year}" if len(used) > 1 else f"{used[0].year}"
    if sum_rev > 0:
        rd_ok = sum_rd * HUNDRED >= sum_rev * limit_pct
        rd_ratio: Decimal | None = sum_rd / sum_rev
        rd_msg = (f"{span} 年研发费用合计 {yuan(sum_rd)} ÷ 销售收入合计 {yuan(sum_rev)} = "
                  f"{pct(sum_rd, sum_rev)}" + near_miss(sum_rd, sum_rev, limit_pct)
                  + f"；{tier_text}")
    else:
        rd_ok, rd_ratio = False, None
        rd_msg = f"{span} 年销售收入合计为 0，研发费用比例无法计算；{tier_text}"
    rd_exact = exact_ratio(sum_rd, sum_rev) if sum_rev > 0 else None
    if rd_exact is not None and not rd_ok:
        rd_msg += f"；研发费用合计还差 {yuan(ceil_fen(sum_rev * limit_pct / HUNDRED - sum_rd))}"
    conditions.append(Condition(
        "c5_rd_ratio", "近三个会计年度研发费用总额占同期销售收入总额的比例符合要求", rd_ok,
        _q(rd_ratio), limit_pct / HUNDRED, rd_msg, exact=rd_exact))
    if sum_rd > 0:
        dom_ok = sum_dom * HUNDRED >= sum_rd * rules.domestic_min_pct
        dom_msg = (f"境内研发费用合计 {yuan(sum_dom)} ÷ 研发费用合计 {yuan(sum_rd)} = "
                   f"{pct(sum_dom, sum_rd)}" + near_miss(sum_dom, sum_rd, rules.domestic_min_pct))
        dom_value: Decimal | None = sum_dom / sum_rd
    else:
        dom_ok, dom_value, dom_msg = False, None, "研发费用合计为 0，境内研发费用占比无法计算"
    conditions.append(Condition(
        "c5_rd_domestic",
        f"境内研发费用占全部研发费用的比例不低于 {pct_of(rules.domestic_min_pct)}",
        dom_ok, _q(dom_value), rules.domestic_min_pct / HUNDRED, dom_msg,
        exact=exact_ratio(sum_dom, sum_rd) if sum_rd > 0 else None))

    # 6 高新技术产品（服务）收入 ≥ 60% 总收入
    if last.total_income_yuan > 0:
        ht_ok = (last.high_tech_revenue_yuan * HUNDRED
                 >= last.total_income_yuan * rules.high_tech_revenue_min_pct)
        ht_value: Decimal | None = last.high_tech_revenue_yuan / last.total_income_yuan
        ht_msg = (f"{last.year} 年高新技术产品（服务）收入 {yuan(last.high_tech_revenue_yuan)} ÷ "
                  f"总收入 {yuan(last.total_income_yuan)} = "
                  f"{pct(last.high_tech_revenue_yuan, last.total_income_yuan)}"
                  + near_miss(last.high_tech_revenue_yuan, last.total_income_yuan,
                              rules.high_tech_revenue_min_pct))
    else:
        ht_ok, ht_value = False, None
        ht_msg = f"{last.year} 年总收入为 0，比例无法计算"
    conditions.append(Condition(
        "c6_high_tech_revenue",
        f"近一年高新技术产品（服务）收入占同期总收入的比例不低于 "
        f"{pct_of(rules.high_tech_revenue_min_pct)}", ht_ok, _q(ht_value),
        rules.high_tech_revenue_min_pct / HUNDRED, ht_msg,
        exact=(exact_ratio(last.high_tech_revenue_yuan, last.total_income_yuan)
               if last.total_income_yuan > 0 else None)))

    # 7 创新能力评价
    scores, manual = reuse_scores or _innovation_scores(inp, rules, used)
    smin = sum((s.points_min for s in scores), ZERO)
    smax = sum((s.points_max for s in scores), ZERO)
    group = group_score(inp)
    score_exact: Fraction | None = None
    if group is not None:
        score_exact, group_note = group
        smin = smax = (inp.innovation_score if inp.innovation_score is not None
                       else _dec(score_exact))
        notes.append(group_note)
    if smin > rules.pass_score or (score_exact is not None and score_exact > rules.pass_score):
        c7: bool | None = True
        c7_msg = f"综合得分 {_range(smin, smax)} 分，超过 {rules.pass_score} 分"
    elif smax <= rules.pass_score:
        c7 = False
        c7_msg = f"综合得分 {_range(smin, smax)} 分，须超过 {rules.pass_score} 分（不含）"
    else:
        c7 = None
        c7_msg = (f"综合得分区间 {smin}–{smax} 分，是否超过 {rules.pass_score} 分取决于专家评分")
    if c7 is False:
        c7_msg += f"，最高可能得分还差 {rules.pass_score - smax} 分以上"
    conditions.append(Condition(
        "c7_innovation",
        f"企业创新能力评价达到要求（综合得分 {rules.pass_score} 分以上，不含）", c7,
        {"min": smin, "max": smax}, rules.pass_score, c7_msg, exact=score_exact))

    # 8 无重大安全、质量事故或严重环境违法 (申请前 365 天之内)
    conditions.append(incident_condition(inp, rules, notes))

    if any(c.passed is False for c in conditions):
        status = "unlikely"
    elif any(c.passed is None for c in conditions):
        status = "possible"
    else:
        status = "likely"
    eligible = {"likely": True, "possible": None, "unlikely": False}[status]

    reasons: list[str] = []
    if status == "likely":
        reasons.append(f"八项条件均满足，创新能力评价 {_range(smin, smax)} 分"
                       f"（超过 {rules.pass_score} 分）")
    elif status == "possible":
        reasons.append("其余条件均满足；" + c7_msg)
    else:
        reasons.extend(f"{c.label}：{c.message}" for c in conditions if c.passed is False)
    if manual:
        reasons.append("存在净资产为负的年度，成长性得分仅供参考，需人工复核")
    notes.extend([
        "净资产为负时按公式字面计算并标记人工复核（平台约定，官方未规定）",
        "增长率在第一年为 0、仅有两年数据时的算法为平台解释 [U]",
        "比例按未四舍五入的数值判断；是否四舍五入官方未规定 [U]",
    ])
    if any(y.year not in inp.rd_costs for y in used):
        notes.append("研发费用按年报“研发费用总额”计，应为高新技术企业认定口径（八类费用，"
                     "委托研发按 80%）；可按类别填写 rd_costs 由平台归集")

    result = HighTechResult(
        rule=RULE, rule_version=rules.version, document=rules.document,
        application_date=inp.application_date, years_used=[y.year for y in used],
        status=status, status_label=STATUS_LABELS[status], eligible=eligible,
        conditions=conditions, scores=scores, score_min=smin, score_max=smax,
        pass_score=rules.pass_score, rd_ratio=_q(rd_ratio), rd_ratio_limit=limit_pct / HUNDRED,
        needs_manual_review=manual, reasons=reasons,
        certificate=_certificate(inp, rules), notes=notes,
        rd_ratio_exact=rd_exact, score_exact=score_exact, staff=staff,
        rd_scope=[rd_scope(rules, y.year, inp.rd_costs[y.year], inp.rd_reported.get(y.year))
                  for y in used if y.year in inp.rd_costs],
    )
    if result.rd_scope:
        notes.append("研发费用按 195号 三(六) 口径由各类费用归集：委托研发按实际发生额的 "
                     f"{pct_of(rules.rd_entrusted_pct)} 计入，其他费用不超过研发总费用的 "
                     f"{pct_of(rules.rd_other_cap_pct)}（按年度计；“另有规定的除外”及限额是否"
                     "按项目计算未核实 [U]）")
    if gaps and status != "likely":
        result.gaps, result.combinations = _gaps(inp, rules, result)
    return result


@dataclass
class StaffAverage:
    """条件四's two counts: 全年月平均数 when given, else the year-end counts (simplification)."""

    year: int
    employees_avg: Decimal
    employees_avg_exact: Fraction
    employees_source: str  # monthly | average | year_end
    employees_monthly: list[Decimal]
    st_staff_avg: Decimal
    st_staff_avg_exact: Fraction
    st_staff_source: str
    st_staff_monthly: list[Decimal]
    label: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return ResultBase.to_dict(self)  # type: ignore[arg-type]


_YEAR_END_NOTE = ("条件四按年末人数计算（简化）；认定口径为全年月平均数（月平均数 = (月初数 + "
                  "月末数) ÷ 2，全年月平均数 = 各月平均数之和 ÷ 12），可填写 employees_monthly / "
                  "st_staff_monthly")
_SOURCE_LABELS = {"monthly": "按月初、月末数计算的全年月平均数", "average": "填报的全年月平均数",
                  "year_end": "年末人数"}


def staff_average(inp: HighTechInput, last: AnnualFigures) -> StaffAverage:
    """全年月平均数 = Σ(月平均数) ÷ 月数, 月平均数 = (月初 + 月末) ÷ 2 (195号 三(四))."""
    hc = inp.headcount.get(last.year)
    if hc is None:  # the common case: year-end counts
        return StaffAverage(last.year, Decimal(last.employees), Fraction(last.employees),
                            "year_end", [], Decimal(last.st_staff), Fraction(last.st_staff),
                            "year_end", [], _SOURCE_LABELS["year_end"], _YEAR_END_NOTE)
    emp, emp_src = hc.average("employees")
    st, st_src = hc.average("st_staff")
    emp = Fraction(last.employees) if emp is None else emp
    st = Fraction(last.st_staff) if st is None else st
    if emp <= 0:
        raise PolicyInputError("employees_monthly", f"{last.year} 年度职工总数全年月平均数为 0，"
                               "无法计算科技人员占比")
    if st > emp:
        raise PolicyInputError("st_staff_monthly", f"{last.year} 年度科技人员（{_people(st)}）"
                               f"不能多于职工总数（{_people(emp)}）")
    sources = {emp_src, st_src}
    label = ("、".join(dict.fromkeys(_SOURCE_LABELS[x] for x in (st_src, emp_src)))
             if len(sources) > 1 else _SOURCE_LABELS[emp_src])
    note = _YEAR_END_NOTE if "year_end" in sources else ""
    months = len(hc.employees_months or hc.st_staff_months)
    if months and months < 12:
        note = (note + "；" if note else "") + (f"{last.year} 年只有 {months} 个月的数据，"
                                                 f"按实际经营期（{months} 个月）计算全年月平均数")
    return StaffAverage(last.year, _dec(emp), emp, emp_src, list(hc.employees_months), _dec(st), st,
                        st_src, list(hc.st_staff_months), label, note)


def _people(n: Fraction | Decimal | int) -> str:
    """A head count, fractional when it is an average: 12, 12.5, 12.333333 (truncated)."""
    return f"{_dec(Fraction(n)).normalize():f}"


def _near(ratio: Fraction, limit_pct: Decimal) -> str:
    if ratio * 100 < Fraction(limit_pct) and pct(ratio) == pct(Fraction(limit_pct) / 100):
        return "（精确比值略低于该值，按未四舍五入的比值判断）"
    return ""


def group_score(inp: HighTechInput) -> tuple[Fraction, str] | None:
    """The expert group's score: ``innovation_score`` as given, or the average of the experts'
    totals (195号 二(四): 按分数平均值填写) — may be fractional; None when neither is given."""
    if inp.expert_totals:
        for i, t in enumerate(inp.expert_totals):
            if not ZERO <= t <= HUNDRED or t != t.to_integral_value():
                raise PolicyInputError(f"expert_totals[{i + 1}]", f"专家总分应为 0–100 的整数"
                                       f"（各级指标均按整数打分），实际为 {t}")
        avg = sum((Fraction(t) for t in inp.expert_totals), Fraction(0)) / len(inp.expert_totals)
    else:
        avg = None
    if inp.innovation_score is not None:
        if not ZERO <= inp.innovation_score <= HUNDRED:
            raise PolicyInputError("innovation_score", "专家组综合得分应在 0–100 之间")
        note = f"使用专家组综合评价平均分 {inp.innovation_score} 分；各项得分仅供参考"
        if avg is not None and avg != Fraction(inp.innovation_score):
            note += (f"（按专家总分计算的平均分为 {_dec(avg)}，以填报的综合得分为准）")
        return Fraction(inp.innovation_score), note
    if avg is None:
        return None
    totals = "、".join(str(t) for t in inp.expert_totals)
    shown = terminating_decimal(avg)
    shown_text = (f"{shown.normalize():f}" if shown is not None
                  else f"{to_decimal_ratio(avg, 2)}…（精确值 {avg.numerator}/{avg.denominator}）")
    return avg, (f"使用 {len(inp.expert_totals)} 位专家总分（{totals}）的平均值 {shown_text} 分"
                 "（195号：专家组按各位专家分数的平均值评定，可为小数）；各项得分仅供参考")


def incident_condition(inp: HighTechInput, rules: HighTechRules, notes: list[str]) -> Condition:
    """条件八 from the incident dates: none in the 365 days before the application (之内:
    the 365th day counts); a declaration (no_major_incident) overrides the dates."""
    label = "申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为"
    if inp.incidents is None and inp.no_major_incident is None:  # not stated: declared met
        return Condition("c8_no_incident", label, True, True, True, "符合（企业声明，平台未核实）")
    app = inp.application_date
    start = app - dt.timedelta(days=rules.incident_window_days)
    computed: bool | None = None
    text = ""
    if inp.incidents is not None:
        inside = [i for i in inp.incidents if start <= i.date <= app]
        later = [i for i in inp.incidents if i.date > app]
        computed = not inside
        window = (f"窗口为 {start.isoformat()} 至 {app.isoformat()}"
                  f"（申请前 {rules.incident_window_days} 天之内）")
        if inside:
            last = max(i.date for i in inside)
            earliest = last + dt.timedelta(days=rules.incident_window_days + 1)
            text = (f"{window}，期间发生："
                    + "；".join(f"{i.date.isoformat()} {INCIDENT_KINDS.get(i.kind, i.kind)}"
                               f"{'（' + i.description + '）' if i.description else ''}"
                               f"（距申请日 {(app - i.date).days} 天）" for i in inside)
                    + f"；最早可于 {earliest.isoformat()} 申请")
        else:
            text = f"{window}，未发生" + (f"（共填报 {len(inp.incidents)} 起，均在窗口之外）"
                                           if inp.incidents else "（填报为无）")
        if later:
            text += f"；{len(later)} 起晚于申请日，不计入"
    if inp.no_major_incident is not None:
        passed = inp.no_major_incident
        msg = ("符合" if passed else "不符合") + "（企业声明，平台未核实）"
        if computed is not None:
            notes.append("条件八按企业声明（no_major_incident）判断，覆盖按事故日期的计算")
            if computed != passed:
                msg += ("；注意：按填报的事故日期判断为" + ("符合" if computed else "不符合")
                        + "：" + text)
        return Condition("c8_no_incident", label, passed, passed, True, msg)
    if computed is None:
        return Condition("c8_no_incident", label, True, True, True,
                         "符合（企业声明，平台未核实）")
    return Condition("c8_no_incident", label, computed, computed, True,
                     ("符合：" if computed else "不符合：") + text)


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.000001"), "ROUND_DOWN")


def _range(lo: Decimal, hi: Decimal) -> str:
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


def _tech_field(text: str) -> str:
    if not text:
        return ""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(TECH_FIELDS):
        return TECH_FIELDS[int(text) - 1]
    if text in TECH_FIELDS:
        return text
    raise PolicyInputError("tech_field", f"“{text}”不是《国家重点支持的高新技术领域》的八个领域之一"
                           f"（{'、'.join(TECH_FIELDS)}）")


# -- innovation score ------------------------------------------------------------------------


def _item(inp: HighTechInput, code: str, max_points: int, allowed: tuple[PointBand, ...],
          computed: PointBand | None, value: Any, message: str) -> Score:
    """One sub-item: points from expert_scores (validated) or the band's (min, max).

    ``computed`` is the band the data fix (count/ratio items); ``allowed`` the bands experts
    may choose from otherwise.
    """
    label = EXPERT_ITEMS[code]
    given = inp.expert_scores.get(code)
    bands = (computed,) if computed is not None else allowed
    field_name = f"expert_scores.{code}"
    if given is None:
        lo = min(b.lo for b in bands)
        hi = max(b.hi for b in bands)
        band = computed or (bands[0] if len(bands) == 1 else None)
        source = "computed" if lo == hi else "range"
    elif isinstance(given, tuple):
        lo, hi = given
        span_lo, span_hi = min(b.lo for b in bands), max(b.hi for b in bands)
        if not span_lo <= lo <= hi <= span_hi:
            raise PolicyInputError(field_name, f"{label}：区间 {lo}–{hi} 分超出允许范围（"
                                   + "、".join(f"{b.letter} {b.lo}–{b.hi} 分" for b in bands)
                                   + "）")
        band = next((b for b in bands if b.lo <= lo and hi <= b.hi), None)
        source = "input" if lo == hi else "range"
    elif isinstance(given, str):
        band = next((b for b in bands if b.letter == given), None)
        if band is None:
            raise PolicyInputError(field_name, f"{label}：档次“{given}”不可用，可选 "
                                   + "、".join(f"{b.letter}（{b.lo}–{b.hi} 分）" for b in bands))
        lo, hi, source = band.lo, band.hi, ("input" if band.lo == band.hi else "range")
    else:
        # an expert group's average may fall between two bands (e.g. 6.5): allow the whole span
        if not min(b.lo for b in bands) <= given <= max(b.hi for b in bands):
            raise PolicyInputError(field_name, f"{label}：{given} 分超出允许范围（"
                                   + "、".join(f"{b.letter} {b.lo}–{b.hi} 分" for b in bands)
                                   + "）")
        band = next((b for b in bands if b.lo <= given <= b.hi), None)
        lo = hi = given
        source = "input"
    shown = "" if band is None else (f"{band.letter}：{band.label}" if band.letter else band.label)
    return Score(code, label, Decimal(max_points), Decimal(lo), Decimal(hi),
                 band.letter if band else "", shown, value, message, source=source)


def _item_total(inp: HighTechInput, item: Score) -> Score:
    """An item total the experts gave (points or a range) replaces the sum of its sub-items."""
    given = inp.expert_scores.get(item.code) if item.code in ITEM_TOTALS else None
    if given is None:
        return item
    label, mx = ITEM_TOTALS[item.code]
    lo, hi = given if isinstance(given, tuple) else (given, given)
    if not ZERO <= lo <= hi <= mx:
        raise PolicyInputError(f"expert_scores.{item.code}", f"{label}：{_range(lo, hi)} 分超出"
                               f"允许范围 0–{mx} 分")
    computed = _range(item.points_min, item.points_max)
    item.points_min, item.points_max = Decimal(lo), Decimal(hi)
    item.source = "input" if lo == hi else "range"
    kind = "总分" if lo == hi else "区间"
    item.message += (f"；专家给出该项{kind} {_range(lo, hi)} 分，覆盖各分项"
                     f"（按分项计算为 {computed} 分）")
    return item


def _innovation_scores(inp: HighTechInput, rules: HighTechRules,
                       used: list[AnnualFigures]) -> tuple[list[Score], bool]:
    scores, manual = _item_scores(inp, rules, used)
    return [_item_total(inp, x) for x in scores], manual


def _item_scores(inp: HighTechInput, rules: HighTechRules,
                 used: list[AnnualFigures]) -> tuple[list[Score], bool]:
    last = used[-1]
    has_ip = last.ip_class_1_count + last.ip_class_2_count > 0
    none_band = (PointBand("E", "无", 0, 0),)

    # 1 知识产权 (≤30)
    adv = _item(inp, "ip_advancement", 8, rules.expert_bands if has_ip else none_band, None,
                None, "专家评价")
    core = _item(inp, "ip_core_support", 8, rules.expert_bands if has_ip else none_band, None,
                 None, "专家评价")
    cnt_band = ip_count_band(rules, last.ip_class_1_count, last.ip_class_2_count)
    cnt = _item(inp, "ip_count", 8, (), cnt_band,
                {"ip_class_1_count": last.ip_class_1_count,
                 "ip_class_2_count": last.ip_class_2_count},
                f"Ⅰ类 {last.ip_class_1_count} 项、Ⅱ类 {last.ip_class_2_count} 项 → "
                f"{cnt_band.letter} 档"
                f"（{cnt_band.lo}–{cnt_band.hi} 分）")
    a_band, b_band = rules.ip_acquisition_bands
    if not has_ip:
        acq_bands: tuple[PointBand, ...] = none_band
    elif inp.ip_self_developed is None:
        acq_bands = (a_band, b_band)
    else:
        acq_bands = (a_band,) if inp.ip_self_developed else (b_band,)
    acq = _item(inp, "ip_acquisition", 6, acq_bands, None, inp.ip_self_developed,
                {True: "有自主研发", False: "仅有受让、受赠和并购等", None: "获得方式未填写"}
                [inp.ip_self_developed] if has_ip else "没有知识产权")
    yes, no = rules.ip_bonus_bands
    bonus_bands = {True: (yes,), False: (no,), None: (yes, no)}[inp.participated_in_standards]
    bonus = _item(inp, "ip_standards_bonus", 2, bonus_bands, None,
                  inp.participated_in_standards, "参与编制国家标准、行业标准、检测方法、技术规范")
    parts = [adv, core, cnt, acq, bonus]
    ip_min = min(Decimal(rules.ip_max), sum((p.points_min for p in parts), ZERO))
    ip_max = min(Decimal(rules.ip_max), sum((p.points_max for p in parts), ZERO))
    ip = Score("ip", "知识产权", Decimal(rules.ip_max), ip_min, ip_max, "", "", None,
               f"五项合计（加分后不超过 {rules.ip_max} 分）", source=_src(ip_min, ip_max, parts),
               parts=parts)

    # 2 科技成果转化能力 (≤30): yearly average over the years used ([U] fewer than three when the
    # enterprise operated less — the guide says 近 3 年内 only)
    total_conv = sum(y.achievements_converted for y in used)
    n = len(used)
    conv_band = conversion_band(rules, total_conv, n)
    conv_avg = Fraction(total_conv, n)
    conv = _item(inp, "conversion", 30, (), conv_band, to_decimal_ratio(conv_avg, 6),
                 f"近 {n} 年科技成果转化 {total_conv} 项，年平均 "
                 f"{(Decimal(total_conv) / Decimal(n)).quantize(Decimal('0.01'))} 项 → "
                 f"{conv_band.letter} 档（{conv_band.lo}–{conv_band.hi} 分）")
    conv.exact = conv_avg
    conversion = Score("conversion", "科技成果转化能力", Decimal(30), conv.points_min,
                       conv.points_max, conv.band, conv.band_label, conv.value, conv.message,
                       source=conv.source, parts=[conv], exact=conv.exact)

    # 3 研究开发组织管理水平 (≤20): expert items
    mgmt_parts = [_item(inp, code, mx, (PointBand("", f"0–{mx}", 0, mx),), None, None, "专家评价")
                  for code, _label, mx in rules.rd_mgmt_items]
    mmin = sum((p.points_min for p in mgmt_parts), ZERO)
    mmax = sum((p.points_max for p in mgmt_parts), ZERO)
    mgmt = Score("rd_mgmt", "研究开发组织管理水平", Decimal(20), mmin, mmax, "", "", None,
                 "四项专家评价之和", source=_src(mmin, mmax, mgmt_parts), parts=mgmt_parts)

    # 4 企业成长性 (≤20)
    manual = any(y.net_assets_yuan < 0 for y in used)
    g_parts = []
    for code, attr, label in (("growth_net_assets", "net_assets_yuan", "净资产"),
                              ("growth_revenue", "revenue_yuan", "销售收入")):
        values = [getattr(y, attr) for y in used]
        rate, how = growth_rate(values)
        band = growth_band(rules, rate)
        shown = pct(rate) if rate is not None else "无法计算"
        msg = f"{label}增长率 = {how} = {shown} → {band.letter} 档（{band.lo}–{band.hi} 分）"
        if rate is not None and rate <= 0:
            msg += "；增长率不为正，按 0 分"
        if attr == "net_assets_yuan" and manual:
            msg += "；存在净资产为负的年度，结果仅供参考，需人工复核"
        g_parts.append(_item(inp, code, 10, (), band,
                             to_decimal_ratio(rate, 6) if rate is not None else None, msg))
        g_parts[-1].exact = rate
    gmin = sum((p.points_min for p in g_parts), ZERO)
    gmax = sum((p.points_max for p in g_parts), ZERO)
    growth = Score("growth", "企业成长性", Decimal(20), gmin, gmax, "", "", None,
                   "净资产增长率与销售收入增长率得分之和"
                   + ("（需人工复核：净资产为负）" if manual else ""),
                   source=_src(gmin, gmax, g_parts), parts=g_parts)
    return [ip, conversion, mgmt, growth], manual


def _src(lo: Decimal, hi: Decimal, parts: list[Score]) -> str:
    if lo != hi:
        return "range"
    return "input" if any(p.source == "input" for p in parts) else "computed"


# -- certificate -----------------------------------------------------------------------------


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return dt.date(d.year + years, 3, 1)


def _certificate(inp: HighTechInput, rules: HighTechRules) -> Certificate:
    issue = inp.certificate_issue_date
    first_year = issue.year if issue else inp.application_date.year
    valid_until = (_add_years(issue, rules.certificate_years) - dt.timedelta(days=1)
                   if issue else None)
    saved = None
    if inp.taxable_income_yuan is not None:
        saved = round_fen(inp.taxable_income_yuan * (rules.standard_tax_rate - rules.tax_rate))
    years = list(range(first_year, first_year + rules.certificate_years))
    msg = (f"资格自颁发证书之日起有效期 {rules.certificate_years} 年"
           + (f"（{issue.isoformat()} 至 {valid_until.isoformat()}）" if issue and valid_until
              else "（颁发日期未填，按申请当年估计）")
           + f"；自颁发证书之日所在年度起减按 {pct_of(rules.tax_rate * HUNDRED)} 的税率"
           f"征收企业所得税（{years[0]}–{years[-1]} 年度），"
           f"标准税率 {pct_of(rules.standard_tax_rate * HUNDRED)}；"
           "期满需重新认定，期满当年重新认定前暂按 15% 预缴")
    if saved is not None:
        msg += (f"；按应纳税所得额 {yuan(inp.taxable_income_yuan or ZERO)} 计，"
                f"每年少缴约 {yuan(saved)}")
    return Certificate(rules.certificate_years, issue, valid_until, years, rules.tax_rate,
                       rules.standard_tax_rate, saved, msg)


# -- gaps ------------------------------------------------------------------------------------

_UNFIXABLE = {
    "c3_field": ("in_supported_field", "核心技术须属于《国家重点支持的高新技术领域》，"
                 "调整财务或人员数据无法改变"),
    "c8_no_incident": ("no_major_incident", "申请前一年内发生重大安全、质量事故或严重环境违法行为，"
                       "须满一年后再申请"),
}


def _goal_met(res: HighTechResult, goal: str) -> bool:
    return res.status == "likely" if goal == "likely" else res.status != "unlikely"


# fields and options the innovation score depends on (besides the fiscal-year window)
_SCORE_INPUTS = frozenset({
    "ip_class_1_count", "ip_class_2_count", "achievements_converted", "net_assets_yuan",
    "revenue_yuan", "expert_scores", "ip_self_developed", "participated_in_standards",
    "innovation_score", "application_date", "established_on", "years"})


def _rerun(inp: HighTechInput, rules: HighTechRules, changes: Mapping[str, Any],
           year: int | None, base: HighTechResult | None = None) -> HighTechResult | str:
    """Evaluate ``inp`` with ``changes`` (no gaps); a message instead when the input breaks.

    ``base`` is ``inp``'s own result: when no change touches a score input its scores are
    reused (the score is ~half the cost of an evaluation and most levers do not move it).
    """
    reuse = None
    if base is not None and not _SCORE_INPUTS.intersection(changes):
        reuse = (base.scores, base.needs_manual_review)
    try:
        return _evaluate(inp.with_changes(changes, year), rules, False, reuse)
    except PolicyInputError as exc:
        return exc.message


def _lever_gaps(inp: HighTechInput, rules: HighTechRules, res: HighTechResult, code: str,
                goal: str) -> list[Gap]:
    """Smallest changes of each lever that make condition ``code`` reach ``goal``."""
    used = [y for y in sorted(inp.years, key=lambda y: y.year) if y.year in res.years_used]
    last = used[-1]
    yr = last.year
    out: list[Gap] = []

    if code == "c1_registered":
        new_date = inp.established_on + dt.timedelta(days=rules.min_registration_days)
        out.append(Gap("application_date", "申请日期", inp.application_date, new_date,
                       (new_date - inp.application_date).days, "天",
                       {"application_date": new_date}, False, [code], "",
                       f"注册成立满 {rules.min_registration_days} 天后方可申请：申请日期应不早于 "
                       f"{new_date.isoformat()}"
                       f"（推迟 {(new_date - inp.application_date).days} 天）"))
    elif code == "c2_ip":
        if not inp.core_ip_owned:
            out.append(Gap("core_ip_owned", "核心知识产权所有权", False, True, None, "", {}, False,
                           [code], "", "须拥有对主要产品（服务）发挥核心支持作用的知识产权所有权",
                           fixable=False))
        else:
            out.append(_ip_gap(inp, rules, res, "ip_class_2_count", 1, [code]))
            out.append(_ip_gap(inp, rules, res, "ip_class_1_count", 1, [code]))
    elif (code == "c4_st_staff" and res.staff is not None
          and res.staff.st_staff_source != "year_end"):
        sa = res.staff
        need_avg = ceil_fen(sa.employees_avg_exact * Fraction(rules.st_staff_min_pct) / 100)
        delta = Fraction(need_avg) - sa.st_staff_avg_exact
        out.append(Gap("st_staff_avg", "科技人员全年月平均数", sa.st_staff_avg, need_avg,
                       _dec(delta), "人", {"st_staff_avg": need_avg}, False, [code], "",
                       f"{yr} 年科技人员全年月平均数需增加 {_people(delta)} 人（由 "
                       f"{_people(sa.st_staff_avg_exact)} 人增至 {need_avg} 人，职工总数 "
                       f"{_people(sa.employees_avg_exact)} 人不变），占比达到 "
                       f"{pct(Fraction(need_avg) / sa.employees_avg_exact)}", year=yr))
    elif code == "c4_st_staff":
        need = ceil_int(Decimal(last.employees) * rules.st_staff_min_pct / HUNDRED)
        out.append(Gap("st_staff", "科技人员数", last.st_staff, need, need - last.st_staff, "人",
                       {"st_staff": need}, False, [code], "",
                       f"{yr} 年科技人员需增加 {need - last.st_staff} 人"
                       f"（由 {last.st_staff} 人增至 {need} 人，"
                       f"职工总数 {last.employees} 人不变），"
                       f"占比达到 {pct(need, last.employees)}", year=yr))
    elif code in ("c5_rd_ratio", "c5_rd_domestic"):
        out.extend(_rd_gaps(inp, rules, res, used, code))
    elif code == "c6_high_tech_revenue":
        if last.total_income_yuan <= 0:
            out.append(Gap("high_tech_revenue_yuan", "高新技术产品（服务）收入", None, None, None,
                           "元", {}, False, [code], "", f"{yr} 年总收入为 0，比例无法计算，"
                           "需先填报总收入", year=yr, fixable=False))
        else:
            need = ceil_fen(last.total_income_yuan * rules.high_tech_revenue_min_pct / HUNDRED)
            delta = need - last.high_tech_revenue_yuan
            out.append(Gap("high_tech_revenue_yuan", "高新技术产品（服务）收入",
                           last.high_tech_revenue_yuan, need, delta, "元",
                           {"high_tech_revenue_yuan": need}, False, [code], "",
                           f"{yr} 年高新技术产品（服务）收入需增加 {yuan(delta)}（由 "
                           f"{yuan(last.high_tech_revenue_yuan)} 增至 {yuan(need)}，总收入不变），"
                           f"达到总收入的 {pct(need, last.total_income_yuan)}", year=yr))
    elif code == "c7_innovation":
        out.extend(_score_gaps(inp, rules, res, used, goal))
    elif code in _UNFIXABLE:
        lever, text = _UNFIXABLE[code]
        if code == "c8_no_incident" and inp.no_major_incident is None and inp.incidents:
            text += "；" + res.condition(code).message.removeprefix("不符合：")
        out.append(Gap(lever, res.condition(code).label, False, True, None, "", {}, False, [code],
                       "", text, fixable=False))
    return out


_BAND_ITEMS = {"ip_class_1_count": "ip_count", "ip_class_2_count": "ip_count",
               "achievements_converted": "conversion"}


def _with_band_reset(inp: HighTechInput, changes: dict[str, Any]) -> dict[str, Any]:
    """Changing a count moves its band: drop the expert points given for the old band."""
    items = {_BAND_ITEMS[k] for k in changes if k in _BAND_ITEMS} & set(inp.expert_scores)
    if not items:
        return changes
    kept = {k: v for k, v in inp.expert_scores.items() if k not in items}
    return {**changes, "expert_scores": kept}


def _ip_gap(inp: HighTechInput, rules: HighTechRules, res: HighTechResult, lever: str,
            target: int, fixes: list[str]) -> Gap:
    last = inp.latest
    cur = getattr(last, lever)
    label = "Ⅰ类知识产权" if lever == "ip_class_1_count" else "Ⅱ类知识产权"
    new_band = ip_count_band(rules, *((target, last.ip_class_2_count) if lever == "ip_class_1_count"
                                      else (last.ip_class_1_count, target)))
    old_band = ip_count_band(rules, last.ip_class_1_count, last.ip_class_2_count)
    effect = (f"知识产权数量 {old_band.letter} 档（{old_band.lo}–{old_band.hi} 分）→ "
              f"{new_band.letter} 档（{new_band.lo}–{new_band.hi} 分）"
              if new_band != old_band else "")
    message = f"{last.year} 年{label}需增加 {target - cur} 项（由 {cur} 项增至 {target} 项）"
    return Gap(lever, label, cur, target, target - cur, "项",
               _with_band_reset(inp, {lever: target}), False, fixes,
               effect, message + (f"；{effect}" if effect else ""), year=last.year)


def _rd_gaps(inp: HighTechInput, rules: HighTechRules, res: HighTechResult,
             used: list[AnnualFigures], code: str) -> list[Gap]:
    last = used[-1]
    yr = last.year
    sum_rd = sum((y.rd_expense_yuan for y in used), ZERO)
    sum_rev = sum((y.revenue_yuan for y in used), ZERO)
    sum_dom = sum((y.rd_domestic_yuan for y in used), ZERO)
    limit_pct = rd_threshold_pct(rules, last.revenue_yuan)
    dom_pct = rules.domestic_min_pct
    out: list[Gap] = []
    if code == "c5_rd_ratio" and sum_rev <= 0:
        return [Gap("revenue_yuan", "销售收入", ZERO, None, None, "元", {}, False, [code], "",
                    "近三年销售收入合计为 0，研发费用比例无法计算；增加研发费用不能使其达标",
                    year=yr, fixable=False)]
    # extra R&D carried out in China raises both the total and the domestic part
    need_ratio = Fraction(sum_rev * limit_pct / HUNDRED) - Fraction(sum_rd) if sum_rev > 0 else 0
    # (dom + x) / (rd + x) ≥ p  ⇔  x ≥ (p·rd − dom) / (1 − p)
    p = Fraction(dom_pct) / 100
    need_dom = (p * Fraction(sum_rd) - Fraction(sum_dom)) / (1 - p)
    if sum_rd == 0:  # share not computable: any domestic R&D (one fen) makes it 100%
        need_dom = Fraction(1, 100)
    delta = ceil_fen(max(Fraction(0), Fraction(need_ratio), need_dom))
    if delta > 0:
        new_rd = last.rd_expense_yuan + delta
        new_dom = last.rd_domestic_yuan + delta
        new_sum_rd = sum_rd + delta
        fixes = [c for c in ("c5_rd_ratio", "c5_rd_domestic")
                 if res.condition(c).passed is False]
        ratio_now = pct(sum_rd, sum_rev) if sum_rev > 0 else "—"
        ratio_new = pct(new_sum_rd, sum_rev) if sum_rev > 0 else "—"
        effect = (f"研发费用比例 {ratio_now} → {ratio_new}，境内占比 "
                  f"{pct(sum_dom, sum_rd) if sum_rd > 0 else '—'} → "
                  f"{pct(sum_dom + delta, new_sum_rd)}")
        out.append(Gap("rd_expense_yuan", "研发费用总额（境内）", last.rd_expense_yuan, new_rd,
                       delta, "元", {"rd_expense_yuan": new_rd, "rd_domestic_yuan": new_dom},
                       False, fixes, effect,
                       f"{yr} 年研发费用需增加 {yuan(delta)}（在境内发生；由 "
                       f"{yuan(last.rd_expense_yuan)} 增至 {yuan(new_rd)}），"
                       + (f"近三年研发费用达到销售收入的 {ratio_new}"
                          f"（要求不低于 {pct_of(limit_pct)}）" if sum_rev > 0
                          else f"境内研发费用占比达到 {pct(sum_dom + delta, new_sum_rd)}"),
                       year=yr))
    if code == "c5_rd_domestic" and sum_rd > 0:
        # reclassify / replace overseas work by domestic work, total unchanged
        others = sum_dom - last.rd_domestic_yuan
        need = ceil_fen(Fraction(sum_rd * dom_pct / HUNDRED) - Fraction(others))
        if need <= last.rd_expense_yuan:
            out.append(Gap("rd_domestic_yuan", "境内研发费用", last.rd_domestic_yuan, need,
                           need - last.rd_domestic_yuan, "元", {"rd_domestic_yuan": need}, False,
                           ["c5_rd_domestic"], "",
                           f"{yr} 年境内研发费用需增加 {yuan(need - last.rd_domestic_yuan)}（由 "
                           f"{yuan(last.rd_domestic_yuan)} 增至 {yuan(need)}，研发费用总额不变），"
                           f"境内占比达到 {pct(sum_dom - last.rd_domestic_yuan + need, sum_rd)}",
                           year=yr))
        else:
            out.append(Gap("rd_domestic_yuan", "境内研发费用", last.rd_domestic_yuan, None, None,
                           "元", {}, False, [], "",
                           f"仅调整 {yr} 年境内研发费用（总额不变）无法使境内占比达到 "
                           f"{pct_of(dom_pct)}：最多等于当年研发费用总额", year=yr, fixable=False))
    return out


def _score_options(inp: HighTechInput, rules: HighTechRules,
                   used: list[AnnualFigures]) -> dict[str, list[dict[str, int]]]:
    """Counts that move the IP-count and conversion bands up, smallest first."""
    last = used[-1]
    opts: dict[str, list[dict[str, int]]] = {"ip": [], "conversion": []}
    if last.ip_class_1_count == 0:
        for n in (1, 3, 5):
            if n > last.ip_class_2_count:
                opts["ip"].append({"ip_class_2_count": n})
        opts["ip"].append({"ip_class_1_count": 1})
    total = sum(y.achievements_converted for y in used)
    n_years = len(used)
    current = conversion_band(rules, total, n_years)
    for k, band in reversed(rules.conversion_bands):
        need_latest = k * n_years - (total - last.achievements_converted)
        if band.lo > current.lo and need_latest > last.achievements_converted:
            opts["conversion"].append({"achievements_converted": need_latest})
    return opts


def _score_gaps(inp: HighTechInput, rules: HighTechRules, res: HighTechResult,
                used: list[AnnualFigures], goal: str) -> list[Gap]:
    last = used[-1]
    yr = last.year
    code = "c7_innovation"
    if inp.innovation_score is not None or inp.expert_totals:
        return [Gap("innovation_score", "专家组综合得分", res.score_min, None, None, "分",
                    {}, False, [code], "", "已按专家组综合得分判断，计算项调整不改变该结果",
                    fixable=False)]
    want_min = goal == "likely"

    def score_range(changes: dict[str, Any]) -> tuple[Decimal, Decimal] | None:
        """Only the innovation score of the changed input (the lever moves nothing else)."""
        try:
            changed = inp.with_changes(changes, yr)
            scores, _ = _innovation_scores(changed, rules, _window(changed, rules))
        except PolicyInputError:
            return None
        return (sum((x.points_min for x in scores), ZERO),
                sum((x.points_max for x in scores), ZERO))

    def ok(rng: tuple[Decimal, Decimal] | None) -> bool:
        return rng is not None and (rng[0] if want_min else rng[1]) > rules.pass_score

    target_text = "最低得分超过" if want_min else "最高可能得分超过"
    opts = _score_options(inp, rules, used)
    out: list[Gap] = []
    unreachable = Gap("expert_scores", "专家评价项", None, None, None, "", {}, False, [], "",
                      f"计算项（知识产权数量、成果转化）已无法使创新能力评价{target_text} "
                      f"{rules.pass_score} 分；其余得分取决于专家对技术先进程度、核心支持作用、"
                      "研发组织管理水平和成长性的评价", fixable=False)
    # both count levers at their best first: when even that cannot reach, say so at once
    best = {k: v for group in ("ip", "conversion") if opts[group] for k, v in
            opts[group][-1].items()}
    if not best or not ok(score_range(_with_band_reset(inp, best))):
        return [unreachable]
    for lever_group in ("ip", "conversion"):
        for option in opts[lever_group]:
            changes = _with_band_reset(inp, option)
            rng = score_range(changes)
            if rng is not None and ok(rng):
                out.append(_score_gap(res, rng, changes, last, code, target_text, rules))
                break
        else:
            if opts[lever_group]:
                top = _with_band_reset(inp, opts[lever_group][-1])
                rng = score_range(top)
                after = "" if rng is None else f"（调到最高档后 {_range(*rng)} 分）"
                name = "知识产权数量" if lever_group == "ip" else "科技成果转化"
                out.append(Gap(next(iter(top)), name, None, None, None, "", {}, False, [], "",
                               f"仅提高{name}不能使创新能力评价{target_text} {rules.pass_score} 分"
                               f"{after}", year=yr, fixable=False))
    # both levers together
    if not any(g.fixable for g in out):
        for ip_c, conv_c in itertools.product(opts["ip"], opts["conversion"]):
            changes = _with_band_reset(inp, {**ip_c, **conv_c})
            rng = score_range(changes)
            if rng is not None and ok(rng):
                out.append(_score_gap(res, rng, changes, last, code, target_text, rules))
                break
    if not any(g.fixable for g in out):
        out.append(unreachable)
    return out


def _score_gap(res: HighTechResult, after: tuple[Decimal, Decimal], changes: dict[str, Any],
               last: AnnualFigures, code: str, target_text: str, rules: HighTechRules) -> Gap:
    labels = {"ip_class_1_count": "Ⅰ类知识产权", "ip_class_2_count": "Ⅱ类知识产权",
              "achievements_converted": "科技成果转化数"}
    counts = {k: v for k, v in changes.items() if k in labels}
    parts = [f"{labels[k]}由 {getattr(last, k)} 项增至 {v} 项" for k, v in counts.items()]
    effect = (f"创新能力评价 {_range(res.score_min, res.score_max)} → "
              f"{_range(*after)} 分")
    lever = next(iter(changes))
    cur = getattr(last, lever)
    return Gap(lever if len(counts) == 1 else "+".join(counts),
               "、".join(labels[k] for k in counts), cur, changes[lever],
               changes[lever] - cur, "项", dict(changes), False, [code], effect,
               f"{last.year} 年" + "，".join(parts) + f"；{effect}（{target_text} "
               f"{rules.pass_score} 分）", year=last.year)


_ORDER = ("c2_ip", "c4_st_staff", "c5_rd_ratio", "c5_rd_domestic", "c6_high_tech_revenue",
          "c7_innovation", "c1_registered", "c3_field", "c8_no_incident")


def _gaps(inp: HighTechInput, rules: HighTechRules,
          res: HighTechResult) -> tuple[list[Gap], list[Combination]]:
    goal = "possible" if res.status == "unlikely" else "likely"
    targets = [c.code for c in res.conditions
               if c.passed is False or (goal == "likely" and c.passed is None)]
    targets.sort(key=_ORDER.index)
    gaps: list[Gap] = []
    seen: dict[tuple, Gap] = {}
    for code in targets:
        for g in _lever_gaps(inp, rules, res, code, goal):
            key = (g.lever, tuple(sorted((k, str(v)) for k, v in g.changes.items())))
            if g.changes and key in seen:
                seen[key].fixes = sorted(set(seen[key].fixes) | set(g.fixes), key=_ORDER.index)
                continue
            seen[key] = g
            gaps.append(g)
    for g in gaps:
        if g.fixable and g.changes:
            r = _rerun(inp, rules, g.changes, g.year, res)
            g.sufficient_alone = not isinstance(r, str) and _goal_met(r, goal)
            if isinstance(r, str):
                g.message += f"（按调整后的数据重新评价时：{r}）"
            elif not g.sufficient_alone:
                still = [c.label for c in r.conditions if c.passed is False
                         or (goal == "likely" and c.passed is None)]
                g.message += "；仅调整此项仍不能通过，还需满足：" + "、".join(still)
    combos: list[Combination] = []
    fixable_all = all(any(g.fixable and g.changes for g in gaps if code in g.fixes)
                      for code in targets)
    if not any(g.sufficient_alone for g in gaps) and fixable_all and len(targets) > 1:
        combo = _combination(inp, rules, res, targets, goal)
        if combo is not None:
            combos.append(combo)
    return gaps, combos


def _combination(inp: HighTechInput, rules: HighTechRules, res: HighTechResult,
                 targets: list[str], goal: str) -> Combination | None:
    """Greedy: fix the failing conditions one after another on the adjusted data, then verify."""
    changes: dict[str, Any] = {}
    year = inp.latest.year
    current, cur_res = inp, res
    for code in targets:
        cond = cur_res.condition(code)
        if cond.passed is True or (goal == "possible" and cond.passed is None):
            continue
        options = [g for g in _lever_gaps(current, rules, cur_res, code, goal)
                   if g.fixable and g.changes]
        if not options:
            return None
        g = options[0]
        changes.update(g.changes)
        current = inp.with_changes(changes, year)
        r = _rerun(inp, rules, changes, year, res)
        if isinstance(r, str):
            return None
        cur_res = r
    if not _goal_met(cur_res, goal):
        return None
    parts = []
    for k, v in changes.items():
        if k == "expert_scores":
            parts.append("知识产权数量、成果转化的得分由专家按新档次重新评定")
            continue
        label = FIELD_LABELS.get(k, k)
        if isinstance(v, Decimal):
            parts.append(f"{label}调整为 {yuan(v)}")
        elif isinstance(v, dt.date):
            parts.append(f"申请日期调整为 {v.isoformat()}")
        else:
            parts.append(f"{label}调整为 {v}")
    return Combination(changes, "单项调整均不能通过，需同时调整（" + f"{year} 年）："
                       + "；".join(parts) + f"；调整后：{cur_res.status_label}，创新能力评价 "
                       f"{_range(cur_res.score_min, cur_res.score_max)} 分", year=year,
                       score_after={"min": cur_res.score_min, "max": cur_res.score_max})
