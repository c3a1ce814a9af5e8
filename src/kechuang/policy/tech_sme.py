"""科技型中小企业评价 (tech SME evaluation), 国科发政〔2017〕115号 — policy-rules.md §a.

Pure function ``evaluate_tech_sme(TechSmeInput) -> TechSmeResult``: eligibility (第六条),
the three scored indicators (第七条), the fast track (第八条) and, for a failed result, the
smallest change of each lever that would make it pass (``gaps``) — the question clerks are
asked most ("how much more R&D do we need?").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kechuang.policy.amounts import HUNDRED, ZERO, ceil_fen, ceil_int, near_miss, pct, pct_of, yuan
from kechuang.policy.inputs import (
    ANNUAL_FIELDS,
    AnnualFigures,
    PolicyInputError,
    pick,
    to_bool,
    to_date,
    to_year,
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

RULE = "tech_sme"


# -- rule sets -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Band:
    """A band of a ratio indicator: ratio ≥ lower_pct % (inclusive) gives ``points``."""

    lower_pct: Decimal
    points: int
    letter: str


@dataclass(frozen=True)
class TechSmeRules:
    """Thresholds of one version of the tech SME rules, with the document they come from."""

    version: str
    document: str
    valid_from: int
    valid_to: int | None
    max_employees: int
    max_revenue_yuan: Decimal
    max_assets_yuan: Decimal
    pass_total: int
    st_max: int
    st_bands: tuple[Band, ...]  # highest first; below the last → 0 points, letter F
    rd_max: int
    rd_revenue_bands: tuple[Band, ...]
    # [U] 成本费用支出总额 composition (whether 研发费用 is inside) is unverified: the engine takes
    # total_costs_yuan as reported and never adds R&D to it.
    rd_costs_bands: tuple[Band, ...]
    ip_max: int
    ip_class_1_points: int  # ≥1 项 Ⅰ类
    ip_class_2_bands: tuple[tuple[int, int, str], ...]  # (min count, points, letter), highest first


def _bands(*rows: tuple[int, int, str]) -> tuple[Band, ...]:
    return tuple(Band(Decimal(p), pts, letter) for p, pts, letter in rows)


TECH_SME_2017 = register(RULE, TechSmeRules(
    version="tech_sme/2017-115",
    document="国科发政〔2017〕115号《科技型中小企业评价办法》",
    valid_from=2017,  # 发文/生效 2017-05-03; used for every evaluation year since
    valid_to=None,
    max_employees=500,
    max_revenue_yuan=Decimal(200_000_000),
    max_assets_yuan=Decimal(200_000_000),
    pass_total=60,
    st_max=20,
    st_bands=_bands((30, 20, "A"), (25, 16, "B"), (20, 12, "C"), (15, 8, "D"), (10, 4, "E")),
    rd_max=50,
    rd_revenue_bands=_bands((6, 50, "A"), (5, 40, "B"), (4, 30, "C"), (3, 20, "D"),
                            (2, 10, "E")),
    rd_costs_bands=_bands((30, 50, "A"), (25, 40, "B"), (20, 30, "C"), (15, 20, "D"),
                          (10, 10, "E")),
    ip_max=30,
    ip_class_1_points=30,
    ip_class_2_bands=((4, 24, "B"), (3, 18, "C"), (2, 12, "D"), (1, 6, "E")),
))


def band_label(bands: tuple[Band, ...], band: Band | None) -> str:
    """'B：25%（含）–30%' — the official wording of a band."""
    if band is None:
        return f"F：低于 {pct_of(bands[-1].lower_pct)}"
    i = bands.index(band)
    if i == 0:
        return f"{band.letter}：{pct_of(band.lower_pct)}（含）以上"
    return f"{band.letter}：{pct_of(band.lower_pct)}（含）–{pct_of(bands[i - 1].lower_pct)}"


def ratio_band(num: Decimal, den: Decimal, bands: tuple[Band, ...]) -> Band | None:
    """The band of num/den, compared unrounded (num×100 ≥ den×lower%); None = below all.

    [U] whether an authority would round 2.995% up to 3.00% is not stated anywhere; we never
    round before comparing (policy-rules.md, general rule 1).
    """
    scaled = num * HUNDRED
    for b in bands:
        if scaled >= den * b.lower_pct:
            return b
    return None


def _pts(b: Band | None) -> int:
    return b.points if b is not None else 0


def st_points(rules: TechSmeRules, st_staff: int, employees: int) -> int:
    return _pts(ratio_band(Decimal(st_staff), Decimal(employees), rules.st_bands))


def rd_points(rules: TechSmeRules, rd: Decimal, revenue: Decimal, costs: Decimal) -> int:
    """The higher of the two R&D ratio scores (a ratio with a zero base scores 0)."""
    p1 = _pts(ratio_band(rd, revenue, rules.rd_revenue_bands)) if revenue > 0 else 0
    p2 = _pts(ratio_band(rd, costs, rules.rd_costs_bands)) if costs > 0 else 0
    return max(p1, p2)


def ip_points(rules: TechSmeRules, class_1: int, class_2: int) -> tuple[int, str]:
    """IP points, evaluated top-down: any Ⅰ类 item gives the maximum (counts are not added)."""
    if class_1 >= 1:
        return rules.ip_class_1_points, "A"
    for n, points, letter in rules.ip_class_2_bands:
        if class_2 >= n:
            return points, letter
    return 0, "F"


# -- input -----------------------------------------------------------------------------------

_FLAG_FIELDS = ("resident_enterprise", "products_not_restricted", "no_major_incident",
                "has_valid_high_tech_certificate", "national_sci_award_top3",
                "has_provincial_rd_institution", "led_standard_drafting")


@dataclass(frozen=True)
class TechSmeInput:
    """One enterprise-year for the tech SME evaluation.

    ``figures`` is the data year (上一会计年度 — [U] policy-rules.md §a); the evaluation year
    defaults to ``figures.year + 1``. The three 第六条 declarations default to True: the
    platform cannot check them, the enterprise declares them (shown as 企业声明).
    """

    figures: AnnualFigures
    industry_code: str = ""
    established_on: dt.date | None = None
    evaluation_year: int | None = None
    # 第六条 (一)(三)(四): declarations
    resident_enterprise: bool = True  # (一) 境内注册的居民企业
    products_not_restricted: bool = True  # (三) 产品和服务不属于禁止、限制和淘汰类
    no_major_incident: bool = True  # (四) 无重大事故、严重违法失信，未列入异常名录
    # 第八条 直通车: any one, with (一)–(四) met
    has_valid_high_tech_certificate: bool = False  # 有效期内高新技术企业资格证书
    national_sci_award_top3: bool = False  # 近五年国家级科技奖励，获奖单位前三名
    has_provincial_rd_institution: bool = False  # 经认定的省部级以上研发机构
    led_standard_drafting: bool = False  # 近五年主导制定国际/国家/行业标准（起草单位前五名）

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TechSmeInput:
        """Parse a flat dict: the annual-report fields plus the options above."""
        kwargs: dict[str, Any] = {"figures": AnnualFigures.from_dict(data)}
        kwargs["industry_code"] = str(data.get("industry_code") or "").strip().upper()
        kwargs["established_on"] = pick(data, "established_on", to_date)
        kwargs["evaluation_year"] = pick(data, "evaluation_year", to_year)
        for name in _FLAG_FIELDS:
            value = pick(data, name, to_bool)
            if value is not None:
                kwargs[name] = value
        return cls(**kwargs)

    def with_changes(self, changes: Mapping[str, Any]) -> TechSmeInput:
        """A copy with annual-report fields changed (to re-run a suggested gap)."""
        fig = {k: v for k, v in changes.items() if k in ANNUAL_FIELDS}
        other = {k: v for k, v in changes.items() if k not in ANNUAL_FIELDS}
        return dataclasses.replace(self, figures=self.figures.replace(**fig), **other)

    @property
    def direct_path_reasons(self) -> list[str]:
        labels = {
            "has_valid_high_tech_certificate": "拥有有效期内高新技术企业资格证书",
            "national_sci_award_top3": "近五年内获得过国家级科技奖励并在获奖单位中排在前三名",
            "has_provincial_rd_institution": "拥有经认定的省部级以上研发机构",
            "led_standard_drafting": "近五年内主导制定过国际标准、国家标准或行业标准",
        }
        return [text for name, text in labels.items() if getattr(self, name)]


INPUT_FIELDS = frozenset(ANNUAL_FIELDS) | {"industry_code", "established_on",
                                           "evaluation_year", *_FLAG_FIELDS}


# -- result ----------------------------------------------------------------------------------


@dataclass
class TechSmeResult(ResultBase):
    """The evaluation, explained: conditions, scores with bands, reasons and gaps."""

    rule: str
    rule_version: str
    document: str
    data_year: int
    evaluation_year: int
    eligible: bool
    path: str | None  # "direct" (直通车) | "score" (综合评价) | None (不符合)
    total: int
    pass_total: int
    max_total: int
    conditions: list[Condition]
    scores: list[Score]
    reasons: list[str]
    gaps: list[Gap] = field(default_factory=list)
    combinations: list[Combination] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    disclaimer: str = DISCLAIMER

    def score(self, code: str) -> Score:
        """An indicator or sub-item by code (``rd_revenue``/``rd_costs`` are parts of ``rd``)."""
        for s in self.scores:
            if s.code == code:
                return s
            for p in s.parts:
                if p.code == code:
                    return p
        raise KeyError(code)

    def condition(self, code: str) -> Condition:
        return next(c for c in self.conditions if c.code == code)

    def to_row(self) -> dict[str, Any]:
        """Flat columns for batch output."""
        return {
            "result_rule_version": self.rule_version,
            "result_eligible": "是" if self.eligible else "否",
            "result_path": {"direct": "直通车", "score": "综合评价"}.get(self.path or "", ""),
            "result_total": self.total,
            "result_st_staff_score": int(self.score("st_staff").points_min),
            "result_rd_score": int(self.score("rd").points_min),
            "result_ip_score": int(self.score("ip").points_min),
            "result_reasons": "；".join(self.reasons),
            "result_gaps": "；".join(g.message for g in self.gaps),
        }


# -- evaluation ------------------------------------------------------------------------------


def rules_for(inp: TechSmeInput) -> TechSmeRules:
    return select(RULE, _evaluation_year(inp))


def _evaluation_year(inp: TechSmeInput) -> int:
    if inp.evaluation_year is not None:
        return inp.evaluation_year
    if inp.figures.year <= 0:
        raise PolicyInputError("year", "缺少数据年度（上一会计年度）")
    return inp.figures.year + 1


def evaluate_tech_sme(inp: TechSmeInput, *, rules: TechSmeRules | None = None,
                      gaps: bool = True) -> TechSmeResult:
    """Evaluate one enterprise-year; ``gaps=False`` skips the what-would-it-take search."""
    f = inp.figures
    f.check_staff()
    eval_year = _evaluation_year(inp)
    rules = rules or select(RULE, eval_year)

    conditions: list[Condition] = []
    declared = "（企业声明，平台未核实）"
    conditions.append(Condition(
        "c1_resident", "在中国境内（不含港澳台）注册的居民企业", inp.resident_enterprise,
        inp.resident_enterprise, True,
        ("符合" if inp.resident_enterprise else "不符合") + declared))
    conditions.append(Condition(
        "c2_employees", f"职工总数不超过 {rules.max_employees} 人",
        f.employees <= rules.max_employees, f.employees, rules.max_employees,
        f"职工总数 {f.employees} 人，上限 {rules.max_employees} 人（含）"))
    conditions.append(Condition(
        "c2_revenue", "年销售收入不超过 2 亿元", f.revenue_yuan <= rules.max_revenue_yuan,
        f.revenue_yuan, rules.max_revenue_yuan,
        f"销售收入 {yuan(f.revenue_yuan)}，上限 {yuan(rules.max_revenue_yuan)}（含）"))
    conditions.append(Condition(
        "c2_assets", "资产总额不超过 2 亿元", f.total_assets_yuan <= rules.max_assets_yuan,
        f.total_assets_yuan, rules.max_assets_yuan,
        f"资产总额 {yuan(f.total_assets_yuan)}，上限 {yuan(rules.max_assets_yuan)}（含）"))
    conditions.append(Condition(
        "c3_products", "产品和服务不属于国家规定的禁止、限制和淘汰类",
        inp.products_not_restricted, inp.products_not_restricted, True,
        ("符合" if inp.products_not_restricted else "不符合") + declared))
    conditions.append(Condition(
        "c4_integrity", "上一年及当年内无重大安全、质量事故和严重环境违法、科研严重失信行为，"
        "未列入经营异常名录和严重违法失信企业名单", inp.no_major_incident,
        inp.no_major_incident, True,
        ("符合" if inp.no_major_incident else "不符合") + declared))
    basic_ok = all(c.passed for c in conditions)

    scores = _scores(rules, f)
    st_score = int(scores[0].points_min)
    total = sum(int(s.points_min) for s in scores)
    direct = inp.direct_path_reasons
    on_direct_path = basic_ok and bool(direct)

    if on_direct_path:
        not_applicable = "直通车企业免于综合评价，本条不适用"
        conditions.append(Condition("c5_total", f"综合评价得分不低于 {rules.pass_total} 分",
                                    None, total, rules.pass_total,
                                    f"{not_applicable}（参考得分 {total} 分）"))
        conditions.append(Condition("c5_st_staff", "科技人员指标得分不为 0 分", None,
                                    st_score, 0, not_applicable))
    else:
        conditions.append(Condition(
            "c5_total", f"综合评价得分不低于 {rules.pass_total} 分",
            total >= rules.pass_total, total, rules.pass_total,
            f"综合得分 {total} 分，须不低于 {rules.pass_total} 分"))
        conditions.append(Condition(
            "c5_st_staff", "科技人员指标得分不为 0 分", st_score != 0, st_score, 0,
            f"科技人员指标得分 {st_score} 分" + ("" if st_score else "，不得为 0 分")))
    conditions.append(Condition(
        "direct_path", "直通车（第八条）", on_direct_path, "；".join(direct) or "无", "任一项",
        ("符合直通车条件：" + "；".join(direct) if basic_ok
         else "勾选了直通车条件，但第六条（一）至（四）项未全部满足，不能走直通车")
        if direct else "不符合直通车条件（均未勾选）"))

    eligible = on_direct_path or (basic_ok and total >= rules.pass_total and st_score != 0)
    path = ("direct" if on_direct_path else "score") if eligible else None

    reasons: list[str] = []
    if on_direct_path:
        reasons.append("符合第六条（一）至（四）项且" + "、".join(direct) + "，按第八条直接确认"
                       "符合评价条件")
    elif eligible:
        reasons.append(f"综合得分 {total} 分（不低于 {rules.pass_total} 分），科技人员指标得分"
                       f" {st_score} 分（不为 0），符合评价条件")
    else:
        reasons.extend(f"{c.label}：{c.message}" for c in conditions
                       if c.passed is False and c.code != "direct_path")

    result = TechSmeResult(
        rule=RULE, rule_version=rules.version, document=rules.document, data_year=f.year,
        evaluation_year=eval_year, eligible=eligible, path=path, total=total,
        pass_total=rules.pass_total, max_total=rules.st_max + rules.rd_max + rules.ip_max,
        conditions=conditions, scores=scores, reasons=reasons,
        notes=[
            "指标使用上一会计年度数据（[U] 未核实，见 policy-rules.md §a）",
            "研发投入按两项比例分别计分，取较高者（官方为企业择一，平台代为选择有利项）",
            "成本费用支出总额的口径（是否含研发费用）未核实 [U]",
        ],
    )
    if gaps and not eligible:
        result.gaps, result.combinations = _gaps(inp, rules, result, basic_ok)
    return result


def _scores(rules: TechSmeRules, f: AnnualFigures) -> list[Score]:
    st_band = ratio_band(Decimal(f.st_staff), Decimal(f.employees), rules.st_bands)
    st = _score("st_staff", "科技人员指标", rules.st_max, st_band, rules.st_bands,
                Decimal(f.st_staff) / Decimal(f.employees),
                f"科技人员 {f.st_staff} 人 ÷ 职工总数 {f.employees} 人 = "
                f"{pct(f.st_staff, f.employees)}"
                + near_miss(Decimal(f.st_staff), Decimal(f.employees),
                            st_band.lower_pct if st_band else rules.st_bands[-1].lower_pct))

    if f.revenue_yuan > 0:
        b1 = ratio_band(f.rd_expense_yuan, f.revenue_yuan, rules.rd_revenue_bands)
        r1 = _score("rd_revenue", "研发费用总额占销售收入总额的比例", rules.rd_max, b1,
                    rules.rd_revenue_bands, f.rd_expense_yuan / f.revenue_yuan,
                    f"研发费用 {yuan(f.rd_expense_yuan)} ÷ 销售收入 {yuan(f.revenue_yuan)} = "
                    f"{pct(f.rd_expense_yuan, f.revenue_yuan)}")
    else:
        r1 = Score("rd_revenue", "研发费用总额占销售收入总额的比例", Decimal(rules.rd_max), ZERO,
                   ZERO, "F", "不可计算", None, "销售收入为 0，该比例无法计算，按 0 分")
    if f.total_costs_yuan > 0:
        b2 = ratio_band(f.rd_expense_yuan, f.total_costs_yuan, rules.rd_costs_bands)
        r2 = _score("rd_costs", "研发费用总额占成本费用支出总额的比例", rules.rd_max, b2,
                    rules.rd_costs_bands, f.rd_expense_yuan / f.total_costs_yuan,
                    f"研发费用 {yuan(f.rd_expense_yuan)} ÷ 成本费用支出总额 "
                    f"{yuan(f.total_costs_yuan)} = {pct(f.rd_expense_yuan, f.total_costs_yuan)}")
    else:
        r2 = Score("rd_costs", "研发费用总额占成本费用支出总额的比例", Decimal(rules.rd_max), ZERO,
                   ZERO, "F", "不可计算", None, "成本费用支出总额为 0，该比例无法计算，按 0 分")
    use_first = r1.points_min >= r2.points_min
    r1.used, r2.used = use_first, not use_first
    chosen = r1 if use_first else r2
    rd = Score("rd", "研发投入指标", Decimal(rules.rd_max), chosen.points_min, chosen.points_max,
               chosen.band, chosen.band_label, chosen.value,
               f"两项比例分别得 {r1.points_min} 分、{r2.points_min} 分，取较高者：{chosen.label}",
               parts=[r1, r2])

    ip_p, ip_letter = ip_points(rules, f.ip_class_1_count, f.ip_class_2_count)
    ip_labels = {"A": "1 项及以上Ⅰ类知识产权", "B": "4 项及以上Ⅱ类知识产权", "C": "3 项Ⅱ类知识产权",
                 "D": "2 项Ⅱ类知识产权", "E": "1 项Ⅱ类知识产权", "F": "没有知识产权"}
    ip = Score("ip", "科技成果指标（知识产权）", Decimal(rules.ip_max), Decimal(ip_p),
               Decimal(ip_p),
               ip_letter, f"{ip_letter}：{ip_labels[ip_letter]}",
               {"ip_class_1_count": f.ip_class_1_count, "ip_class_2_count": f.ip_class_2_count},
               f"Ⅰ类 {f.ip_class_1_count} 项、Ⅱ类 {f.ip_class_2_count} 项，按从高到低的档次计分"
               "（Ⅰ类与Ⅱ类不累加）")
    return [st, rd, ip]


def _score(code: str, label: str, max_points: int, band: Band | None, bands: tuple[Band, ...],
           value: Decimal, message: str) -> Score:
    p = Decimal(_pts(band))
    return Score(code, label, Decimal(max_points), p, p, band.letter if band else "F",
                 band_label(bands, band), value.quantize(Decimal("0.000001"), "ROUND_DOWN"),
                 message)


# -- gaps ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Option:
    lever: str
    changes: dict[str, Any]
    points: int  # the indicator's points after the change
    indicator: str  # st_staff | rd | ip
    detail: str


def _st_options(rules: TechSmeRules, f: AnnualFigures) -> list[_Option]:
    best = st_points(rules, f.st_staff, f.employees)
    out = []
    for b in reversed(rules.st_bands):
        need = ceil_int(Decimal(f.employees) * b.lower_pct / HUNDRED)
        # the rounded-up headcount may reach a higher band than b (3 staff: 1 person = 33%)
        p = st_points(rules, need, f.employees)
        if p > best and f.st_staff < need <= f.employees:
            best = p
            out.append(_Option("st_staff", {"st_staff": need}, p, "st_staff",
                               f"占比达到 {pct(need, f.employees)}"))
    return out


def _rd_options(rules: TechSmeRules, f: AnnualFigures) -> list[_Option]:
    current = rd_points(rules, f.rd_expense_yuan, f.revenue_yuan, f.total_costs_yuan)
    candidates: dict[Decimal, str] = {}
    if f.revenue_yuan > 0:
        for b in rules.rd_revenue_bands:
            need = ceil_fen(f.revenue_yuan * b.lower_pct / HUNDRED)
            candidates.setdefault(need, "revenue")
    if f.total_costs_yuan > 0:
        for b in rules.rd_costs_bands:
            need = ceil_fen(f.total_costs_yuan * b.lower_pct / HUNDRED)
            candidates.setdefault(need, "costs")
    out: list[_Option] = []
    best = current
    for need in sorted(candidates):
        if need <= f.rd_expense_yuan:
            continue
        p = rd_points(rules, need, f.revenue_yuan, f.total_costs_yuan)
        if p > best:
            best = p
            via = candidates[need]
            detail = (f"达到销售收入的 {pct(need, f.revenue_yuan)}" if via == "revenue"
                      else f"达到成本费用支出总额的 {pct(need, f.total_costs_yuan)}")
            out.append(_Option("rd_expense_yuan", {"rd_expense_yuan": need}, p, "rd", detail))
    return out


def _ip_options(rules: TechSmeRules, f: AnnualFigures) -> list[_Option]:
    if f.ip_class_1_count >= 1:
        return []
    current, _ = ip_points(rules, 0, f.ip_class_2_count)
    out = []
    for n, points, _letter in reversed(rules.ip_class_2_bands):
        if points > current and n > f.ip_class_2_count:
            out.append(_Option("ip_class_2_count", {"ip_class_2_count": n}, points, "ip",
                               f"Ⅱ类知识产权达到 {n} 项"))
    out.append(_Option("ip_class_1_count", {"ip_class_1_count": 1}, rules.ip_class_1_points,
                       "ip", "拥有 1 项Ⅰ类知识产权（如发明专利）"))
    return out


_LEVER_LABELS = {"st_staff": "科技人员数", "rd_expense_yuan": "研发费用总额",
                 "ip_class_1_count": "Ⅰ类知识产权", "ip_class_2_count": "Ⅱ类知识产权"}
_INDICATOR_LABELS = {"st_staff": "科技人员指标", "rd": "研发投入指标", "ip": "科技成果指标"}


def _gaps(inp: TechSmeInput, rules: TechSmeRules, res: TechSmeResult,
          basic_ok: bool) -> tuple[list[Gap], list[Combination]]:
    f = inp.figures
    gaps: list[Gap] = []
    # conditions no lever can fix
    unfixable = {
        "c1_resident": ("resident_enterprise",
                        "须为境内注册的居民企业，调整研发投入等指标无法改变"),
        "c2_employees": ("employees", f"职工总数超过 {rules.max_employees} 人，不属于科技型中小企业"
                         "范围，调整研发投入、科技人员或知识产权均无法改变"),
        "c2_revenue": ("revenue_yuan", "销售收入超过 2 亿元，不属于科技型中小企业范围，"
                       "调整研发投入、科技人员或知识产权均无法改变"),
        "c2_assets": ("total_assets_yuan", "资产总额超过 2 亿元，不属于科技型中小企业范围，调整研发"
                      "投入、科技人员或知识产权均无法改变"),
        "c3_products": ("products_not_restricted", "产品和服务属于禁止、限制或淘汰类，须调整主营"
                        "产品后方可参评"),
        "c4_integrity": ("no_major_incident", "存在重大事故、严重违法失信或经营异常记录，整改或移出"
                         "名录前不能参评"),
    }
    for c in res.conditions:
        if c.passed is False and c.code in unfixable:
            lever, text = unfixable[c.code]
            gaps.append(Gap(lever, c.label, c.value, c.limit, None, "", {}, False, [c.code],
                            "", text, fixable=False))

    st_p = int(res.score("st_staff").points_min)
    rd_p = int(res.score("rd").points_min)
    ip_p = int(res.score("ip").points_min)
    current = {"st_staff": st_p, "rd": rd_p, "ip": ip_p}

    def passes(points: dict[str, int]) -> bool:
        return sum(points.values()) >= rules.pass_total and points["st_staff"] != 0

    options = {"st_staff": _st_options(rules, f), "rd": _rd_options(rules, f),
               "ip": _ip_options(rules, f)}
    if passes(current):
        return gaps, []
    blocked = "" if basic_ok else "（另有上述条件不符合，仅改此项仍不能通过）"
    for indicator in ("rd", "st_staff", "ip"):
        for lever in dict.fromkeys(o.lever for o in options[indicator]):
            opts = [o for o in options[indicator] if o.lever == lever]
            chosen = None
            for o in opts:
                if passes({**current, indicator: o.points}):
                    chosen = o
                    break
            alone = chosen is not None
            o = chosen or opts[0]  # not enough alone: show the first step and why
            gaps.append(_gap(inp, rules, o, current, alone and basic_ok, blocked if alone else
                             _why_not_alone(rules, current, indicator, opts)))
    for indicator, opts in options.items():
        if not opts:
            reason = _no_option_reason(rules, f, indicator, current[indicator])
            if reason:
                lever = {"st_staff": "st_staff", "rd": "rd_expense_yuan",
                         "ip": "ip_class_1_count"}[indicator]
                gaps.append(Gap(lever, _LEVER_LABELS[lever], None, None, None, "", {}, False, [],
                                "", reason, fixable=False))

    combos: list[Combination] = []
    if basic_ok and not any(g.sufficient_alone for g in gaps):
        combos = _combinations(rules, f, current, options, passes)
        if not combos:
            gaps.append(Gap("combination", "组合调整", None, None, None, "", {}, False, [], "",
                            "即使科技人员、研发投入和知识产权均调整到可达的最高档，仍不能满足"
                            f"综合得分不低于 {rules.pass_total} 分且科技人员指标不为 0",
                            fixable=False))
    return gaps, combos


def _gap(inp: TechSmeInput, rules: TechSmeRules, o: _Option, current: dict[str, int],
         alone: bool, suffix: str) -> Gap:
    f = inp.figures
    old_total = sum(current.values())
    new_total = old_total - current[o.indicator] + o.points
    effect = (f"{_INDICATOR_LABELS[o.indicator]}得分 {current[o.indicator]} → {o.points}"
              f"（+{o.points - current[o.indicator]} 分），总分 {old_total} → {new_total}")
    (field_name, target), = o.changes.items()
    cur = getattr(f, field_name)
    delta = target - cur
    if field_name == "rd_expense_yuan":
        msg = f"研发费用需增加 {yuan(delta)}（由 {yuan(cur)} 增至 {yuan(target)}），{o.detail}"
        unit = "元"
    elif field_name == "st_staff":
        msg = (f"科技人员需增加 {delta} 人（由 {cur} 人增至 {target} 人，职工总数 {f.employees} 人"
               f"不变），{o.detail}")
        unit = "人"
    elif field_name == "ip_class_1_count":
        msg = "需新增 1 项Ⅰ类知识产权（发明专利、植物新品种、集成电路布图设计专有权等）"
        unit = "项"
    else:
        msg = f"Ⅱ类知识产权需增加 {delta} 项（由 {cur} 项增至 {target} 项）"
        unit = "项"
    msg += f"；{effect}" + suffix
    fixes = [code for code, failing in (("c5_total", old_total < rules.pass_total),
                                        ("c5_st_staff", current["st_staff"] == 0)) if failing]
    return Gap(field_name, _LEVER_LABELS[field_name], cur, target, delta, unit, dict(o.changes),
               alone, fixes if alone else [], effect, msg)


def _why_not_alone(rules: TechSmeRules, current: dict[str, int], indicator: str,
                   opts: list[_Option]) -> str:
    best = max(o.points for o in opts)
    if indicator != "st_staff" and current["st_staff"] == 0:
        return "；科技人员指标得分为 0 分，仅调整此项不能通过，须同时增加科技人员（见组合方案）"
    total = sum(current.values()) - current[indicator] + best
    return (f"；此项单独调整到最高档（{best} 分）总分也只有 {total} 分，"
            f"不足 {rules.pass_total} 分，须与其他指标组合（见组合方案）")


def _no_option_reason(rules: TechSmeRules, f: AnnualFigures, indicator: str,
                      points: int) -> str:
    if indicator == "rd" and f.revenue_yuan <= 0 and f.total_costs_yuan <= 0:
        return "销售收入和成本费用支出总额均为 0，研发投入指标无法计算，增加研发费用不能得分"
    return ""


def _combinations(rules: TechSmeRules, f: AnnualFigures, current: dict[str, int],
                  options: dict[str, list[_Option]], passes) -> list[Combination]:
    """Minimal-size lever sets that pass; per set, the variant that overshoots least."""
    choices = {k: [None, *v] for k, v in options.items()}
    best: dict[tuple[str, ...], tuple[tuple, dict, int]] = {}
    for st_o, rd_o, ip_o in itertools.product(choices["st_staff"], choices["rd"], choices["ip"]):
        picked = [o for o in (st_o, rd_o, ip_o) if o is not None]
        points = dict(current)
        for o in picked:
            points[o.indicator] = o.points
        if not picked or not passes(points):
            continue
        key = tuple(o.lever for o in picked)
        total = sum(points.values())
        changes: dict[str, Any] = {}
        for o in picked:
            changes.update(o.changes)
        rank = (total, *(changes[k] - getattr(f, k) for k in changes))
        if key not in best or rank < best[key][0]:
            best[key] = (rank, changes, total)
    if not best:
        return []
    size = min(len(k) for k in best)
    out = []
    for key, (_rank, changes, total) in sorted(best.items(), key=lambda kv: kv[1][0]):
        if len(key) != size:
            continue
        parts = []
        for name, target in changes.items():
            cur = getattr(f, name)
            if name == "rd_expense_yuan":
                parts.append(f"研发费用增加 {yuan(target - cur)}（至 {yuan(target)}）")
            elif name == "st_staff":
                parts.append(f"科技人员增加 {target - cur} 人（至 {target} 人）")
            elif name == "ip_class_1_count":
                parts.append("新增 1 项Ⅰ类知识产权")
            else:
                parts.append(f"Ⅱ类知识产权增加 {target - cur} 项（至 {target} 项）")
        out.append(Combination(changes, "单项调整均不能通过，需同时：" + "，".join(parts)
                               + f"；调整后总分 {total} 分", year=f.year, score_after=total))
    return out
