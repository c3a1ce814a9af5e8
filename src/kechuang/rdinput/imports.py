"""Excel import of county fiscal S&T reports and of enterprises' R&D reserve funds (issue #18).

* **Fiscal reports** — key: 县区 + 年度 (the county by its name or code, among the counties the
  importer files for: a county clerk only their own). A new row is filed as 待审核 like the form,
  with the finance bureau's document named in 财政部门文件; the file itself is uploaded on the
  report's page, and the city approves only a report whose file is there. A row that corrects a
  returned (已退回) report sends it back for review; one that would change an approved report
  is a row error (``services.FISCAL_IMPORTS``).
* **Reserve funds** — key: 统一社会信用代码 + 年度, among the enterprises in the importer's scope.
* A re-import of the same file changes nothing; any row error and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.imports.spec import Column, ImportContext, ImportRow, ImportSpec, register
from kechuang.rdinput import selectors, services
from kechuang.rdinput.models import FiscalReport, RdReserveFund

FISCAL_KIND = "rdinput.fiscal"
RESERVE_KIND = "rdinput.reserve"
ZERO = Decimal(0)


def _counties(ctx: ImportContext) -> dict[str, Any]:
    """The counties the importer files for, by name and by code (one query per run)."""
    if "counties" not in ctx.cache:
        found: dict[str, Any] = {}
        for c in selectors.fileable_counties(user=ctx.user):
            found[c.name] = c
            found[c.code] = c
        ctx.cache["counties"] = found
    return ctx.cache["counties"]


def resolve_fiscal(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """One query per chunk (the existing reports of those counties and years)."""
    if not rows:
        return
    counties = _counties(ctx)
    wanted = {counties[r.data["county_name"]].pk for r in rows
              if r.data["county_name"] in counties}
    qs = FiscalReport.objects.restrict(ctx.user, "change").filter(
        county_id__in=wanted, year__in={r.data["year"] for r in rows})
    if ctx.committing:
        qs = qs.select_for_update(of=("self",))
    existing = {(f.county_id, f.year): f for f in qs}
    for row in rows:
        county = counties.get(row.data["county_name"])
        if county is None:
            row.add_error("county_name", _("县区“%(n)s”不存在或不在您可填报的范围内") % {
                "n": row.data["county_name"]})
            continue
        found = existing.get((county.pk, row.data["year"]))
        if found is not None:
            found.county = county  # cached: clean() reads its level without a query
        row.instance = found or FiscalReport(county=county, year=row.data["year"],
                                             submitted_by=ctx.user)
        row.values["county"] = county


def resubmit_after_commit(spec: Any, ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Rows that corrected a returned (已退回) report: back for review through the workflow."""
    services.resubmit_imported(actor=ctx.user, reports=[r.instance for r in rows])


FISCAL_SPEC = register(ImportSpec(
    kind=FISCAL_KIND,
    title=gettext_lazy("县区财政科技投入"),
    model=FiscalReport,
    columns=[
        Column(gettext_lazy("县区"), "county_name", "text", required=True, width=14,
               help=gettext_lazy("县区名称或行政区划代码")),
        Column(gettext_lazy("年度"), "year", "int", required=True, min_value=2000,
               max_value=2100),
        Column(gettext_lazy("科学技术支出预算数（万元）"), "budget_wan", "money", required=True,
               min_value=ZERO),
        Column(gettext_lazy("科学技术支出决算（执行）数（万元）"), "actual_wan", "money",
               min_value=ZERO, help=gettext_lazy("年度执行完毕后填写")),
        Column(gettext_lazy("财政部门文件"), "document", "text", required=True, width=36,
               help=gettext_lazy("文件名称及文号；文件本身在报告页面上传，上传后方可审核通过")),
        Column(gettext_lazy("说明"), "note", "text", width=24),
    ],
    key=("county_name", "year"),
    resolve=resolve_fiscal,
    service=services.FISCAL_IMPORTS,
    after_commit=resubmit_after_commit,
    clean_exclude=("county", "submitted_by", "reviewed_by"),
    field_labels={"county": gettext_lazy("县区"), "status": gettext_lazy("状态")},
    example={"county_name": "潞州区", "year": 2025, "budget_wan": Decimal("12000.00"),
             "actual_wan": Decimal("12850.50"), "document": "潞州区财政局关于2025年财政决算的报告",
             "note": ""},
    notes=[gettext_lazy("按“县区 + 年度”识别：重复导入不会重复创建。"),
           gettext_lazy("新导入的报告为“待审核”；已审核通过的报告不能通过导入修改，"
                        "已退回的报告导入更正后重新进入待审核。"),
           gettext_lazy("金额单位为万元。财政部门文件请在报告页面上传，市局审核通过前须已上传。")],
    describe=lambda r: f"{r.county.name} · {r.year}",
))


def resolve_reserve(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Two queries per chunk: the enterprises by credit code, their funds of those years."""
    if not rows:
        return
    enterprises = {e.credit_code: e for e in selectors.reserve_enterprises(user=ctx.user)
                   .filter(credit_code__in={r.data["credit_code"] for r in rows})}
    qs = RdReserveFund.objects.restrict(ctx.user, "change").filter(
        enterprise__in=list(enterprises.values()), year__in={r.data["year"] for r in rows})
    if ctx.committing:
        qs = qs.select_for_update(of=("self",))
    existing = {(f.enterprise_id, f.year): f for f in qs}
    for row in rows:
        ent = enterprises.get(row.data["credit_code"])
        if ent is None:
            row.add_error("credit_code", _(
                "统一社会信用代码 %(c)s 的企业不在系统中，或不在您的管辖范围内") % {
                "c": row.data["credit_code"]})
            continue
        found = existing.get((ent.pk, row.data["year"]))
        if found is not None:
            found.enterprise = ent
        row.instance = found or RdReserveFund(enterprise=ent, year=row.data["year"],
                                              recorded_by=ctx.user)
        row.values["enterprise"] = ent


RESERVE_SPEC = register(ImportSpec(
    kind=RESERVE_KIND,
    title=gettext_lazy("企业研发准备金"),
    model=RdReserveFund,
    columns=[
        Column(gettext_lazy("统一社会信用代码"), "credit_code", "credit_code", required=True),
        Column(gettext_lazy("年度"), "year", "int", required=True, min_value=2000,
               max_value=2100),
        Column(gettext_lazy("计提金额（元）"), "provision_yuan", "money", required=True,
               min_value=ZERO),
        Column(gettext_lazy("使用金额（元）"), "used_yuan", "money", min_value=ZERO),
        Column(gettext_lazy("企业研发准备金制度文件"), "system_document", "text", required=True,
               width=30),
        Column(gettext_lazy("制度审批日期"), "approved_on", "date", required=True,
               min_value=dt.date(2000, 1, 1)),
        Column(gettext_lazy("说明"), "note", "text", width=24),
    ],
    key=("credit_code", "year"),
    resolve=resolve_reserve,
    service=services.RESERVE_IMPORTS,
    clean_exclude=("enterprise", "recorded_by"),
    field_labels={"enterprise": gettext_lazy("统一社会信用代码")},
    example={"credit_code": "91140400MA0000001X", "year": 2025,
             "provision_yuan": Decimal("500000.00"), "used_yuan": Decimal("320000.00"),
             "system_document": "××公司研发准备金管理办法", "approved_on": dt.date(2025, 1, 15),
             "note": ""},
    notes=[gettext_lazy("按“统一社会信用代码 + 年度”识别：重复导入不会重复创建。"),
           gettext_lazy("企业须已在企业库中登记；金额单位为元。")],
    describe=lambda f: f"{f.enterprise.name} · {f.year}",
))
