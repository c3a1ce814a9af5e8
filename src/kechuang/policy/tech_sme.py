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
from fractions import Fraction
from typing import Any

from kechuang.policy.amounts import (
    HUNDRED,
    ZERO,
    ceil_fen,
    near_miss,
    pct,
    pct_of,
    yuan,
)
from kechuang.policy.inputs import (
    ANNUAL_FIELDS,
    AnnualFigures,
    PolicyInputError,
    pick,
    to_bool,
    to_date,
    to_int,
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
    exact_ratio,
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
    # 第八条 直通车 from facts (第九条: 主导制定 = 起草单位前五名)
    award_max_rank: int = 3  # 国家级科技奖励：获奖单位前三名
    award_levels: frozenset[str] = frozenset({"national"})
    standard_max_rank: int = 5  # 主导制定：起草单位前五名
    standard_levels: frozenset[str] = frozenset({"international", "national", "industry"})
    institution_levels: frozenset[str] = frozenset({"national", "ministerial", "provincial"})
    # [U] "近五年内" is not defined by 115号: by default the evaluation year and the four
    # calendar years before it (as 195号 counts "申请认定前一年内" including the application
    # year); recent_includes_evaluation_year=False gives the five years before it.
    recent_years: int = 5
    recent_includes_evaluation_year: bool = True
    certificate_years: int = 3  # 高新技术企业资格有效期三年 (32号 第九条)
    # 2026 实地核查 (工企业函〔2026〕160号, [V-2] single source): mandatory when any holds
    onsite_check_from_year: int | None = 2026
    onsite_document: str = "工企业函〔2026〕160号《关于开展2026年度科技型中小企业评价工作的通知》"
    onsite_max_employees: int = 5  # 职工 ≤ 5 人
    onsite_min_rd_yuan: Decimal = Decimal(100_000)  # 年度研发费用 < 10 万元
    onsite_recent_years: int = 3  # 近三年严重违法失信或被撤销入库编号 ([U] counted like 近五年)


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


_LABEL_CACHE: dict[tuple[int, int], tuple[tuple[Band, ...], Band | None, str]] = {}


def band_label(bands: tuple[Band, ...], band: Band | None) -> str:
    """'B：25%（含）–30%' — the official wording of a band (cached: it is asked three times
    per evaluation and its text only depends on the rule set's bands)."""
    hit = _LABEL_CACHE.get((id(bands), id(band)))
    if hit is not None and hit[0] is bands and hit[1] is band:  # ids of dead objects recur
        return hit[2]
    label = _band_label(bands, band)
    if len(_LABEL_CACHE) < 4096:
        _LABEL_CACHE[(id(bands), id(band))] = (bands, band, label)
    return label


def _band_label(bands: tuple[Band, ...], band: Band | None) -> str:
    if band is None:
        return f"F：低于 {pct_of(bands[-1].lower_pct)}"
    i = next(i for i, b in enumerate(bands) if b is band)  # identity: no dataclass __eq__
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
# the 第八条 flags: None = not declared (decided from the facts), True/False = declaration
DIRECT_FLAGS = ("has_valid_high_tech_certificate", "national_sci_award_top3",
                "has_provincial_rd_institution", "led_standard_drafting")

AWARD_LEVELS = {"national": "国家级", "ministerial": "部级", "provincial": "省级",
                "municipal": "市级", "other": "其他"}
STANDARD_LEVELS = {"international": "国际标准", "national": "国家标准", "industry": "行业标准",
                   "local": "地方标准", "group": "团体标准", "enterprise": "企业标准"}
INSTITUTION_LEVELS = {"national": "国家级", "ministerial": "部级", "provincial": "省级",
                      "municipal": "市级", "county": "县级", "other": "其他"}
_LEVEL_ALIASES = {"国家": "national", "国家级": "national", "国家标准": "national",
                  "国际": "international", "国际标准": "international", "部": "ministerial",
                  "部级": "ministerial", "省部级": "provincial", "省": "provincial",
                  "省级": "provincial", "市": "municipal", "市级": "municipal", "县": "county",
                  "县级": "county", "行业": "industry", "行业标准": "industry", "地方": "local",
                  "地方标准": "local", "团体": "group", "团体标准": "group", "企业": "enterprise",
                  "企业标准": "enterprise", "其他": "other"}


def parse_level(value: Any, table: Mapping[str, str], field_name: str) -> str:
    """A level code of ``table`` from its code or Chinese name ('国家级', '行业标准')."""
    text = str(value or "").strip()
    code = text.lower() if text.lower() in table else _LEVEL_ALIASES.get(text, "")
    if code not in table:
        raise PolicyInputError(field_name, f"级别“{value}”无效，可选：" + "、".join(
            f"{k}（{v}）" for k, v in table.items()))
    return code


def _rank(value: Any, field_name: str) -> int:
    n = to_int(value, field_name)
    if n < 1:
        raise PolicyInputError(field_name, "排名从 1 开始（第一名为 1）")
    return n


@dataclass(frozen=True, slots=True)
class Award:
    """A science and technology award: level, the enterprise's rank among the winning units."""

    level: str  # AWARD_LEVELS
    rank: int  # 在获奖单位中的排名（1 = 第一完成单位）
    year: int  # 获奖年度
    name: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "awards") -> Award:
        return cls(parse_level(data.get("level"), AWARD_LEVELS, f"{where}.level"),
                   _rank(data.get("rank"), f"{where}.rank"),
                   to_year(data.get("year"), f"{where}.year"), str(data.get("name") or ""))


@dataclass(frozen=True, slots=True)
class Standard:
    """A standard the enterprise drafted: level, its rank among the drafting units, year."""

    level: str  # STANDARD_LEVELS
    rank: int  # 在起草单位中的排名
    year: int  # 发布年度
    name: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "standards") -> Standard:
        return cls(parse_level(data.get("level"), STANDARD_LEVELS, f"{where}.level"),
                   _rank(data.get("rank"), f"{where}.rank"),
                   to_year(data.get("year"), f"{where}.year"), str(data.get("name") or ""))


@dataclass(frozen=True, slots=True)
class RdInstitution:
    """A recognised R&D institution (重点实验室、工程技术研究中心、企业技术中心 …) and its level."""

    level: str  # INSTITUTION_LEVELS
    kind: str = ""  # 重点实验室 / 工程技术研究中心 / 工程实验室 / 工程研究中心 / 企业技术中心 …
    name: str = ""
    recognised: bool = True  # 经认定 (a platform the enterprise set up itself does not count)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "rd_institutions") -> RdInstitution:
        recognised = pick(data, "recognised", to_bool, True)
        return cls(parse_level(data.get("level"), INSTITUTION_LEVELS, f"{where}.level"),
                   str(data.get("kind") or ""), str(data.get("name") or ""), recognised)


def _fact_list(data: Mapping[str, Any], name: str, cls: Any) -> tuple[Any, ...]:
    raw = data.get(name)
    if raw in (None, ""):
        return ()
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        raise PolicyInputError(name, "应为对象列表")
    out = []
    for i, row in enumerate(raw):
        if not isinstance(row, Mapping):
            raise PolicyInputError(f"{name}[{i + 1}]", "应为对象")
        out.append(cls.from_dict(row, f"{name}[{i + 1}]"))
    return tuple(out)


def _years(data: Mapping[str, Any], name: str) -> tuple[int, ...]:
    raw = data.get(name)
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list | tuple):
        raw = [raw]
    return tuple(to_year(v, name) for v in raw)


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
    # 第八条 直通车: any one, with (一)–(四) met. The yes/no declarations (None = not
    # declared) override the facts below; stored self-assessments carry only these.
    has_valid_high_tech_certificate: bool | None = None  # 有效期内高新技术企业资格证书
    national_sci_award_top3: bool | None = None  # 近五年国家级科技奖励，获奖单位前三名
    has_provincial_rd_institution: bool | None = None  # 经认定的省部级以上研发机构
    led_standard_drafting: bool | None = None  # 近五年主导制定国际/国家/行业标准（前五名）
    # 第八条 from facts
    evaluation_date: dt.date | None = None  # 评价（申报）日期：证书是否在有效期内
    high_tech_certificate_issue_date: dt.date | None = None  # 高新技术企业证书颁发日期
    awards: tuple[Award, ...] = ()
    standards: tuple[Standard, ...] = ()
    rd_institutions: tuple[RdInstitution, ...] = ()
    # 2026 实地核查 facts
    first_evaluation: bool | None = None  # 首次参评 (None: not stated)
    serious_dishonesty_years: tuple[int, ...] = ()  # 列入严重违法失信名单的年度
    registration_revoked_years: tuple[int, ...] = ()  # 入库登记编号被撤销的年度

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TechSmeInput:
        """Parse a flat dict: the annual-report fields plus the options and fact lists above."""
        kwargs: dict[str, Any] = {"figures": AnnualFigures.from_dict(data)}
        kwargs["industry_code"] = str(data.get("industry_code") or "").strip().upper()
        kwargs["established_on"] = pick(data, "established_on", to_date)
        kwargs["evaluation_year"] = pick(data, "evaluation_year", to_year)
        kwargs["evaluation_date"] = pick(data, "evaluation_date", to_date)
        kwargs["high_tech_certificate_issue_date"] = pick(
            data, "high_tech_certificate_issue_date", to_date)
        for name in _FLAG_FIELDS:
            value = pick(data, name, to_bool)
            if value is not None:
                kwargs[name] = value
        kwargs["awards"] = _fact_list(data, "awards", Award)
        kwargs["standards"] = _fact_list(data, "standards", Standard)
        kwargs["rd_institutions"] = _fact_list(data, "rd_institutions", RdInstitution)
        kwargs["first_evaluation"] = pick(data, "first_evaluation", to_bool)
        kwargs["serious_dishonesty_years"] = _years(data, "serious_dishonesty_years")
        kwargs["registration_revoked_years"] = _years(data, "registration_revoked_years")
        return cls(**kwargs)

    def with_changes(self, changes: Mapping[str, Any]) -> TechSmeInput:
        """A copy with annual-report fields changed (to re-run a suggested gap)."""
        fig = {k: v for k, v in changes.items() if k in ANNUAL_FIELDS}
        other = {k: v for k, v in changes.items() if k not in ANNUAL_FIELDS}
        return dataclasses.replace(self, figures=self.figures.replace(**fig), **other)

    @property
    def direct_path_reasons(self) -> list[str]:
        """The 第八条 items met (declared or from the facts), in the order of the article."""
        return [c.label for c in direct_path_checks(self, rules_for(self)) if c.passed]


DIRECT_LABELS = {
    "has_valid_high_tech_certificate": "拥有有效期内高新技术企业资格证书",
    "national_sci_award_top3": "近五年内获得过国家级科技奖励并在获奖单位中排在前三名",
    "has_provincial_rd_institution": "拥有经认定的省部级以上研发机构",
    "led_standard_drafting": "近五年内主导制定过国际标准、国家标准或行业标准",
}

_FLAG_TEXT = {None: "未填写", True: "企业声明：符合", False: "企业声明：不符合"}

INPUT_FIELDS = frozenset(ANNUAL_FIELDS) | {
    "industry_code", "established_on", "evaluation_year", "evaluation_date",
    "high_tech_certificate_issue_date", "awards", "standards", "rd_institutions",
    "first_evaluation", "serious_dishonesty_years", "registration_revoked_years", *_FLAG_FIELDS}


# -- 第八条 from facts -------------------------------------------------------------------------


def recent_window(rules: TechSmeRules, eval_year: int, years: int | None = None) -> tuple[int, int]:
    """The calendar years of "近 N 年内" for evaluation year ``eval_year`` ([U] see the rules)."""
    n = rules.recent_years if years is None else years
    last = eval_year if rules.recent_includes_evaluation_year else eval_year - 1
    return last - n + 1, last


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return dt.date(d.year + years, 3, 1)


def certificate_valid_until(rules: TechSmeRules, issue: dt.date) -> dt.date:
    """Last day of validity: three years from the issue date (32号 第九条), issue + 3y − 1 day."""
    return _add_years(issue, rules.certificate_years) - dt.timedelta(days=1)


def _certificate_check(inp: TechSmeInput, rules: TechSmeRules) -> tuple[bool, str]:
    issue = inp.high_tech_certificate_issue_date
    if issue is None:
        return False, "未提供高新技术企业证书颁发日期"
    until = certificate_valid_until(rules, issue)
    span = f"证书 {issue.isoformat()} 颁发，有效期至 {until.isoformat()}"
    d = inp.evaluation_date
    if d is None:
        return False, f"{span}；未提供评价日期（evaluation_date），无法判断评价时是否在有效期内"
    if d < issue:
        return False, f"{span}；评价日期 {d.isoformat()} 早于颁发日期，尚未取得"
    if d > until:
        return False, (f"{span}；评价日期 {d.isoformat()} 已过期 {(d - until).days} 天，"
                       "须重新认定后方可走直通车")
    return True, f"{span}；评价日期 {d.isoformat()} 在有效期内（还剩 {(until - d).days} 天）"


def _award_check(inp: TechSmeInput, rules: TechSmeRules, eval_year: int) -> tuple[bool, str]:
    if not inp.awards:
        return False, "未填写科技奖励"
    first, last = recent_window(rules, eval_year)
    texts, ok = [], False
    for a in inp.awards:
        name = f"{a.year} 年{AWARD_LEVELS[a.level]}奖励" + (f"“{a.name}”" if a.name else "")
        why = []
        if a.level not in rules.award_levels:
            why.append(f"{AWARD_LEVELS[a.level]}奖励不是国家级科技奖励")
        if a.rank > rules.award_max_rank:
            why.append(f"排名第 {a.rank}，须在获奖单位前 {rules.award_max_rank} 名"
                       f"（差 {a.rank - rules.award_max_rank} 名）")
        if not first <= a.year <= last:
            why.append(_outside(a.year, first, last, "获奖"))
        ok = ok or not why
        texts.append(f"{name}（第 {a.rank} 名）：" + ("符合" if not why else "；".join(why)))
    return ok, "；".join(texts)


def _standard_check(inp: TechSmeInput, rules: TechSmeRules, eval_year: int) -> tuple[bool, str]:
    if not inp.standards:
        return False, "未填写参与制定的标准"
    first, last = recent_window(rules, eval_year)
    texts, ok = [], False
    for s in inp.standards:
        name = f"{s.year} 年{STANDARD_LEVELS[s.level]}" + (f"“{s.name}”" if s.name else "")
        why = []
        if s.level not in rules.standard_levels:
            why.append(f"{STANDARD_LEVELS[s.level]}不属于国际标准、国家标准或行业标准")
        if s.rank > rules.standard_max_rank:
            why.append(f"起草单位排名第 {s.rank}，主导制定须排名前 {rules.standard_max_rank} 名"
                       f"（差 {s.rank - rules.standard_max_rank} 名）")
        if not first <= s.year <= last:
            why.append(_outside(s.year, first, last, "发布"))
        ok = ok or not why
        texts.append(f"{name}（起草单位第 {s.rank} 名）："
                     + ("符合" if not why else "；".join(why)))
    return ok, "；".join(texts)


def _outside(year: int, first: int, last: int, what: str) -> str:
    if year < first:
        return (f"{what}年度 {year} 不在近五年内（{first}–{last} 年），早 {first - year} 年"
                "（[U] 近五年的计算方法见说明）")
    return f"{what}年度 {year} 晚于评价年度（近五年为 {first}–{last} 年）"


def _institution_check(inp: TechSmeInput, rules: TechSmeRules) -> tuple[bool, str]:
    if not inp.rd_institutions:
        return False, "未填写研发机构"
    texts, ok = [], False
    for r in inp.rd_institutions:
        name = f"{INSTITUTION_LEVELS[r.level]}{r.kind or '研发机构'}" + (f"“{r.name}”" if r.name
                                                                     else "")
        why = []
        if r.level not in rules.institution_levels:
            why.append(f"{INSTITUTION_LEVELS[r.level]}研发机构不属于省部级以上")
        if not r.recognised:
            why.append("未经主管部门认定")
        ok = ok or not why
        texts.append(f"{name}：" + ("符合" if not why else "；".join(why)))
    return ok, "；".join(texts)


def direct_path_checks(inp: TechSmeInput, rules: TechSmeRules) -> list[Condition]:
    """The four 第八条 items, each decided from the facts or from the declaration (override)."""
    if not (inp.high_tech_certificate_issue_date or inp.awards or inp.rd_institutions
            or inp.standards):  # flags only (the common case): no fact to weigh
        flags = (inp.has_valid_high_tech_certificate, inp.national_sci_award_top3,
                 inp.has_provincial_rd_institution, inp.led_standard_drafting)
        return [Condition(name, label, bool(v), "none" if v is None else "declaration",
                          "任一项", _FLAG_TEXT[v])
                for (name, label), v in zip(DIRECT_LABELS.items(), flags, strict=True)]
    eval_year = _evaluation_year(inp)
    facts = {
        "has_valid_high_tech_certificate": (
            inp.high_tech_certificate_issue_date is not None,
            lambda: _certificate_check(inp, rules)),
        "national_sci_award_top3": (bool(inp.awards), lambda: _award_check(inp, rules, eval_year)),
        "has_provincial_rd_institution": (bool(inp.rd_institutions),
                                          lambda: _institution_check(inp, rules)),
        "led_standard_drafting": (bool(inp.standards),
                                  lambda: _standard_check(inp, rules, eval_year)),
    }
    out = []
    for name, (has_facts, check) in facts.items():
        declared = getattr(inp, name)
        computed, text = check() if has_facts else (False, "")
        if declared is not None:
            passed = declared
            msg = "企业声明：" + ("符合" if declared else "不符合")
            if has_facts:
                msg += "（按声明判断，覆盖所填事实）"
                if computed != declared:
                    msg += ("；注意：按所填事实判断为" + ("符合" if computed else "不符合")
                            + "：" + text)
            source = "declaration"
        else:
            passed, msg, source = computed, text or "未填写", "facts" if has_facts else "none"
        out.append(Condition(name, DIRECT_LABELS[name], passed, source,
                             "任一项", msg))
    return out


# -- result ----------------------------------------------------------------------------------


@dataclass
class OnsiteCheck:
    """实地核查 before publicity: ``required`` when any listed condition holds.

    ``required`` is None when no listed condition holds but one could not be decided (e.g.
    首次参评 not stated). Random checks (≥ 5 % of each batch) may reach any enterprise.
    """

    required: bool | None
    reasons: list[str]
    undecided: list[str]
    document: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return ResultBase.to_dict(self)  # type: ignore[arg-type]


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
    direct_path_checks: list[Condition] = field(default_factory=list)  # 第八条, item by item
    onsite_check: OnsiteCheck | None = None  # 2026 实地核查 (None before that year)

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
            "result_onsite_check": "" if self.onsite_check is None else
            {True: "是", False: "否", None: "待定"}[self.onsite_check.required],
        }


# -- evaluation ------------------------------------------------------------------------------


def rules_for(inp: TechSmeInput) -> TechSmeRules:
    return select(RULE, _evaluation_year(inp))


def _evaluation_year(inp: TechSmeInput) -> int:
    if inp.evaluation_year is not None:
        if inp.evaluation_date is not None and inp.evaluation_date.year != inp.evaluation_year:
            raise PolicyInputError("evaluation_date", f"评价日期 {inp.evaluation_date.isoformat()}"
                                   f" 与评价年度 {inp.evaluation_year} 不一致")
        return inp.evaluation_year
    if inp.evaluation_date is not None:
        return inp.evaluation_date.year
    if inp.figures.year <= 0:
        raise PolicyInputError("year", "缺少数据年度（上一会计年度）")
    return inp.figures.year + 1


def _limit_texts(rules: TechSmeRules) -> tuple[str, str]:
    """The two size limits as display text, kept on the (frozen) rule set after first use."""
    texts = rules.__dict__.get("_limit_texts")
    if texts is None:
        texts = (yuan(rules.max_revenue_yuan), yuan(rules.max_assets_yuan))
        rules.__dict__["_limit_texts"] = texts  # a cache, not a field: frozen is respected
    return texts


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
    max_revenue, max_assets = _limit_texts(rules)
    conditions.append(Condition(
        "c2_revenue", "年销售收入不超过 2 亿元", f.revenue_yuan <= rules.max_revenue_yuan,
        f.revenue_yuan, rules.max_revenue_yuan,
        f"销售收入 {yuan(f.revenue_yuan)}，上限 {max_revenue}（含）"))
    conditions.append(Condition(
        "c2_assets", "资产总额不超过 2 亿元", f.total_assets_yuan <= rules.max_assets_yuan,
        f.total_assets_yuan, rules.max_assets_yuan,
        f"资产总额 {yuan(f.total_assets_yuan)}，上限 {max_assets}（含）"))
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
    checks = direct_path_checks(inp, rules)
    direct = [c.label for c in checks if c.passed]
    has_flags = any(c.value == "declaration" for c in checks)
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
    if direct:
        direct_msg = ("符合直通车条件：" + "；".join(direct) if basic_ok
                      else "符合直通车条件（" + "；".join(direct) + "），但第六条（一）至（四）项"
                      "未全部满足，不能走直通车")
    elif has_flags or inp.high_tech_certificate_issue_date or inp.awards or inp.standards \
            or inp.rd_institutions:
        direct_msg = "不符合直通车条件：" + "；".join(
            f"{c.label}——{c.message}" for c in checks if c.value != "none")
    else:
        direct_msg = "不符合直通车条件（均未勾选，也未填写证书、奖励、研发机构或标准）"
    conditions.append(Condition(
        "direct_path", "直通车（第八条）", on_direct_path, "；".join(direct) or "无", "任一项",
        direct_msg))

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
        direct_path_checks=checks,
        onsite_check=onsite_check(inp, rules, eval_year),
    )
    if result.onsite_check is not None:
        first, last = recent_window(rules, eval_year, rules.onsite_recent_years)
        result.notes.append(f"实地核查条件据 {rules.onsite_document}（单一来源 [V-2]/[U]）；"
                            f"“近三年”按 {first}–{last} 年计 [U]")
    if inp.awards or inp.standards:
        first, last = recent_window(rules, eval_year)
        incl = "含" if rules.recent_includes_evaluation_year else "不含"
        result.notes.append(f"“近五年内”按 {first}–{last} 年计（{incl}评价年度）；115号未规定"
                            "计算方法 [U]，可配置（recent_years、recent_includes_evaluation_year）")
    declared = [c.label for c in checks if c.value == "declaration"] if has_flags else []
    if declared:
        result.notes.append("直通车条件按企业声明（是/否）判断（如填写了事实，声明优先）："
                            + "、".join(declared))
    if gaps and not eligible:
        result.gaps, result.combinations = _gaps(inp, rules, result, basic_ok)
    return result


def _scores(rules: TechSmeRules, f: AnnualFigures) -> list[Score]:
    st_band = ratio_band(Decimal(f.st_staff), Decimal(f.employees), rules.st_bands)
    st = _score("st_staff", "科技人员指标", rules.st_max, st_band, rules.st_bands,
                f.st_staff, f.employees,
                f"科技人员 {f.st_staff} 人 ÷ 职工总数 {f.employees} 人 = "
                f"{pct(f.st_staff, f.employees)}"
                # inside a band the ratio is at or above its lower edge: no near miss to tell
                + ("" if st_band else near_miss(Decimal(f.st_staff), Decimal(f.employees),
                                                rules.st_bands[-1].lower_pct)))

    if f.revenue_yuan > 0:
        b1 = ratio_band(f.rd_expense_yuan, f.revenue_yuan, rules.rd_revenue_bands)
        r1 = _score("rd_revenue", "研发费用总额占销售收入总额的比例", rules.rd_max, b1,
                    rules.rd_revenue_bands, f.rd_expense_yuan, f.revenue_yuan,
                    f"研发费用 {yuan(f.rd_expense_yuan)} ÷ 销售收入 {yuan(f.revenue_yuan)} = "
                    f"{pct(f.rd_expense_yuan, f.revenue_yuan)}")
    else:
        r1 = Score("rd_revenue", "研发费用总额占销售收入总额的比例", Decimal(rules.rd_max), ZERO,
                   ZERO, "F", "不可计算", None, "销售收入为 0，该比例无法计算，按 0 分")
    if f.total_costs_yuan > 0:
        b2 = ratio_band(f.rd_expense_yuan, f.total_costs_yuan, rules.rd_costs_bands)
        r2 = _score("rd_costs", "研发费用总额占成本费用支出总额的比例", rules.rd_max, b2,
                    rules.rd_costs_bands, f.rd_expense_yuan, f.total_costs_yuan,
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
               parts=[r1, r2], exact=chosen.exact)

    ip_p, ip_letter = ip_points(rules, f.ip_class_1_count, f.ip_class_2_count)
    ip = Score("ip", "科技成果指标（知识产权）", Decimal(rules.ip_max), Decimal(ip_p),
               Decimal(ip_p),
               ip_letter, f"{ip_letter}：{_IP_LABELS[ip_letter]}",
               {"ip_class_1_count": f.ip_class_1_count, "ip_class_2_count": f.ip_class_2_count},
               f"Ⅰ类 {f.ip_class_1_count} 项、Ⅱ类 {f.ip_class_2_count} 项，按从高到低的档次计分"
               "（Ⅰ类与Ⅱ类不累加）")
    return [st, rd, ip]


_IP_LABELS = {"A": "1 项及以上Ⅰ类知识产权", "B": "4 项及以上Ⅱ类知识产权", "C": "3 项Ⅱ类知识产权",
              "D": "2 项Ⅱ类知识产权", "E": "1 项Ⅱ类知识产权", "F": "没有知识产权"}


def _score(code: str, label: str, max_points: int, band: Band | None, bands: tuple[Band, ...],
           num: Decimal | int, den: Decimal | int, message: str) -> Score:
    """A ratio indicator: ``value`` truncated to 6 places for display, ``exact`` the Fraction."""
    p = Decimal(_pts(band))
    value = (Decimal(num) / Decimal(den)).quantize(_Q6, "ROUND_DOWN")  # display, truncated
    exact = Fraction(num, den) if type(num) is int else exact_ratio(num, den)
    return Score(code, label, Decimal(max_points), p, p, band.letter if band else "F",
                 band_label(bands, band), value, message, exact=exact)


_Q6 = Decimal("0.000001")


def onsite_check(inp: TechSmeInput, rules: TechSmeRules, eval_year: int) -> OnsiteCheck | None:
    """实地核查 (2026 notice): which of its conditions hold for this enterprise."""
    if rules.onsite_check_from_year is None or eval_year < rules.onsite_check_from_year:
        return None
    f = inp.figures
    reasons: list[str] = []
    undecided: list[str] = []
    if f.employees <= rules.onsite_max_employees:
        reasons.append(f"职工总数 {f.employees} 人，不超过 {rules.onsite_max_employees} 人")
    ip = f.ip_class_1_count + f.ip_class_2_count
    if ip == 0:
        reasons.append("知识产权数量为 0")
    if f.rd_expense_yuan < rules.onsite_min_rd_yuan:
        reasons.append(f"年度研发费用 {yuan(f.rd_expense_yuan)}，低于 "
                       f"{yuan(rules.onsite_min_rd_yuan)}（差 "
                       f"{yuan(rules.onsite_min_rd_yuan - f.rd_expense_yuan)}）")
    first, last = recent_window(rules, eval_year, rules.onsite_recent_years)
    bad = sorted({y for y in inp.serious_dishonesty_years if first <= y <= last})
    revoked = sorted({y for y in inp.registration_revoked_years if first <= y <= last})
    if bad:
        reasons.append(f"近三年（{first}–{last}）有严重违法失信记录"
                       f"（{'、'.join(map(str, bad))} 年）")
    if revoked:
        reasons.append(f"近三年（{first}–{last}）入库登记编号被撤销（"
                       f"{'、'.join(map(str, revoked))} 年）")
    if inp.first_evaluation:
        reasons.append("首次参评")
    elif inp.first_evaluation is None:
        undecided.append("未填写是否首次参评（first_evaluation）")
    required: bool | None = True if reasons else (None if undecided else False)
    if reasons:
        msg = "公示前须实地核查：" + "；".join(reasons)
    elif undecided:
        msg = ("其余实地核查条件均不满足；" + "；".join(undecided) + "，首次参评的企业须实地核查")
    else:
        msg = (f"不属于必须实地核查的情形（职工 > {rules.onsite_max_employees} 人、有知识产权、"
               f"研发费用 ≥ {yuan(rules.onsite_min_rd_yuan)}、近三年无失信或撤销记录、非首次参评）")
    msg += "；另每批次随机抽取不少于 5% 的企业实地核查（[V-2] 单一来源）"
    return OnsiteCheck(required, reasons, undecided, rules.onsite_document, msg)


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
        m, d = b.lower_pct.as_integer_ratio()
        need = -(-(f.employees * m) // (100 * d))  # ⌈employees × lower% ⌉, in integers
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
