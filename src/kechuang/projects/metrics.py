"""Plan indicators of 行动二 counted from projects (plan-2025.yaml, action 2), registered
with the metric registry under the indicators' own keys:

* ``rd_projects_total`` (科技研发项目攻关, 100): projects approved in the plan year (all
  programmes, not the carry-overs), dated by the approval date;
* ``major_and_key_projects_new`` (实施市级重大专项、重点研发专项, ≥ 20): of those, city major
  special and key R&D projects;
* ``carryover_major_2024`` / ``carryover_key_rd_2024`` / ``carryover_basic_joint_2024`` (10 /
  22 / 18): the previous year's projects carried over into the plan year and being implemented
  (not terminated) — for the 2025 plan, the 2024 projects;
* ``luan_cooperation_projects`` (与潞安集团合作科研攻关项目): projects of the plan year or
  carried over into it with 潞安集团 (an organisation whose name contains 潞安) as lead or
  partner.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import Column, RecordMetric, register
from kechuang.projects.models import Level, Project

LUAN = "潞安"
COLUMNS = (Column(_("项目编号"), "code"), Column(_("项目名称"), "title"),
           Column(_("类别"), "get_level_display"), Column(_("承担单位"), "lead.name"),
           Column(_("所在县区"), "county.name"), Column(_("阶段"), "get_stage_display"),
           Column(_("立项日期"), "approved_on"))


def _approved(year: int) -> QuerySet[Project]:
    return Project.objects.filter(year=year, carried_over=False)


def _major_and_key(year: int) -> QuerySet[Project]:
    return _approved(year).filter(level__in=(Level.MAJOR, Level.KEY_RD))


def _carried_over(level: str):
    def rows(year: int) -> QuerySet[Project]:
        return Project.objects.filter(year=year - 1, level=level, carried_over=True).exclude(
            stage=Project.Stage.TERMINATED)
    return rows


def _with_luan(year: int) -> QuerySet[Project]:
    luan = Project.objects.filter(Q(lead__name__contains=LUAN)
                                  | Q(partners__name__contains=LUAN)).values("pk")
    return Project.objects.filter(Q(year=year, carried_over=False)
                                  | Q(year=year - 1, carried_over=True),
                                  pk__in=luan).exclude(stage=Project.Stage.TERMINATED)


def _metric(key: str, name: str, rows, description: str, dated: bool = False) -> RecordMetric:
    return RecordMetric(key=key, name=name, unit="项", model=Project, rows=rows,
                        county_field="county", date_field="approved_on" if dated else None,
                        aggregate="count", places=0, description=description,
                        columns=COLUMNS)


METRICS = (
    _metric("rd_projects_total", "科技研发项目攻关", _approved,
            "本年度立项的科技研发项目数（各类计划，不含上年度结转项目），按立项日期计入进度。",
            dated=True),
    _metric("major_and_key_projects_new", "实施市级重大专项、重点研发专项", _major_and_key,
            "本年度立项的市级重大专项和重点研发计划项目数，按立项日期计入进度。", dated=True),
    _metric("carryover_major_2024", "上年度市级重大专项实施", _carried_over(Level.MAJOR),
            "上年度立项、结转到本年度实施（未终止）的市级重大专项数。"),
    _metric("carryover_key_rd_2024", "上年度重点研发项目实施", _carried_over(Level.KEY_RD),
            "上年度立项、结转到本年度实施（未终止）的重点研发计划项目数。"),
    _metric("carryover_basic_joint_2024", "上年度省基础研究（长治·潞安）联合资助项目实施",
            _carried_over(Level.JOINT_BASIC),
            "上年度立项、结转到本年度实施（未终止）的省基础研究（长治·潞安）联合资助项目数。"),
    _metric("luan_cooperation_projects", "与潞安集团合作科研攻关项目", _with_luan,
            "本年度立项或上年度结转实施的项目中，潞安集团为牵头或合作单位的项目数。"),
)


def register_all() -> None:
    for metric in METRICS:
        register(metric)


register_all()
