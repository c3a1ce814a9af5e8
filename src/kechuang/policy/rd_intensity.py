"""R&D投入强度 (R&D intensity), policy-rules.md §i.

Two figures share one shape: the **regional** intensity (R&D 经费内部支出 ÷ 地区生产总值, the
wording of the 《全国科技经费投入统计公报》) and the **enterprise** intensity (研发费用 ÷ 营业收入,
a platform convention whose 研发费用 scope must always be named). The statistics bureau
publishes the regional figure; the platform records it with its source and may show its own
estimate beside it, labelled, but never presents the estimate as the statistic.
Display is half-up to 2 decimals (in %); the exact ratio is exposed for checkers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.policy.amounts import ZERO, yuan
from kechuang.policy.inputs import PolicyInputError, pick, to_decimal, to_year, unknown_keys
from kechuang.policy.registry import register, select
from kechuang.policy.results import DISCLAIMER, Condition, ResultBase

RULE = "rd_intensity"


@dataclass(frozen=True)
class RdIntensityRules:
    """How the intensity is defined and shown (display places are a platform choice)."""

    version: str
    document: str
    valid_from: int
    valid_to: int | None
    display_places: int = 2


RD_INTENSITY_STATS = register(RULE, RdIntensityRules(
    version="rd_intensity/statistics",
    document="《全国科技经费投入统计公报》（国家统计局、科技部、财政部）口径；企业口径为平台约定",
    valid_from=1990, valid_to=None))

# enterprise 研发费用 scopes (policy-rules.md §i: 加计扣除 scope unless the user selects another)
SCOPES: dict[str, str] = {
    "deduction": "加计扣除口径（财税〔2015〕119号 六类费用）",
    "high_tech": "高新技术企业认定口径（国科发火〔2016〕195号 八类费用）",
    "accounting": "会计核算口径（利润表“研发费用”）",
    # what the platform holds: the 研发费用总额 an enterprise filled in its annual report
    "annual_report": "企业年报（未经审计）",
}

FIGURE_LABELS = {
    "official": "官方统计数据",
    "estimate": "平台估算（非官方统计数据）",
    "convention": "企业研发投入强度（平台口径，非官方统计指标）",
}


def half_up_pct(ratio: Fraction, places: int = 2) -> Decimal:
    """ratio × 100 rounded half up to ``places`` decimals, exactly (2.445% → 2.45%,
    2.4449…% → 2.44%): no binary or 28-digit intermediate can tip a half."""
    f = ratio * 100 * 10 ** places
    q, r = divmod(abs(f.numerator), f.denominator)
    if 2 * r >= f.denominator:
        q += 1
    return Decimal(q if f >= 0 else -q).scaleb(-places)


# -- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionalRdInput:
    """A region-year: the published figure and/or the raw amounts for an estimate.

    ``official_intensity_pct`` is the value the statistics bureau published (in %, e.g.
    2.44) with ``official_source``; ``rd_expenditure_yuan`` ÷ ``gdp_yuan`` is the platform's
    own estimate (R&D 经费内部支出 ÷ 地区生产总值).
    """

    region: str
    year: int
    rd_expenditure_yuan: Decimal | None = None
    gdp_yuan: Decimal | None = None
    official_intensity_pct: Decimal | None = None
    official_source: str = ""
    # where rd_expenditure_yuan comes from when it is a sum the platform made: its label and how
    # many enterprises' reports it covers (None: an amount entered as it is)
    rd_source: str = ""
    rd_coverage: int | None = None

    def __post_init__(self) -> None:
        for name in ("rd_expenditure_yuan", "gdp_yuan", "official_intensity_pct"):
            _refuse_negative(name, getattr(self, name))
        if self.rd_coverage is not None and self.rd_coverage < 0:
            raise PolicyInputError("rd_coverage", "填报企业数不能为负数")


@dataclass(frozen=True)
class EnterpriseRdInput:
    """An enterprise-year: 研发费用 ÷ 营业收入 with the scope the R&D figure was collected in."""

    enterprise: str
    year: int
    rd_expense_yuan: Decimal
    revenue_yuan: Decimal  # 营业收入（主营业务收入 + 其他业务收入）
    scope: str = "deduction"

    def __post_init__(self) -> None:
        _refuse_negative("rd_expense_yuan", self.rd_expense_yuan)
        _refuse_negative("revenue_yuan", self.revenue_yuan)
        if self.scope not in SCOPES:
            raise PolicyInputError("scope", f"研发费用口径应为 {'、'.join(SCOPES)} 之一，"
                                   f"实际为“{self.scope}”")


def _refuse_negative(name: str, value: Decimal | None) -> None:
    if value is not None and value < 0:
        raise PolicyInputError(name, f"不能为负数（{value}）")


_REGIONAL_KEYS = {"level", "region", "year", "rd_expenditure_yuan", "gdp_yuan",
                  "official_intensity_pct", "official_source"}
_ENTERPRISE_KEYS = {"level", "enterprise", "name", "credit_code", "year", "rd_expense_yuan",
                    "revenue_yuan", "scope"}


def parse_rd_intensity(data: Mapping[str, Any]) -> RegionalRdInput | EnterpriseRdInput:
    """``{"level": "regional", …}`` or ``{"level": "enterprise", …}`` (default: enterprise
    when ``rd_expense_yuan`` is present, else regional)."""
    level = str(data.get("level") or "").strip().lower()
    if not level:
        level = "enterprise" if "rd_expense_yuan" in data else "regional"
    year = pick(data, "year", to_year)
    if year is None:
        raise PolicyInputError("year", "缺少年度")
    if level == "regional":
        extra = unknown_keys(data, _REGIONAL_KEYS)
        if extra:
            raise PolicyInputError(extra[0], "地区研发投入强度不使用该字段")
        return RegionalRdInput(
            region=str(data.get("region") or "").strip(), year=year,
            rd_expenditure_yuan=pick(data, "rd_expenditure_yuan", to_decimal),
            gdp_yuan=pick(data, "gdp_yuan", to_decimal),
            official_intensity_pct=pick(data, "official_intensity_pct", to_decimal),
            official_source=str(data.get("official_source") or "").strip())
    if level == "enterprise":
        rd = pick(data, "rd_expense_yuan", to_decimal)
        revenue = pick(data, "revenue_yuan", to_decimal)
        if rd is None:
            raise PolicyInputError("rd_expense_yuan", "缺少研发费用")
        if revenue is None:
            raise PolicyInputError("revenue_yuan", "缺少营业收入")
        name = str(data.get("enterprise") or data.get("name") or data.get("credit_code") or "")
        return EnterpriseRdInput(enterprise=name.strip(), year=year, rd_expense_yuan=rd,
                                 revenue_yuan=revenue,
                                 scope=str(data.get("scope") or "deduction").strip())
    raise PolicyInputError("level", f"应为 regional（地区）或 enterprise（企业），实际为“{level}”")


# -- result ----------------------------------------------------------------------------------


@dataclass
class RdIntensityResult(ResultBase):
    """The headline intensity (in %, 2 decimals), what kind of figure it is, and the exact ratio.

    ``intensity_exact`` is the unrounded ratio (0.0244…, not percent) behind ``intensity_pct``;
    for an official figure it is the published value ÷ 100 as given.
    """

    rule: str
    rule_version: str
    document: str
    level: str  # regional | enterprise
    subject: str
    year: int
    figure_kind: str | None  # official | estimate | convention | None (nothing computable)
    figure_label: str
    intensity_pct: Decimal | None
    intensity_exact: Fraction | None
    numerator_yuan: Decimal | None
    denominator_yuan: Decimal | None
    formula: str
    scope: str
    scope_label: str
    estimate_pct: Decimal | None
    estimate_exact: Fraction | None
    official_pct: Decimal | None
    official_source: str
    conditions: list[Condition]
    message: str
    reasons: list[str]
    notes: list[str] = field(default_factory=list)
    disclaimer: str = DISCLAIMER
    # regional estimate from a sum the platform made: what it sums and over how many reports
    rd_source: str = ""
    rd_coverage: int | None = None

    @property
    def display(self) -> str:
        return f"{self.intensity_pct}%" if self.intensity_pct is not None else "—"

    def to_row(self) -> dict[str, Any]:
        return {
            "result_rule_version": self.rule_version,
            "result_intensity_pct": "" if self.intensity_pct is None else str(self.intensity_pct),
            "result_figure_kind": self.figure_label,
            "result_scope": self.scope_label,
            "result_message": self.message,
        }


def _ratio(num: Decimal | None, den: Decimal | None) -> Fraction | None:
    if num is None or den is None or den <= 0:
        return None
    return Fraction(num) / Fraction(den)


def evaluate_rd_intensity(inp: RegionalRdInput | EnterpriseRdInput, *,
                          rules: RdIntensityRules | None = None) -> RdIntensityResult:
    """The intensity of a region or an enterprise for one year, labelled by kind of figure."""
    rules = rules or select(RULE, inp.year)
    if isinstance(inp, EnterpriseRdInput):
        return _enterprise(inp, rules)
    return _regional(inp, rules)


def _rd_words(inp: RegionalRdInput) -> str:
    """The estimate's numerator named: as entered, or the platform's sum with its coverage."""
    amount = yuan(inp.rd_expenditure_yuan or ZERO)
    if not inp.rd_source:
        return f"R&D 经费 {amount}"
    if inp.rd_coverage is None:
        return f"{inp.rd_source} {amount}"
    return f"{inp.rd_source} {amount}（覆盖 {inp.rd_coverage} 家填报企业）"


def _regional(inp: RegionalRdInput, rules: RdIntensityRules) -> RdIntensityResult:
    places = rules.display_places
    # a sum over no report is no data, not 0
    estimate = (None if inp.rd_coverage == 0
                else _ratio(inp.rd_expenditure_yuan, inp.gdp_yuan))
    estimate_pct = half_up_pct(estimate, places) if estimate is not None else None
    subject = inp.region or "未填地区"
    formula = "R&D 经费内部支出 ÷ 地区生产总值 × 100%"
    notes = ["地区 R&D 投入强度以统计部门公布数为准；平台估算值仅供参考，不得作为统计数据使用"]
    if inp.rd_source:
        notes.append(f"平台估算的分子为{inp.rd_source}"
                     + (f"（{inp.rd_coverage} 家企业填报）" if inp.rd_coverage is not None else "")
                     + "，不含未填报企业及高校、科研院所等其他执行部门，低于统计口径的"
                       "R&D 经费内部支出")
    conditions: list[Condition] = []
    if inp.rd_expenditure_yuan is not None or inp.gdp_yuan is not None:
        ok = estimate is not None
        conditions.append(Condition(
            "c_estimate_computable", "平台估算可计算（R&D 经费与地区生产总值均已填写且 GDP > 0）",
            ok, None if estimate is None else estimate_pct, None,
            f"{_rd_words(inp)} ÷ {yuan(inp.gdp_yuan or ZERO)} = "
            f"{estimate_pct}%" if ok else
            ("本年度没有企业填报年报，无法估算" if inp.rd_coverage == 0 else
             "缺少 R&D 经费内部支出或地区生产总值，或地区生产总值为 0，无法估算"),
            exact=estimate))

    official = inp.official_intensity_pct
    if official is not None:
        official_exact = Fraction(official) / 100
        kind = "official"
        headline_pct = official
        headline_exact: Fraction | None = official_exact
        source = inp.official_source or "未注明来源"
        message = (f"{inp.year} 年{subject} R&D 投入强度 {official}%"
                   f"（{FIGURE_LABELS[kind]}，{source}）")
        if estimate is not None:
            diff = estimate_pct - half_up_pct(official_exact, places)
            message += (f"；平台估算 {estimate_pct}%（{FIGURE_LABELS['estimate']}），"
                        f"与公布数相差 {diff:+} 个百分点")
        if not inp.official_source:
            notes.append("官方数据未注明来源（文件名称/年份），请补充")
    elif estimate is not None:
        kind = "estimate"
        headline_pct, headline_exact = estimate_pct, estimate
        message = (f"{inp.year} 年{subject} R&D 投入强度约 {estimate_pct}%（{FIGURE_LABELS[kind]}："
                   f"{_rd_words(inp)} ÷ 地区生产总值 {yuan(inp.gdp_yuan or ZERO)}）")
    else:
        kind, headline_pct, headline_exact = None, None, None
        message = "未提供官方公布的强度，也无法估算（需 R&D 经费内部支出和地区生产总值）"
    reasons = [] if kind is not None else [message]
    return RdIntensityResult(
        rule=RULE, rule_version=rules.version, document=rules.document, level="regional",
        subject=subject, year=inp.year, figure_kind=kind,
        figure_label=FIGURE_LABELS.get(kind or "", "无数据"), intensity_pct=headline_pct,
        intensity_exact=headline_exact, numerator_yuan=inp.rd_expenditure_yuan,
        denominator_yuan=inp.gdp_yuan, formula=formula, scope="regional",
        scope_label=inp.rd_source or "R&D 经费内部支出（统计口径）",
        estimate_pct=estimate_pct,
        estimate_exact=estimate, official_pct=official, official_source=inp.official_source,
        conditions=conditions, message=message, reasons=reasons, notes=notes,
        rd_source=inp.rd_source, rd_coverage=inp.rd_coverage)


def _enterprise(inp: EnterpriseRdInput, rules: RdIntensityRules) -> RdIntensityResult:
    ratio = _ratio(inp.rd_expense_yuan, inp.revenue_yuan)
    value = half_up_pct(ratio, rules.display_places) if ratio is not None else None
    scope_label = SCOPES[inp.scope]
    subject = inp.enterprise or "企业"
    ok = ratio is not None
    cond = Condition(
        "c_revenue_positive", "营业收入大于 0（可计算强度）", ok, inp.revenue_yuan, ZERO,
        f"研发费用 {yuan(inp.rd_expense_yuan)} ÷ 营业收入 {yuan(inp.revenue_yuan)} = {value}%"
        if ok else "营业收入为 0，研发投入强度不可计算", exact=ratio)
    if ok:
        message = (f"{inp.year} 年{subject}研发投入强度 {value}%（{scope_label}；"
                   f"{FIGURE_LABELS['convention']}）")
    else:
        message = f"{inp.year} 年{subject}营业收入为 0，研发投入强度不可计算"
    notes = ["企业研发投入强度 = 研发费用 ÷ 营业收入，为平台约定口径（CONVENTION），"
             "展示时须注明研发费用口径"]
    if inp.rd_expense_yuan > inp.revenue_yuan > 0:
        notes.append("研发费用大于营业收入（强度超过 100%），请核实数据")
    return RdIntensityResult(
        rule=RULE, rule_version=rules.version, document=rules.document, level="enterprise",
        subject=subject, year=inp.year, figure_kind="convention" if ok else None,
        figure_label=FIGURE_LABELS["convention"], intensity_pct=value, intensity_exact=ratio,
        numerator_yuan=inp.rd_expense_yuan, denominator_yuan=inp.revenue_yuan,
        formula="研发费用 ÷ 营业收入 × 100%", scope=inp.scope, scope_label=scope_label,
        estimate_pct=None, estimate_exact=None, official_pct=None, official_source="",
        conditions=[cond], message=message, reasons=[] if ok else [message], notes=notes)



# -- an enterprise's years -------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseIntensitySeries:
    """An enterprise's intensity for each year its reports give (oldest first), the scope they
    share, and the years missing between the first and the last (no report: not 0)."""

    enterprise: str
    scope: str
    scope_label: str
    formula: str
    years: list[RdIntensityResult]
    missing_years: list[int]

    @property
    def heading(self) -> str:
        return f"企业研发投入强度 = 研发费用 ÷ 营业收入，口径：{self.scope_label}"


def enterprise_intensity_series(enterprise: str, reports: Iterable[Mapping[str, Any]], *,
                                scope: str = "annual_report") -> EnterpriseIntensitySeries:
    """研发费用 ÷ 营业收入 of each report (``year``, ``rd_expense_yuan``, ``revenue_yuan``) in
    one named scope (§i: always say which). A zero revenue gives a year without a figure; a
    negative amount, a missing amount or a year given twice is refused (PolicyInputError)."""
    if scope not in SCOPES:
        raise PolicyInputError("scope", f"研发费用口径应为 {'、'.join(SCOPES)} 之一")
    results: dict[int, RdIntensityResult] = {}
    for i, r in enumerate(reports):
        where = f"reports[{i}]"
        year = pick(r, "year", to_year)
        if year is None:
            raise PolicyInputError(f"{where}.year", "缺少年度")
        if year in results:
            raise PolicyInputError(f"{where}.year", f"{year} 年度重复")
        amounts = {}
        for name in ("rd_expense_yuan", "revenue_yuan"):
            raw = r.get(name)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                raise PolicyInputError(f"{where}.{name}", "缺少数值")
            amounts[name] = to_decimal(raw, f"{where}.{name}")  # a negative is refused
        results[year] = evaluate_rd_intensity(EnterpriseRdInput(
            enterprise=enterprise, year=year, scope=scope, **amounts))
    years = sorted(results)
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years)) if years else []
    return EnterpriseIntensitySeries(
        enterprise=enterprise, scope=scope, scope_label=SCOPES[scope],
        formula="研发费用 ÷ 营业收入 × 100%", years=[results[y] for y in years],
        missing_years=missing)
