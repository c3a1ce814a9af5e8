"""Action 7's figures, counted from the cooperation records (kechuang.metrics).

* ``university_cooperation_projects`` — 省校合作项目 standing on the as-of date: marked
  ``provincial``, agreement signed by then and not ended by then (a state, not the year's new
  ones: the plan's target 5 is the five named projects being built). County: the project's.
* ``talent_teams_introduced`` — high-end teams and leading talents landed in the year up to the
  as-of date (落地日期). County: the host organisation's.
* ``young_talents`` — young S&T talents landed or cultivated in the year, the same way.
* ``achievements_transferred`` — achievements transferred in the year up to the as-of date.
  The plan names "contracts" as the source; this module counts its own achievement records
  (each may carry a technology contract's registration number) rather than reading the
  technology-market app, which is another domain module. County: the receiving enterprise's.
* ``cooperation_projects_on_schedule`` (not a plan indicator; the issue's KPI list) — projects
  standing on the as-of date with no milestone overdue that day.

The two project figures are stocks on a date (``kechuang.metrics.StandingMetric``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.cooperation.models import Achievement, CooperationProject, Milestone, Talent
from kechuang.metrics import Column, RecordMetric, StandingMetric, register, standing_between

PROJECT_COLUMNS = (
    Column(_("项目名称"), "name"),
    Column(_("合作形式"), "get_kind_display"),
    Column(_("合作高校/院所"), "partner_name"),
    Column(_("所在县区"), "county.name"),
    Column(_("协议签订日期"), "agreement_on"),
    Column(_("状态"), "get_status_display"),
)


def _standing(on: dt.date) -> QuerySet[CooperationProject]:
    """Projects standing on ``on``: agreement signed by then, not ended by then."""
    return CooperationProject.objects.filter(
        standing_between("agreement_on", "ended_on", on)).select_related("county")


def _provincial(on: dt.date) -> QuerySet[CooperationProject]:
    return _standing(on).filter(provincial=True)


def _on_schedule(on: dt.date) -> QuerySet[CooperationProject]:
    """Standing projects without a milestone overdue that day (due before it, not done by it)."""
    late = Milestone.objects.filter(
        Q(due_on__lt=on) & (Q(done_on__isnull=True) | Q(done_on__gt=on)),
        project=OuterRef("pk"))
    return _standing(on).filter(~Exists(late))


def _talents(*categories: str):  # noqa: ANN202 - a rows callable
    def rows(year: int) -> QuerySet[Talent]:
        return Talent.objects.filter(category__in=categories).select_related("host__county")
    return rows


def _achievements(year: int) -> QuerySet[Achievement]:
    return Achievement.objects.select_related("receiver__county")


# personal data stays out of the drill-down: host, team name and category only; the first
# column is the organisation (the drill-down links it to the enterprise page)
TALENT_COLUMNS = (
    Column(_("依托单位"), "host.name"),
    Column(_("所在县区"), "host.county.name"),
    Column(_("团队名称"), "team_name"),
    Column(_("类别"), "get_category_display"),
    Column(_("引进方式"), "get_mode_display"),
    Column(_("研究领域"), "field"),
    Column(_("落地日期"), "started_on"),
)

PROVINCIAL = StandingMetric(
    key="university_cooperation_projects",
    name=_("省校合作项目建设"),
    unit="项",
    model=CooperationProject,
    standing=_provincial,
    county_field="county",
    description=_("截至统计日已签订协议、未终止的省校合作项目（计划点名的太原理工大学太行研究院、"
                  "北大—长治襄垣化工联合实验室等五个项目），按项目所在县区统计。"),
    columns=PROJECT_COLUMNS,
)

ON_SCHEDULE = StandingMetric(
    key="cooperation_projects_on_schedule",
    name=_("按计划推进的校地合作项目"),
    unit="项",
    model=CooperationProject,
    standing=_on_schedule,
    county_field="county",
    description=_("截至统计日已签订协议、未终止，且没有逾期未完成建设节点的校地合作项目。"),
    columns=PROJECT_COLUMNS,
)

TEAMS = RecordMetric(
    key="talent_teams_introduced",
    name=_("引进高端创新团队和科技领军人才"),
    unit="个",
    places=0,
    model=Talent,
    rows=_talents(Talent.Category.TEAM, Talent.Category.LEADER),
    county_field="host__county",
    date_field="started_on",
    description=_("本年度落地的高端创新团队和科技领军人才（含柔性引进），按落地日期计入，"
                  "按依托单位所在县区统计；一个团队计为一个。"),
    columns=TALENT_COLUMNS,
)

YOUNG = RecordMetric(
    key="young_talents",
    name=_("引进培育青年科技人才"),
    unit="人",
    places=0,
    model=Talent,
    rows=_talents(Talent.Category.YOUNG),
    county_field="host__county",
    date_field="started_on",
    description=_("本年度引进或本地培育的青年科技人才，按落地（认定）日期计入，"
                  "按依托单位所在县区统计。"),
    columns=TALENT_COLUMNS,
)

ACHIEVEMENTS = RecordMetric(
    key="achievements_transferred",
    name=_("转化先进适用科技成果"),
    unit="项",
    places=0,
    model=Achievement,
    rows=_achievements,
    county_field="receiver__county",
    date_field="transferred_on",
    description=_("本年度以转让、许可、合作开发或作价投资方式转化给本地企业的科技成果，"
                  "按转化日期计入、按承接企业所在县区统计；由成果转化台账计数"
                  "（已认定登记的技术合同记有登记编号）。"),
    columns=(
        Column(_("承接企业"), "receiver.name"),
        Column(_("所在县区"), "receiver.county.name"),
        Column(_("成果名称"), "title"),
        Column(_("成果来源"), "source"),
        Column(_("转化方式"), "get_mode_display"),
        Column(_("转化金额（元）"), "amount_yuan"),
        Column(_("转化日期"), "transferred_on"),
        Column(_("技术合同登记编号"), "contract_no"),
    ),
)

METRICS = (PROVINCIAL, ON_SCHEDULE, TEAMS, YOUNG, ACHIEVEMENTS)


def register_all() -> None:
    """(Re-)register the metrics (tests that stub a key call this to restore them)."""
    for metric in METRICS:
        register(metric)


register_all()
