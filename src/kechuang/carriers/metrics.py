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
date does (``kechuang.metrics.StandingMetric``, as for cultivation's holders and cooperation's
projects). County: the platform's (the carrier's) county, folded by the year's attribution
like every figure by county.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.carriers.models import (
    PROVINCIAL_OR_ABOVE,
    Occupant,
    Platform,
    Recognition,
    settled_q,
    standing_q,
)
from kechuang.metrics import Column, StandingMetric, register


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


PLATFORM_COLUMNS = (
    Column(_("平台名称"), "name"), Column(_("类别"), "kind.name"),
    Column(_("当前级别"), "get_level_display"), Column(_("依托单位"), "lead_host.name"),
    Column(_("所在县区"), "county.name"), Column(_("状态"), "get_status_display"),
)

PROVINCIAL_PLATFORMS = StandingMetric(
    key="provincial_platforms",
    name=_("省级以上创新平台"),
    model=Platform,
    standing=provincial_platforms,
    description=_("统计日前已获省级或国家级认定（按认定文件日期）、统计日未撤销或摘牌的创新平台"
                  "家数；市级平台晋升省级的，自省级认定日期起计入。按平台所在县区统计。"),
    columns=PLATFORM_COLUMNS,
)

INCUBATORS_AND_PILOT_BASES = StandingMetric(
    key="incubators_and_pilot_bases",
    name=_("科技企业孵化器和中试基地"),
    unit="个",
    model=Platform,
    standing=incubators_and_pilot_bases,
    description=_("统计日已建成运行（不含筹建）、未撤销或摘牌的科技企业孵化器和中试基地"
                  "个数，不论级别。按所在县区统计。"),
    columns=PLATFORM_COLUMNS,
)

STARTUPS_SETTLED = StandingMetric(
    key="startups_settled",
    name=_("入驻初创型企业和创新型团队"),
    unit="个",
    model=Occupant,
    standing=startups_settled,
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
