"""改革措施落实 (reform_measures_done, action 1, target 16), counted from the measures' records:
a measure counts from the day an update of its unit declared it finished (with evidence) —
its 办结日期 — so the figure "as of" a day is the measures finished by then."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import Column, RecordMetric, register
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
