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


@dataclass(frozen=True)
class HighTechInput:
    """An HNTE self-assessment: the fiscal years before the application and the application.

    ``years`` holds the annual figures of up to three fiscal years before the application
    year (fewer when the enterprise has operated less). The declarations default to True
    (the enterprise declares; the platform cannot check). ``expert_scores`` holds items the
    experts judge, as points or a band letter; missing items are reported as (min, max).
    ``innovation_score`` is the expert group's average total, when known (may be fractional).
    """

    years: tuple[AnnualFigures, ...]
    application_date: dt.date
    established_on: dt.date
    industry_code: str = ""
    core_ip_owned: bool = True  # 条件二：知识产权对主要产品（服务）发挥核心支持作用，拥有所有权
    in_supported_field: bool = True  # 条件三：属于《国家重点支持的高新技术领域》
    tech_field: str = ""  # one of TECH_FIELDS (optional)
    no_major_incident: bool = True  # 条件八：申请前一年内无重大安全、质量事故或严重环境违法
    ip_self_developed: bool | None = None  # 获得方式：有自主研发 (A) / 仅受让等 (B)
    participated_in_standards: bool | None = None  # 加分项：参与编制国家/行业标准等
    expert_scores: Mapping[str, Decimal | str] = field(default_factory=dict)
    innovation_score: Decimal | None = None
    certificate_issue_date: dt.date | None = None
    taxable_income_yuan: Decimal | None = None

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
        return cls(**kwargs)

    @property
    def latest(self) -> AnnualFigures:
        return max(self.years, key=lambda y: y.year)

    def with_changes(self, changes: Mapping[str, Any], year: int | None = None) -> HighTechInput:
        """A copy with fields of fiscal ``year`` (default: the latest) and/or input options set."""
        fig = {k: v for k, v in changes.items() if k in ANNUAL_FIELDS}
        other = {k: v for k, v in changes.items() if k not in ANNUAL_FIELDS}
        target = self.latest.year if year is None else year
        years = tuple(y.replace(**fig) if y.year == target and fig else y for y in self.years)
        return dataclasses.replace(self, years=years, **other)


def _parse_expert_value(key: str, value: Any) -> Decimal | str:
    if key not in EXPERT_ITEMS:
        raise PolicyInputError(f"expert_scores.{key}", "未知的评分项目，可用："
                               + "、".join(EXPERT_ITEMS))
    if isinstance(value, str) and value.strip().upper() in {"A", "B", "C", "D", "E", "F"}:
        return value.strip().upper()
    return to_decimal(value, f"expert_scores.{key}")


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
    if len(values) >= 3:
        a, b, c = (Fraction(v) for v in values[-3:])
        if b == 0:
            return None, "第二年为 0，按 0 分计算"
        if a == 0:
            return c / b - 1, "第一年为 0，按后两年计算：第三年 ÷ 第二年 − 1"
        return (b / a + c / b) / 2 - 1, "½ ×（第二年 ÷ 第一年 + 第三年 ÷ 第二年）− 1"
    if len(values) == 2:
        a, b = (Fraction(v) for v in values)
        if a == 0:
            return None, "仅两年数据且第一年为 0，无法计算增长率，按 0 分（[U] 平台约定）"
        return b / a - 1, "实际经营不满三年，按两年计算：第二年 ÷ 第一年 − 1（[U] 平台解释）"
    return None, "实际经营不足两个会计年度，无法计算增长率，按 0 分（[U] 平台约定）"


def growth_band(rules: HighTechRules, rate: Fraction | None) -> PointBand:
    if rate is None or rate <= 0:
        return _F_ZERO
    for minimum, band in rules.growth_bands:
        if rate * 100 >= Fraction(minimum):
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

    # 4 科技人员 ≥ 10%
    st_ok = last.st_staff * HUNDRED >= last.employees * rules.st_staff_min_pct
    conditions.append(Condition(
        "c4_st_staff", f"科技人员占当年职工总数的比例不低于 {pct_of(rules.st_staff_min_pct)}",
        st_ok, _q(Decimal(last.st_staff) / Decimal(last.employees)),
        rules.st_staff_min_pct / HUNDRED,
        f"{last.year} 年科技人员 {last.st_staff} 人 ÷ 职工总数 {last.employees} 人 = "
        f"{pct(last.st_staff, last.employees)}"
        + near_miss(Decimal(last.st_staff), Decimal(last.employees), rules.st_staff_min_pct)))

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
    conditions.append(Condition(
        "c5_rd_ratio", "近三个会计年度研发费用总额占同期销售收入总额的比例符合要求", rd_ok,
        _q(rd_ratio), limit_pct / HUNDRED, rd_msg))
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
        dom_ok, _q(dom_value), rules.domestic_min_pct / HUNDRED, dom_msg))

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
        rules.high_tech_revenue_min_pct / HUNDRED, ht_msg))

    # 7 创新能力评价
    scores, manual = reuse_scores or _innovation_scores(inp, rules, used)
    smin = sum((s.points_min for s in scores), ZERO)
    smax = sum((s.points_max for s in scores), ZERO)
    if inp.innovation_score is not None:
        if not ZERO <= inp.innovation_score <= HUNDRED:
            raise PolicyInputError("innovation_score", "专家组综合得分应在 0–100 之间")
        smin = smax = inp.innovation_score
        notes.append(f"使用专家组综合评价平均分 {inp.innovation_score} 分；各项得分仅供参考")
    if smin > rules.pass_score:
        c7: bool | None = True
        c7_msg = f"综合得分 {_range(smin, smax)} 分，超过 {rules.pass_score} 分"
    elif smax <= rules.pass_score:
        c7 = False
        c7_msg = f"综合得分 {_range(smin, smax)} 分，须超过 {rules.pass_score} 分（不含）"
    else:
        c7 = None
        c7_msg = (f"综合得分区间 {smin}–{smax} 分，是否超过 {rules.pass_score} 分取决于专家评分")
    conditions.append(Condition(
        "c7_innovation",
        f"企业创新能力评价达到要求（综合得分 {rules.pass_score} 分以上，不含）", c7,
        {"min": smin, "max": smax}, rules.pass_score, c7_msg))

    # 8 无重大安全、质量事故或严重环境违法
    conditions.append(Condition(
        "c8_no_incident", "申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为",
        inp.no_major_incident, inp.no_major_incident, True,
        ("符合" if inp.no_major_incident else "不符合") + declared))

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
        "研发费用按年报“研发费用总额”计，应为高新技术企业认定口径（八类费用，委托研发按 80%）",
    ])

    result = HighTechResult(
        rule=RULE, rule_version=rules.version, document=rules.document,
        application_date=inp.application_date, years_used=[y.year for y in used],
        status=status, status_label=STATUS_LABELS[status], eligible=eligible,
        conditions=conditions, scores=scores, score_min=smin, score_max=smax,
        pass_score=rules.pass_score, rd_ratio=_q(rd_ratio), rd_ratio_limit=limit_pct / HUNDRED,
        needs_manual_review=manual, reasons=reasons,
        certificate=_certificate(inp, rules), notes=notes,
    )
    if gaps and status != "likely":
        result.gaps, result.combinations = _gaps(inp, rules, result)
    return result


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


def _innovation_scores(inp: HighTechInput, rules: HighTechRules,
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
    conv = _item(inp, "conversion", 30, (), conv_band, _q(Decimal(total_conv) / Decimal(n)),
                 f"近 {n} 年科技成果转化 {total_conv} 项，年平均 "
                 f"{(Decimal(total_conv) / Decimal(n)).quantize(Decimal('0.01'))} 项 → "
                 f"{conv_band.letter} 档（{conv_band.lo}–{conv_band.hi} 分）")
    conversion = Score("conversion", "科技成果转化能力", Decimal(30), conv.points_min,
                       conv.points_max, conv.band, conv.band_label, conv.value, conv.message,
                       source=conv.source, parts=[conv])

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
    if inp.innovation_score is not None:
        return [Gap("innovation_score", "专家组综合得分", inp.innovation_score, None, None, "分",
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
