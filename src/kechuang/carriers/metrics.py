"""Plan indicators of 行动三 and 行动五 counted from the platform registry (plan-2025.yaml):

* ``provincial_platforms`` (省级以上创新平台, ≥ 100): platforms holding a provincial or
  national recognition dated on or before the as-of date and not revoked or delisted by then —
  a city platform promoted to province level counts from its recognition date;
* ``incubators_and_pilot_bases`` (科技企业孵化器和中试基地): platforms of the kinds counted as
  incubators or pilot bases, established by the as-of date, in operation (not 筹建) and not
  revoked or delisted by then;
* ``startups_settled`` (入驻初创型企业和创新型团队): startups and innovation teams settled in a
  carrier on the as-of date and neither graduated nor left by then.

These are stocks on a date, not flows of the year: the plan year does not cut them, the as-of
date does (like cultivation's holders). County: the platform's (the carrier's) county, folded
by the year's attribution like every figure by county.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from kechuang.carriers.models import (
    PROVINCIAL_OR_ABOVE,
    Occupant,
    Platform,
    Recognition,
    settled_q,
    standing_q,
)
from kechuang.metrics import Attribution, Column, Figures, Metric, get_attribution, register


def provincial_platforms(as_of: dt.date) -> QuerySet[Platform]:
    recognised = Recognition.objects.filter(level__in=PROVINCIAL_OR_ABOVE,
                                            recognised_on__lte=as_of).values("platform_id")
    return Platform.objects.filter(standing_q(as_of), pk__in=recognised).select_related(
        "kind", "lead_host", "county")


def incubators_and_pilot_bases(as_of: dt.date) -> QuerySet[Platform]:
    return (Platform.objects.filter(standing_q(as_of), kind__incubator_or_pilot=True,
                                    established_on__lte=as_of)
            .exclude(status=Platform.Status.PLANNING)
            .select_related("kind", "lead_host", "county"))


def startups_settled(as_of: dt.date) -> QuerySet[Occupant]:
    return Occupant.objects.filter(settled_q(as_of)).select_related("carrier",
                                                                     "carrier__county")


@dataclass(eq=False)
class StockMetric(Metric):
    """Rows standing on the as-of date, counted by their county (the year does not cut)."""

    key: str = ""
    name: Any = ""
    unit: str = "家"
    description: Any = ""
    model: type | None = None
    holding: Callable[[dt.date], QuerySet] | None = None
    county_field: str = "county"
    columns: tuple[Column, ...] = ()

    def _rows(self, as_of: dt.date, county_id: int | None, year: int,
              att: Attribution | None = None) -> QuerySet:
        qs = self.holding(as_of)
        if county_id is None:
            return qs
        members = (att or get_attribution(year)).members(county_id)
        return qs.filter(**{f"{self.county_field}__in": members})

    def value(self, *, year: int, as_of: dt.date, county_id: int | None = None,
              attribution: Attribution | None = None) -> Decimal:
        return Decimal(self._rows(as_of, county_id, year, attribution).count())

    def by_county(self, *, year: int, as_of: dt.date,
                  attribution: Attribution | None = None) -> dict[int, Decimal]:
        att = attribution or get_attribution(year)
        field = self.county_field
        unit = Case(*(When(**{field: region}, then=Value(u))
                      for region, u in sorted(att.folded.items())),
                    default=F(field), output_field=IntegerField()) if att.folded else F(field)
        rows = (self._rows(as_of, None, year).order_by().annotate(_u=unit).values("_u")
                .annotate(n=Count("pk")))
        return {r["_u"]: Decimal(r["n"]) for r in rows}

    def figures(self, *, year: int, as_of: dt.date, full_curve: bool = False,
                attribution: Attribution | None = None) -> Figures:
        """The dashboard's figures in one GROUP BY: every row has a county, so the city's
        count is the sum of the counties' (no curve: a stock has no monthly increments)."""
        counties = self.by_county(year=year, as_of=as_of, attribution=attribution)
        return Figures(counties=counties, city=sum(counties.values(), Decimal(0)),
                       curve=None, has_rows=bool(counties))

    def records(self, *, year: int, as_of: dt.date, county_id: int | None = None,
                base: QuerySet | None = None,
                attribution: Attribution | None = None) -> QuerySet:
        qs = self._rows(as_of, county_id, year, attribution)
        return qs if base is None else qs.filter(pk__in=base.values("pk"))


PLATFORM_COLUMNS = (
    Column(_("平台名称"), "name"), Column(_("类别"), "kind.name"),
    Column(_("当前级别"), "get_level_display"), Column(_("依托单位"), "lead_host.name"),
    Column(_("所在县区"), "county.name"), Column(_("状态"), "get_status_display"),
)

PROVINCIAL_PLATFORMS = StockMetric(
    key="provincial_platforms",
    name=_("省级以上创新平台"),
    model=Platform,
    holding=provincial_platforms,
    description=_("统计日前已获省级或国家级认定（按认定文件日期）、统计日未撤销或摘牌的创新平台"
                  "家数；市级平台晋升省级的，自省级认定日期起计入。按平台所在县区统计。"),
    columns=PLATFORM_COLUMNS,
)

INCUBATORS_AND_PILOT_BASES = StockMetric(
    key="incubators_and_pilot_bases",
    name=_("科技企业孵化器和中试基地"),
    unit="个",
    model=Platform,
    holding=incubators_and_pilot_bases,
    description=_("统计日已建成运行（不含筹建）、未撤销或摘牌的科技企业孵化器和中试基地"
                  "个数，不论级别。按所在县区统计。"),
    columns=PLATFORM_COLUMNS,
)

STARTUPS_SETTLED = StockMetric(
    key="startups_settled",
    name=_("入驻初创型企业和创新型团队"),
    unit="个",
    model=Occupant,
    holding=startups_settled,
    county_field="carrier__county",
    description=_("统计日在孵化器、中试基地、成果转化中心等载体内的初创型企业和创新型团队个数："
                  "已入驻、未毕业且未迁出。按载体所在县区统计。"),
    columns=(Column(_("名称"), "name"), Column(_("类型"), "get_kind_display"),
             Column(_("载体"), "carrier.name"), Column(_("所在县区"), "carrier.county.name"),
             Column(_("入驻日期"), "settled_on")),
)

METRICS = (PROVINCIAL_PLATFORMS, INCUBATORS_AND_PILOT_BASES, STARTUPS_SETTLED)


def register_all() -> None:
    """(Re-)register the metrics (tests that stub a key call this to restore them)."""
    for metric in METRICS:
        register(metric)


register_all()
