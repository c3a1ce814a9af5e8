"""The innovation-points indicator catalogue: which annual-report figure each indicator reads,
and the configurations the bureau starts from (the §d default and the 温州 example).

Pure data and a reader over annual-report rows; the model and weights live in
:class:`~kechuang.rdinput.models.PointsModel` and the arithmetic in
:mod:`kechuang.policy.innovation_points`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kechuang.policy.innovation_points import (
    WENZHOU_2022_STAGES,
    WENZHOU_2022_TIERS,
    EnterpriseValues,
    InnovationPointsConfig,
    InnovationPointsInput,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Source:
    label: str
    fields: tuple[str, ...]
    value: Callable[[Mapping[str, Any]], Decimal | None]


def _field(name: str) -> Callable[[Mapping[str, Any]], Decimal | None]:
    return lambda r: Decimal(r[name]) if r.get(name) is not None else None


def _ratio(num: str, den: str) -> Callable[[Mapping[str, Any]], Decimal | None]:
    def value(r: Mapping[str, Any]) -> Decimal | None:
        d = r.get(den)
        if not d:
            return None  # no denominator: missing, scores 0 and stays out of min/max
        return (Decimal(r[num] or 0) * HUNDRED / Decimal(d)).quantize(Decimal("0.0001"))
    return value


# indicator code → the annual-report figure it reads (企业年报, 元 / 人 / 项 / %)
SOURCES: dict[str, Source] = {
    "rd_expense": Source("研发费用金额（元）", ("rd_expense_yuan",), _field("rd_expense_yuan")),
    "rd_ratio": Source("研发费用占营业收入比例（%）", ("rd_expense_yuan", "revenue_yuan"),
                       _ratio("rd_expense_yuan", "revenue_yuan")),
    "st_staff": Source("研发（科技）人员数（人）", ("st_staff",), _field("st_staff")),
    "st_staff_ratio": Source("科技人员占职工比例（%）", ("st_staff", "employees"),
                             _ratio("st_staff", "employees")),
    "ip_class_1": Source("Ⅰ类知识产权（项）", ("ip_class_1_count",), _field("ip_class_1_count")),
    "ip_class_2": Source("Ⅱ类知识产权（项）", ("ip_class_2_count",), _field("ip_class_2_count")),
    "achievements": Source("科技成果转化（项）", ("achievements_converted",),
                           _field("achievements_converted")),
    "high_tech_revenue": Source("高新技术产品（服务）收入（元）", ("high_tech_revenue_yuan",),
                                _field("high_tech_revenue_yuan")),
    "revenue": Source("营业收入（元）", ("revenue_yuan",), _field("revenue_yuan")),
    "employees": Source("职工总数（人）", ("employees",), _field("employees")),
}
REPORT_FIELDS = tuple(sorted({f for s in SOURCES.values() for f in s.fields} | {"revenue_yuan"}))


def indicator_spec(codes: Iterable[str]) -> list[dict[str, str]]:
    return [{"code": c, "label": SOURCES[c].label} for c in codes]


# §d default: the typical second-level indicators the platform holds; weights empty until the
# bureau loads the official (or its own) weights; no stage table (one cohort).
DEFAULT_INDICATORS = ("rd_expense", "rd_ratio", "st_staff", "ip_class_1", "ip_class_2",
                      "achievements", "high_tech_revenue", "revenue")
DEFAULT_SPEC: dict[str, Any] = {"indicators": indicator_spec(DEFAULT_INDICATORS), "weights": {},
                                "stages": [], "tiers": []}


def _stage(s: Any) -> dict[str, Any]:
    return {"code": s.code, "name": s.name, "min_revenue_yuan": str(s.min_revenue_yuan),
            "max_revenue_yuan": None if s.max_revenue_yuan is None else str(s.max_revenue_yuan)}


# The 温州 example (温龙政发〔2022〕12号 stages and lists). The weights are an EXAMPLE chosen
# for the demo, not a published table.
EXAMPLE_INDICATORS = ("rd_expense", "rd_ratio", "st_staff", "ip_class_1", "achievements",
                      "revenue")
EXAMPLE_WEIGHTS = {"*": {"rd_expense": "0.25", "rd_ratio": "0.25", "st_staff": "0.15",
                         "ip_class_1": "0.15", "achievements": "0.1", "revenue": "0.1"}}
EXAMPLE_SPEC: dict[str, Any] = {
    "indicators": indicator_spec(EXAMPLE_INDICATORS), "weights": EXAMPLE_WEIGHTS,
    "stages": [_stage(s) for s in WENZHOU_2022_STAGES],
    "tiers": [{"code": t.code, "name": t.name, "top_percent": str(t.top_percent)}
              for t in WENZHOU_2022_TIERS]}


def unknown_indicators(spec: Mapping[str, Any]) -> list[str]:
    return [code for code in indicator_codes(spec) if code not in SOURCES]


def indicator_codes(spec: Mapping[str, Any]) -> list[str]:
    return [str(i["code"] if isinstance(i, Mapping) else i) for i in spec.get("indicators", [])]


def parse_config(spec: Mapping[str, Any], year: int) -> InnovationPointsConfig:
    """The pure rule's config from a stored spec (raises PolicyInputError with a path)."""
    return InnovationPointsInput.from_dict({**spec, "year": year, "enterprises": []}).config


def enterprise_values(rows: Iterable[Mapping[str, Any]], codes: Iterable[str]
                      ) -> list[EnterpriseValues]:
    """The cohort: one entry per annual-report row (``enterprise_id`` and REPORT_FIELDS)."""
    codes = list(codes)
    readers = [(c, SOURCES[c].value) for c in codes]
    return [EnterpriseValues(enterprise_id=str(r["enterprise_id"]),
                             revenue_yuan=Decimal(r["revenue_yuan"] or 0),
                             values={c: read(r) for c, read in readers})
            for r in rows]
