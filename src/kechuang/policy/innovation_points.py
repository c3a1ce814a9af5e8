"""企业创新积分 (innovation points), policy-rules.md §d — the platform default model.

The official 《"创新积分制"工作指引（全国试行版）》 annex (indicators, weights, normalisation)
was not available, so this is the CONVENTION model of §d, every part configurable:

1. stage by a configurable revenue table (lower bound inclusive; none configured → one cohort);
2. per indicator, min–max within the stage cohort over the enterprises that have a value:
   ``s = 100 × (x − min) ÷ (max − min)``; when max = min every such enterprise gets 100 if
   x > 0, else 0; a missing value scores 0 and stays out of min/max;
3. total = Σ weight × s with the stage's weights summing to 1 (so 0 ≤ total ≤ 100);
4. competition ranking within the stage ("1224"); tiers by ``rank ≤ ceil(p% × n)``.

Points are relative to the cohort, so one enterprise's points cannot be computed alone: the
input is the whole cohort. Totals are exact Fractions, rounded half up to 2 decimals for show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.policy.amounts import ZERO, ceil_int, round_fen_exact, yuan
from kechuang.policy.inputs import PolicyInputError, pick, to_decimal, to_year
from kechuang.policy.registry import register, select
from kechuang.policy.results import DISCLAIMER, ResultBase, exact_json

RULE = "innovation_points"
ALL_STAGES = "*"  # weights key used for every stage without its own weights


@dataclass(frozen=True)
class InnovationPointsRules:
    version: str
    document: str
    valid_from: int
    valid_to: int | None
    max_score: int = 100
    display_places: int = 2


INNOVATION_POINTS_DEFAULT = register(RULE, InnovationPointsRules(
    version="innovation_points/platform-default",
    document="《“创新积分制”工作指引（全国试行版）》（科技部，2024）指标与权重未取得；"
             "平台默认模型（policy-rules.md §d CONVENTION）",
    valid_from=2020, valid_to=None))


@dataclass(frozen=True)
class Stage:
    """A revenue band: ``min_revenue_yuan`` ≤ revenue < ``max_revenue_yuan`` (None: no upper)."""

    code: str
    name: str
    min_revenue_yuan: Decimal
    max_revenue_yuan: Decimal | None = None

    def covers(self, revenue: Decimal) -> bool:
        return self.min_revenue_yuan <= revenue and (self.max_revenue_yuan is None
                                                     or revenue < self.max_revenue_yuan)

    def label(self) -> str:
        top = "以上" if self.max_revenue_yuan is None else f"–{yuan(self.max_revenue_yuan)}"
        return f"{self.name}（{yuan(self.min_revenue_yuan)}（含）{top}）"


@dataclass(frozen=True)
class Tier:
    """A list published by rank percentile: ``rank ≤ ceil(top_percent % × n)`` (cumulative)."""

    code: str
    name: str
    top_percent: Decimal


# The 全国试行版 names three stages (初创期/成长期/稳定期) but its thresholds were not obtained:
# the default is no stage table (one cohort) until the bureau configures one.
NATIONAL_STAGE_NAMES = ("初创期", "成长期", "稳定期")

_W = Decimal(10_000)
# Example configuration: 温州高新区（龙湾区）温龙政发〔2022〕12号 five stages and three lists.
WENZHOU_2022_STAGES = (
    Stage("seed", "种子期", ZERO, 100 * _W),
    Stage("startup", "初创期", 100 * _W, 500 * _W),
    Stage("growth", "成长期", 500 * _W, 2000 * _W),
    Stage("expansion", "扩张期", 2000 * _W, 10000 * _W),
    Stage("mature", "成熟期", 10000 * _W, None),
)
WENZHOU_2022_TIERS = (
    Tier("leading", "创新领跑榜", Decimal(5)),
    Tier("racing", "创新竞跑榜", Decimal(10)),
    Tier("striving", "创新进取榜", Decimal(20)),
)
PRESETS: dict[str, tuple[tuple[Stage, ...], tuple[Tier, ...]]] = {
    "wenzhou-2022": (WENZHOU_2022_STAGES, WENZHOU_2022_TIERS),
}


# -- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InnovationPointsConfig:
    """The model: indicators, weights per stage (``"*"`` for all), stage table, tiers."""

    indicators: tuple[str, ...]
    weights: Mapping[str, Mapping[str, Decimal]]
    stages: tuple[Stage, ...] = ()
    tiers: tuple[Tier, ...] = ()
    indicator_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.indicators:
            raise PolicyInputError("indicators", "未配置指标")
        if len(set(self.indicators)) != len(self.indicators):
            raise PolicyInputError("indicators", "指标重复")
        if not self.weights:
            raise PolicyInputError("weights", "未配置权重（官方权重未取得前须由科技局配置）")
        codes = {s.code for s in self.stages}
        for stage, ws in self.weights.items():
            where = f"weights.{stage}"
            if stage != ALL_STAGES and stage not in codes:
                raise PolicyInputError(where, "不是已配置的企业阶段")
            for ind, w in ws.items():
                if ind not in self.indicators:
                    raise PolicyInputError(f"{where}.{ind}", "不是已配置的指标")
                if w < 0:
                    raise PolicyInputError(f"{where}.{ind}", "权重不能为负数")
            total = sum(ws.values(), ZERO)
            if total != 1:
                raise PolicyInputError(where, f"各指标权重之和应为 1，实际为 {total}")
        for t in self.tiers:
            if not ZERO < t.top_percent <= 100:
                raise PolicyInputError(f"tiers.{t.code}", "百分比应大于 0 且不超过 100")

    def weights_for(self, stage: str) -> Mapping[str, Decimal]:
        if stage in self.weights:
            return self.weights[stage]
        if ALL_STAGES in self.weights:
            return self.weights[ALL_STAGES]
        raise PolicyInputError(f"weights.{stage}", "该阶段未配置权重")

    def stage_of(self, revenue: Decimal, who: str) -> Stage | None:
        if not self.stages:
            return None
        hits = [s for s in self.stages if s.covers(revenue)]
        if len(hits) != 1:
            problem = "不属于任何阶段" if not hits else "同时属于多个阶段（阶段区间重叠）"
            raise PolicyInputError("stages", f"企业 {who} 的营业收入 {yuan(revenue)} {problem}")
        return hits[0]


@dataclass(frozen=True)
class EnterpriseValues:
    """One enterprise's indicator values (None or absent = missing)."""

    enterprise_id: str
    revenue_yuan: Decimal
    values: Mapping[str, Decimal | None]
    name: str = ""


@dataclass(frozen=True)
class InnovationPointsInput:
    year: int
    config: InnovationPointsConfig
    enterprises: tuple[EnterpriseValues, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for e in self.enterprises:
            if e.enterprise_id in seen:
                raise PolicyInputError("enterprises", f"企业标识重复：{e.enterprise_id}")
            seen.add(e.enterprise_id)
            extra = sorted(set(e.values) - set(self.config.indicators))
            if extra:
                raise PolicyInputError(f"enterprises.{e.enterprise_id}.values.{extra[0]}",
                                       "不是已配置的指标")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InnovationPointsInput:
        """Parse ``{year, indicators, weights, stages | preset, tiers, enterprises}``."""
        year = pick(data, "year", to_year)
        if year is None:
            raise PolicyInputError("year", "缺少年度")
        indicators: list[str] = []
        labels: dict[str, str] = {}
        for item in _seq(data, "indicators"):
            if isinstance(item, Mapping):
                code = str(item.get("code") or "").strip()
                labels[code] = str(item.get("label") or code)
            else:
                code = str(item).strip()
            indicators.append(code)
        weights = {str(stage): {str(k): to_decimal(v, f"weights.{stage}.{k}")
                                for k, v in (ws or {}).items()}
                   for stage, ws in (data.get("weights") or {}).items()}
        stages: tuple[Stage, ...] = ()
        tiers: tuple[Tier, ...] = ()
        preset = str(data.get("preset") or "").strip()
        if preset:
            if preset not in PRESETS:
                raise PolicyInputError("preset", f"未知的预设配置：{preset}"
                                       f"（可用：{'、'.join(PRESETS)}）")
            stages, tiers = PRESETS[preset]
        if "stages" in data:
            stages = tuple(
                Stage(code=str(s.get("code") or f"stage{i + 1}"),
                      name=str(s.get("name") or s.get("code") or f"阶段{i + 1}"),
                      min_revenue_yuan=pick(s, "min_revenue_yuan", to_decimal, ZERO),
                      max_revenue_yuan=pick(s, "max_revenue_yuan", to_decimal))
                for i, s in enumerate(_seq(data, "stages")))
        if "tiers" in data:
            tiers = tuple(
                Tier(code=str(t.get("code") or f"tier{i + 1}"),
                     name=str(t.get("name") or f"第{i + 1}档"),
                     top_percent=_required(t, "top_percent", f"tiers[{i}]"))
                for i, t in enumerate(_seq(data, "tiers")))
        config = InnovationPointsConfig(indicators=tuple(indicators), weights=weights,
                                        stages=stages, tiers=tiers, indicator_labels=labels)
        enterprises = []
        for i, e in enumerate(_seq(data, "enterprises")):
            eid = str(e.get("enterprise_id") or e.get("credit_code") or f"#{i + 1}")
            raw = e.get("values") or {}
            if not isinstance(raw, Mapping):
                raise PolicyInputError(f"enterprises[{i}].values", "应为对象")
            values = {str(k): (None if v is None or (isinstance(v, str) and not v.strip())
                               else to_decimal(v, f"enterprises.{eid}.values.{k}",
                                               allow_negative=True))
                      for k, v in raw.items()}
            enterprises.append(EnterpriseValues(
                enterprise_id=eid, name=str(e.get("name") or ""),
                revenue_yuan=_required(e, "revenue_yuan", f"enterprises.{eid}"),
                values=values))
        return cls(year=year, config=config, enterprises=tuple(enterprises))


def _seq(data: Mapping[str, Any], name: str) -> Sequence[Any]:
    value = data.get(name) or []
    if not isinstance(value, list | tuple):
        raise PolicyInputError(name, "应为列表")
    return value


def _required(data: Mapping[str, Any], name: str, prefix: str) -> Decimal:
    value = pick(data, name, to_decimal)
    if value is None:
        raise PolicyInputError(f"{prefix}.{name}", "必填")
    return value


# -- result ----------------------------------------------------------------------------------


def half_up(x: Fraction) -> Decimal:
    """Display form: half up to 2 decimals, exact."""
    return round_fen_exact(x)


@dataclass(slots=True)
class IndicatorScore:
    """One indicator of one enterprise: its min–max score (0–100) and weighted contribution."""

    indicator: str
    label: str
    value: Decimal | None
    score_exact: Fraction
    weight: Decimal
    weighted_exact: Fraction
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "label": self.label,
                "value": None if self.value is None else str(self.value),
                "score": str(half_up(self.score_exact)),
                "score_exact": exact_json(self.score_exact), "weight": str(self.weight),
                "weighted": str(half_up(self.weighted_exact)),
                "weighted_exact": exact_json(self.weighted_exact), "message": self.message}


@dataclass(slots=True)
class EnterprisePoints:
    enterprise_id: str
    name: str
    stage: str
    stage_name: str
    total_exact: Fraction
    rank: int
    cohort_size: int
    tier: str | None
    tier_name: str
    scores: list[IndicatorScore]

    @property
    def total(self) -> Decimal:
        return half_up(self.total_exact)

    def to_dict(self) -> dict[str, Any]:
        return {"enterprise_id": self.enterprise_id, "name": self.name, "stage": self.stage,
                "stage_name": self.stage_name, "total": str(self.total),
                "total_exact": exact_json(self.total_exact), "rank": self.rank,
                "cohort_size": self.cohort_size, "tier": self.tier, "tier_name": self.tier_name,
                "scores": [s.to_dict() for s in self.scores]}


@dataclass(slots=True)
class IndicatorRange:
    indicator: str
    count: int  # enterprises with a value
    min: Decimal | None
    max: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "count": self.count,
                "min": None if self.min is None else str(self.min),
                "max": None if self.max is None else str(self.max)}


@dataclass(slots=True)
class Cohort:
    stage: str
    stage_name: str
    size: int
    ranges: list[IndicatorRange]
    tier_cutoffs: dict[str, int]  # tier code → last rank in the tier (ceil(p% × n))

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "stage_name": self.stage_name, "size": self.size,
                "ranges": [r.to_dict() for r in self.ranges],
                "tier_cutoffs": dict(self.tier_cutoffs)}


@dataclass
class InnovationPointsResult(ResultBase):
    """Every enterprise's points, rank and tier within its stage cohort."""

    rule: str
    rule_version: str
    document: str
    year: int
    enterprises: list[EnterprisePoints]
    cohorts: list[Cohort]
    notes: list[str] = field(default_factory=list)
    disclaimer: str = DISCLAIMER

    def of(self, enterprise_id: str) -> EnterprisePoints:
        return next(e for e in self.enterprises if e.enterprise_id == enterprise_id)

    def to_row(self) -> dict[str, Any]:
        return {"result_rule_version": self.rule_version,
                "result_enterprises": len(self.enterprises),
                "result_cohorts": ",".join(c.stage_name for c in self.cohorts)}


# -- computation -----------------------------------------------------------------------------


def minmax_score(x: Decimal | None, lo: Decimal | None, hi: Decimal | None) -> Fraction:
    """The 0–100 score of ``x`` within [lo, hi] (§d step 2); missing → 0."""
    if x is None or lo is None or hi is None:
        return Fraction(0)
    if hi == lo:
        return Fraction(100) if x > 0 else Fraction(0)
    return 100 * (Fraction(x) - Fraction(lo)) / (Fraction(hi) - Fraction(lo))


def competition_ranks(totals: Sequence[Fraction]) -> list[int]:
    """Standard competition ranking ("1224"): 1 + the number of strictly higher totals."""
    ordered = sorted(totals, reverse=True)
    first = {}
    for i, t in enumerate(ordered):
        first.setdefault(t, i + 1)
    return [first[t] for t in totals]


def tier_cutoff(top_percent: Decimal, n: int) -> int:
    """The last rank of a tier: ceil(top_percent % × n)."""
    return ceil_int(Fraction(top_percent) * n / 100)


def evaluate_innovation_points(inp: InnovationPointsInput, *,
                               rules: InnovationPointsRules | None = None
                               ) -> InnovationPointsResult:
    """Points, ranks and tiers of a whole cohort (the result does not depend on input order)."""
    rules = rules or select(RULE, inp.year)
    cfg = inp.config
    notes = ["企业创新积分为平台默认模型（min–max 标准化、阶段内排名），"
             "指标、权重和阶段划分为配置，不是官方积分"
             "（policy-rules.md §d CONVENTION；全国试行版指标权重未取得 [U]）",
             "缺失值得 0 分，且不参与最小值、最大值的计算；最大值等于最小值时，值大于 0 得 100 分，"
             "否则得 0 分",
             "排名采用竞争排名（同分同名次，如 1、2、2、4）；总分按两位小数四舍五入展示，"
             "排名按精确值比较"]
    if not cfg.stages:
        notes.append("未配置企业阶段划分（全国试行版阈值未取得），全部企业作为一个群组排名")

    groups: dict[str, list[EnterpriseValues]] = {}
    stage_names: dict[str, str] = {}
    for e in inp.enterprises:
        stage = cfg.stage_of(e.revenue_yuan, e.enterprise_id)
        code, name = (stage.code, stage.label()) if stage else ("all", "全部企业")
        groups.setdefault(code, []).append(e)
        stage_names[code] = name
    order = [s.code for s in cfg.stages] or ["all"]

    out: list[EnterprisePoints] = []
    cohorts: list[Cohort] = []
    tiers = sorted(cfg.tiers, key=lambda t: t.top_percent)
    for code in order:
        members = sorted(groups.get(code, []), key=lambda e: e.enterprise_id)
        if not members:
            continue
        weights = cfg.weights_for(code)
        ranges = []
        for ind in cfg.indicators:
            present = [v for e in members if (v := e.values.get(ind)) is not None]
            ranges.append(IndicatorRange(ind, len(present), min(present, default=None),
                                         max(present, default=None)))
        n = len(members)
        cutoffs = {t.code: tier_cutoff(t.top_percent, n) for t in tiers}
        cohorts.append(Cohort(code, stage_names[code], n, ranges, cutoffs))
        scored = []
        for e in members:
            parts = []
            for r in ranges:
                x = e.values.get(r.indicator)
                s = minmax_score(x, r.min, r.max)
                w = weights.get(r.indicator, ZERO)
                parts.append(IndicatorScore(
                    r.indicator, cfg.indicator_labels.get(r.indicator, r.indicator), x, s, w,
                    Fraction(w) * s, _explain(x, r, s)))
            scored.append((e, parts, sum((p.weighted_exact for p in parts), Fraction(0))))
        ranks = competition_ranks([t for _, _, t in scored])
        for (e, parts, total), rank in zip(scored, ranks, strict=True):
            tier = next((t for t in tiers if rank <= cutoffs[t.code]), None)
            out.append(EnterprisePoints(
                enterprise_id=e.enterprise_id, name=e.name, stage=code,
                stage_name=stage_names[code], total_exact=total, rank=rank, cohort_size=n,
                tier=tier.code if tier else None, tier_name=tier.name if tier else "",
                scores=parts))
    position = {c: i for i, c in enumerate(order)}
    out.sort(key=lambda p: (position[p.stage], p.rank, p.enterprise_id))
    return InnovationPointsResult(rule=RULE, rule_version=rules.version,
                                  document=rules.document, year=inp.year, enterprises=out,
                                  cohorts=cohorts, notes=notes)


def _explain(x: Decimal | None, r: IndicatorRange, s: Fraction) -> str:
    if x is None:
        return "缺失，得 0 分（不参与最小值/最大值）"
    if r.max == r.min:
        return (f"群组内该指标值均为 {r.min}（最大值 = 最小值），"
                + ("值大于 0，得 100 分" if x > 0 else "值不大于 0，得 0 分"))
    return (f"100 ×（{x} − 最小值 {r.min}）÷（最大值 {r.max} − 最小值 {r.min}）= "
            f"{half_up(s)} 分")


# -- what moves an enterprise's points -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Headroom:
    """How much an indicator can still add: ``weight × (100 − score)`` points, reached when
    the enterprise's value is the highest of its stage cohort (the others unchanged)."""

    indicator: str
    label: str
    weight: Decimal
    score_exact: Fraction
    gain_exact: Fraction

    @property
    def gain(self) -> Decimal:
        return half_up(self.gain_exact)

    def message(self) -> str:
        if self.weight == 0:
            return "该指标在本阶段权重为 0，不影响总分"
        if self.gain_exact == 0:
            return "已是阶段内最高值（或同为最高），该指标已得满分"
        return (f"权重 {self.weight}，当前得分 {half_up(self.score_exact)}；达到阶段内最高值时"
                f"总分最多增加 {self.gain} 分")


def headroom(points: EnterprisePoints) -> list[Headroom]:
    """Each indicator's remaining room, largest first (ties by indicator code).

    The sum of the gains plus the total is ``100 × Σ weights`` = 100: an enterprise at the top of
    every indicator of its stage has the maximum total."""
    out = [Headroom(s.indicator, s.label, s.weight, s.score_exact,
                    Fraction(s.weight) * (100 - s.score_exact)) for s in points.scores]
    out.sort(key=lambda h: (-h.gain_exact, h.indicator))
    return out
