"""Excel import of the reform measures (改革措施), issue #18 item 2: the bureau enters the
sixteen measures the plan names only by area and mechanism.

* **Key: 年度 + 序号.** A re-import of the same file changes nothing; a changed row updates the
  measure (audited).
* **Units by name**: 牵头单位 and 配合单位 (separated by 、 or a comma) must already be responsible
  units; an unknown name is a row error.
* After the measures are written, each new or changed row's supervision (units, 完成时限) is set
  through ``services.place_imported_measure`` — audited like the form. (A row whose measure
  fields are unchanged but whose units changed is reported unchanged: change units on the
  measure's page.)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.imports.spec import Column, ImportContext, ImportRow, ImportSpec, register
from kechuang.plans.models import Plan
from kechuang.supervision import services
from kechuang.supervision.models import ReformMeasure, ResponsibleUnit

KIND = "supervision.measure"
SPLIT = re.compile(r"[、,，;；\s]+")


def _names(text: str | None) -> list[str]:
    return [n for n in SPLIT.split(text or "") if n]


def _units(ctx: ImportContext) -> dict[str, ResponsibleUnit]:
    if "units" not in ctx.cache:
        ctx.cache["units"] = {u.name: u for u in ResponsibleUnit.objects.restrict(
            ctx.user, "view")}
    return ctx.cache["units"]


def resolve_measures(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Three queries per chunk: the plans by year, the measures by (plan, number), the units."""
    if not rows:
        return
    plans = {p.year: p for p in Plan.objects.restrict(ctx.user, "change").filter(
        year__in={r.data["year"] for r in rows})}
    existing = {(m.plan_id, m.number): m for m in ReformMeasure.objects.restrict(
        ctx.user, "change").filter(plan__in=plans.values())}
    units = _units(ctx)
    for row in rows:
        plan = plans.get(row.data["year"])
        if plan is None:
            row.add_error("year", _("没有 %(y)s 年度的工作要点，请先导入工作要点") % {
                "y": row.data["year"]})
            continue
        for name in [row.data.get("lead_unit") or "", *_names(row.data.get("cooperating"))]:
            if name and name not in units:
                row.add_error("lead_unit" if name == row.data.get("lead_unit")
                              else "cooperating", _("责任单位“%(n)s”不存在，请先在“责任单位”中新增")
                              % {"n": name})
        measure = existing.get((plan.pk, row.data["number"]))
        row.instance = measure or ReformMeasure(plan=plan, number=row.data["number"])
        row.values["plan"] = plan


def place_after_commit(spec: Any, ctx: ImportContext, rows: list[ImportRow]) -> None:
    units = _units(ctx)
    for row in rows:
        services.place_imported_measure(
            actor=ctx.user, measure=row.instance, lead_unit=units[row.data["lead_unit"]],
            cooperating_units=[units[n] for n in _names(row.data.get("cooperating"))
                               if n != row.data["lead_unit"]],
            due_date=row.data.get("due_date"))


MEASURE_SPEC = register(ImportSpec(
    kind=KIND,
    title=gettext_lazy("改革措施"),
    model=ReformMeasure,
    columns=[
        Column(gettext_lazy("年度"), "year", "int", required=True, min_value=2000,
               max_value=2100),
        Column(gettext_lazy("序号"), "number", "int", required=True, min_value=1,
               max_value=99),
        Column(gettext_lazy("措施名称"), "title", "text", required=True, width=30),
        Column(gettext_lazy("领域"), "area", "choice", required=True,
               choices=ReformMeasure.Area.choices),
        Column(gettext_lazy("机制"), "mechanism", "choice", required=True,
               choices=ReformMeasure.Mechanism.choices),
        Column(gettext_lazy("主要内容"), "description", "text", width=40),
        Column(gettext_lazy("成果产出"), "outputs", "text", width=30,
               help=gettext_lazy("已印发的文件等")),
        Column(gettext_lazy("牵头单位"), "lead_unit", "text", required=True, width=16),
        Column(gettext_lazy("配合单位"), "cooperating", "text", width=24,
               help=gettext_lazy("多个单位用顿号分隔")),
        Column(gettext_lazy("完成时限"), "due_date", "date", min_value=dt.date(2000, 1, 1)),
    ],
    key=("year", "number"),
    resolve=resolve_measures,
    service=services.MEASURE_IMPORTS,
    after_commit=place_after_commit,
    clean_exclude=("plan",),
    field_labels={"plan": gettext_lazy("年度")},
    example={"year": 2025, "number": 1, "title": "支持企业牵头组建创新联合体",
             "area": "subject", "mechanism": "enterprise",
             "description": "鼓励链主企业联合高校院所组建创新联合体",
             "outputs": "", "lead_unit": "成果转化科", "cooperating": "市财政局",
             "due_date": dt.date(2025, 12, 31)},
    notes=[gettext_lazy("按“年度 + 序号”识别：重复导入不会重复创建。"),
           gettext_lazy("牵头单位、配合单位须已在“责任单位”中登记，按名称匹配。")],
    describe=lambda m: f"{m.number}. {m.title}",
))
