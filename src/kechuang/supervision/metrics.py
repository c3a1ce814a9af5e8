"""改革措施落实 (reform_measures_done, action 1, target 16), counted from the measures' records:
a measure counts from the day an update of its unit declared it finished (with evidence) —
its 办结日期 — so the figure "as of" a day is the measures finished by then."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import (
    Column,
    RecordMetric,
    ReportSection,
    register,
    register_report_section,
)
from kechuang.supervision.models import SupervisedItem


def _finished(year: int) -> QuerySet[SupervisedItem]:
    return SupervisedItem.objects.filter(
        kind=SupervisedItem.Kind.MEASURE, measure__plan__year=year,
        completed_on__isnull=False).select_related("measure", "lead_unit")


REFORM_MEASURES_DONE = register(RecordMetric(
    key="reform_measures_done",
    name=_("改革措施落实"),
    unit="项",
    model=SupervisedItem,
    rows=_finished,
    county_field="lead_unit__county",
    date_field="completed_on",
    aggregate="count",
    description=_("本年度工作要点的改革措施中已办结的项数：责任单位申报办结并上传佐证材料，"
                  "自办结日期起计入。"),
    columns=(
        Column(_("序号"), "measure.number"),
        Column(_("改革措施"), "measure.title"),
        Column(_("领域"), "measure.get_area_display"),
        Column(_("机制"), "measure.get_mechanism_display"),
        Column(_("牵头单位"), "lead_unit.name"),
        Column(_("办结日期"), "completed_on"),
    ),
    places=0,
))


def report_section(plan: Any, as_of: dt.date) -> ReportSection | None:
    """The monthly report's section on tasks and measures: per action and for the measures,
    how many are 未启动 / 推进中 / 已完成 / 滞后 as of the report's day, and the late ones."""
    from kechuang.policy import supervision as rule
    from kechuang.supervision.models import STATUS_LABELS
    from kechuang.supervision.selectors import with_status

    items = with_status(SupervisedItem.objects.filter(
        Q(task__action__plan=plan) | Q(measure__plan=plan)), as_of).select_related(
        "task__action", "measure", "lead_unit")
    if not items.exists():
        return None
    groups: dict[str, Counter] = {}
    late: list[str] = []
    for i in items.order_by("kind", "task__action__number", "task__sort_order",
                            "measure__number"):
        key = (str(_("行动%(n)s") % {"n": i.task.action.number}) if i.task_id
               else str(_("改革措施")))
        groups.setdefault(key, Counter())[i.derived_status] += 1
        if i.derived_status == rule.LATE:
            late.append(f"{str(i)[:30]}（{i.lead_unit.name}）")
    rows = tuple((key, *(str(c.get(s, 0)) for s in rule.STATUSES), str(sum(c.values())))
                 for key, c in groups.items())
    text = str(_("截至 %(d)s，滞后事项 %(n)s 项。") % {"d": f"{as_of:%Y-%m-%d}", "n": len(late)})
    if late:
        text += str(_("滞后事项：")) + "；".join(late[:20]) + ("……" if len(late) > 20 else "")
    return ReportSection(
        title=str(_("重点任务和改革措施督查")),
        headers=(str(_("类别")), *(str(STATUS_LABELS[s]) for s in rule.STATUSES),
                 str(_("合计"))),
        rows=rows, text=text, order=10)


register_report_section("supervision", report_section)
