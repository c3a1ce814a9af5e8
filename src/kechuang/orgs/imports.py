"""Excel import of enterprise annual reports (企业年度报表): the column spec.

* One row per enterprise and year; the key is (统一社会信用代码, 年度): a row whose report
  exists is an update, otherwise a new report.
* The figures are every field of the report form (``forms.REPORT_SECTIONS``), headed by their
  Chinese ``verbose_name``; kinds and lower bounds come from the model fields, and each row
  is checked by the model's own validation (``clean()``: 科技人员 ≤ 职工, 境内研发 ≤ 研发总额 …).
* The enterprise is looked up through ``Enterprise.objects.restrict(user, "change")``: an
  enterprise that does not exist and one outside the clerk's county get the same message, as
  a 404 would (its existence does not leak).
* 企业名称 is optional; when filled in it must match the enterprise of that code (an
  **error**, not a warning: a code pasted into the wrong line would put the figures on
  another enterprise). Spaces, case and full-width brackets are ignored in the comparison.
* A blank figure keeps the stored value on an update and is 0 / 否 on a new report.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.imports.cells import normalize_label
from kechuang.imports.spec import Column, ImportContext, ImportRow, ImportSpec, register
from kechuang.orgs.forms import REPORT_SECTIONS
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
from kechuang.orgs.services import ANNUAL_REPORTS
from kechuang.policy.credit_code import make_code

KIND = "orgs.annual_report"
REPORT_FIELDS = [name for _title, names in REPORT_SECTIONS for name in names if name != "year"]


def _min_value(field: models.Field) -> Any:
    limits = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    return max(limits) if limits else None


def _column(name: str) -> Column:
    field = EnterpriseAnnualReport._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        kind = "bool"
    elif isinstance(field, models.DecimalField):
        kind = "money" if name.endswith("_yuan") else "decimal"
    else:
        kind = "int"
    return Column(field.verbose_name, name, kind, min_value=_min_value(field),
                  help=field.help_text)


def report_columns() -> list[Column]:
    year = EnterpriseAnnualReport._meta.get_field("year")
    return [
        Column(gettext_lazy("统一社会信用代码"), "credit_code", "credit_code", required=True,
               help=gettext_lazy("企业须已在企业库中；请设为文本格式")),
        Column(gettext_lazy("企业名称"), "enterprise_name", "text",
               help=gettext_lazy("选填；填写时须与系统中该信用代码的企业名称一致")),
        Column(year.verbose_name, "year", "int", required=True, min_value=_min_value(year),
               help=gettext_lazy("报表所属年度，如 2024")),
        *[_column(name) for name in REPORT_FIELDS],
    ]


def _same_name(a: str, b: str) -> bool:
    return normalize_label(a) == normalize_label(b)


SCOPE_CACHE = "orgs.enterprises_in_scope"


def enterprises_by_code(ctx: ImportContext, codes: set[str]) -> dict[str, Enterprise]:
    """The enterprises of these credit codes that the user may change, by code.

    The user's scope is read once per pass, as a set of ids (an index-only scan), and each
    chunk's codes through the unique index: ``restrict(…).filter(credit_code__in=…)`` per
    chunk made SQLite scan every enterprise of the kind index for each chunk (no statistics:
    ``kind = ?`` looks selective), which grew with the size of the table. Only the columns the
    rows use are loaded (the code and the name, for the check and the report's label).
    """
    if not codes:
        return {}
    allowed = ctx.cache.get(SCOPE_CACHE)
    if allowed is None:
        allowed = ctx.cache[SCOPE_CACHE] = set(
            Enterprise.objects.restrict(ctx.user, "change").order_by()
            .values_list("pk", flat=True))
    return {e.credit_code: e for e in Enterprise._base_manager.filter(credit_code__in=codes)
            .only("pk", "kind", "credit_code", "name") if e.pk in allowed}


def _report_defaults() -> tuple[list[Any], list[tuple[int, Any]]]:
    """Every field's default, and (index, field) of those computed per row (callables)."""
    fields = EnterpriseAnnualReport._meta.concrete_fields
    fixed = [None if f.has_default() and callable(f.default) else f.get_default()
             for f in fields]
    return fixed, [(i, f) for i, f in enumerate(fields)
                   if f.has_default() and callable(f.default)]


_DEFAULTS: tuple[list[Any], list[tuple[int, Any]]] | None = None


_ATTNAMES: list[str] = []


def _attnames() -> list[str]:
    if not _ATTNAMES:
        _ATTNAMES.extend(f.attname for f in EnterpriseAnnualReport._meta.concrete_fields)
    return _ATTNAMES


def new_report(enterprise: Enterprise, year: int) -> EnterpriseAnnualReport:
    """``EnterpriseAnnualReport(enterprise=…, year=…)`` through ``Model.__init__``'s
    positional path with the defaults worked out once (a third of the time of the keyword
    path; an import builds one per new row in each pass)."""
    global _DEFAULTS
    if _DEFAULTS is None:
        _DEFAULTS = _report_defaults()
    fixed, computed = _DEFAULTS
    values = list(fixed)
    for i, f in computed:
        values[i] = f.get_default()
    model = EnterpriseAnnualReport
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        report = model(*values)
    else:  # what __init__ does with every field given positionally and nobody listening
        report = model.__new__(model)
        report._state = ModelState()
        report.__dict__.update(zip(_attnames(), values, strict=True))
    report.enterprise = enterprise
    report.year = year
    return report


def resolve_reports(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Two queries per chunk: the enterprises (in the user's scope, ``enterprises_by_code``)
    and their reports."""
    if not rows:
        return
    enterprises = enterprises_by_code(ctx, {r.data["credit_code"] for r in rows})
    years = {r.data["year"] for r in rows}
    # the year as an expression (``year + 0``), so that PostgreSQL finds the reports through
    # the enterprise index and never through the year index: when the statistics say the
    # imported year is rare (it is, before its first import), it would walk every report of
    # that year the import has inserted so far, once per chunk — quadratic in the file
    reports_qs = EnterpriseAnnualReport.objects.restrict(ctx.user, "change").alias(
        report_year=ExpressionWrapper(F("year") + 0, output_field=models.IntegerField()),
    ).filter(enterprise_id__in=[e.pk for e in enterprises.values()], report_year__in=years)
    if ctx.committing:  # PostgreSQL: nobody edits these rows until the import commits
        reports_qs = reports_qs.select_for_update(of=("self",))
    reports = {(r.enterprise_id, r.year): r for r in reports_qs}
    for row in rows:
        code = row.data["credit_code"]
        enterprise = enterprises.get(code)
        if enterprise is None:
            row.add_error("credit_code", _(
                "系统中没有统一社会信用代码为 %(code)s 的企业，或该企业不在您的管辖范围内"
                "（新企业请先在企业库中新增）") % {"code": code})
            continue
        name = row.data.get("enterprise_name")
        if name and not _same_name(name, enterprise.name):
            row.add_error("enterprise_name", _(
                "企业名称与统一社会信用代码不符：系统中该代码的企业为“%(name)s”") % {
                "name": enterprise.name})
            continue
        report = reports.get((enterprise.pk, row.data["year"]))
        if report is None:
            report = new_report(enterprise, row.data["year"])
        else:
            report.enterprise = enterprise  # the related cache only: same id, no query
        row.instance = report


EXAMPLE = {
    "credit_code": make_code("91140403MA0K12345"), "enterprise_name": "长治示例科技有限公司",
    "year": 2024, "employees": 120, "st_staff": 25, "revenue_yuan": Decimal("30000000.00"),
    "total_income_yuan": Decimal("30500000.00"), "high_tech_revenue_yuan": Decimal("20000000.00"),
    "total_costs_yuan": Decimal("25000000.00"), "total_assets_yuan": Decimal("40000000.00"),
    "net_assets_yuan": Decimal("15000000.00"), "rd_expense_yuan": Decimal("1500000.00"),
    "rd_domestic_yuan": Decimal("1500000.00"), "rd_personnel_yuan": Decimal("900000.00"),
    "rd_direct_input_yuan": Decimal("500000.00"), "rd_other_yuan": Decimal("100000.00"),
    "ip_class_1_count": 1, "ip_class_2_count": 3, "achievements_converted": 2,
    "has_rd_activity": True,
}

SPEC = register(ImportSpec(
    kind=KIND,
    title=gettext_lazy("企业年度报表"),
    model=EnterpriseAnnualReport,
    columns=report_columns(),
    key=("credit_code", "year"),
    resolve=resolve_reports,
    service=ANNUAL_REPORTS,
    example=EXAMPLE,
    notes=[
        gettext_lazy("企业须已在企业库中；县区工作人员只能导入本县区企业的报表。"),
        gettext_lazy("同一企业同一年度已有报表的，按导入数据修改；"
                     "空白单元格在新增时按 0（或“否”），修改时保留系统中的原值。"),
        gettext_lazy("企业名称可留空；填写时须与该信用代码在系统中的企业名称一致，以防代码填错行。"),
    ],
    clean_exclude=("enterprise",),
    field_labels={"enterprise": gettext_lazy("统一社会信用代码")},
))
