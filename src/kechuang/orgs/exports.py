"""Excel exports of the enterprise list and the annual reports, run as background jobs.

Each handler re-reads its rows through the same selector as the list page with the action
``export`` and the filters the user had on screen, so the workbook holds exactly the rows the
list showed. XlsxWriter in constant-memory mode writes row by row; rows are read in chunks
with their related rows prefetched (no per-row queries).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kechuang.core.excel import CHUNK, Column, write_workbook
from kechuang.core.excel import local as _local
from kechuang.core.excel import stamp as _stamp
from kechuang.jobs.registry import JobOutput, Progress, job_handler
from kechuang.orgs import industry, selectors
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation


def _tiers() -> dict[str, str]:
    return {value: str(label) for value, label in Organisation.Tier.choices}


def enterprise_columns() -> list[Column]:
    tiers = _tiers()
    return [
        Column(_("企业名称"), lambda e: e.name, width=34),
        Column(_("统一社会信用代码"), lambda e: e.credit_code, width=22),
        Column(_("所在县区"), lambda e: e.county.name, width=12),
        Column(_("所属行业"), lambda e: industry.label(e.industry_code), width=30),
        Column(_("成立日期"), lambda e: e.established_on, kind="date", width=12),
        Column(_("规模以上"), lambda e: _("是") if e.above_scale else _("否"), width=9),
        Column(_("培育梯队"), lambda e: tiers.get(e.tier, e.tier), width=16),
        Column(_("重点产业链"), lambda e: "；".join(
            f"{m.chain.name}（{m.get_role_display()}）" for m in e.chain_memberships.all()),
            width=30),
        Column(_("地址"), lambda e: e.address, width=30),
        Column(_("联系人"), lambda e: e.contact_name, width=10),
        Column(_("联系电话"), lambda e: e.contact_phone, width=14),
        Column(_("更新时间"), lambda e: _local(e.updated_at), kind="datetime", width=17),
    ]


REPORT_FIELDS = [
    "employees", "st_staff", "revenue_yuan", "total_income_yuan", "high_tech_revenue_yuan",
    "total_costs_yuan", "total_assets_yuan", "net_assets_yuan", "rd_expense_yuan",
    "rd_domestic_yuan", "rd_personnel_yuan", "rd_direct_input_yuan", "rd_depreciation_yuan",
    "rd_amortization_yuan", "rd_design_yuan", "rd_other_yuan", "rd_entrusted_domestic_yuan",
    "rd_entrusted_overseas_yuan", "rd_reserve_fund_yuan", "ip_class_1_count",
    "ip_class_2_count", "achievements_converted",
]


def _getter(name: str) -> Callable[[Any], Any]:
    return lambda r: getattr(r, name)


def report_columns() -> list[Column]:
    meta = EnterpriseAnnualReport._meta
    cols = [
        Column(_("企业名称"), lambda r: r.enterprise.name, width=34),
        Column(_("统一社会信用代码"), lambda r: r.enterprise.credit_code, width=22),
        Column(_("所在县区"), lambda r: r.enterprise.county.name, width=12),
        Column(_("年度"), lambda r: r.year, kind="number", width=8),
    ]
    for name in REPORT_FIELDS:
        kind = "money" if name.endswith("_yuan") else "number"
        cols.append(Column(meta.get_field(name).verbose_name, _getter(name), kind=kind,
                           width=16 if kind == "money" else 10))
    cols.append(Column(meta.get_field("has_rd_activity").verbose_name,
                       lambda r: _("是") if r.has_rd_activity else _("否"), width=9))
    cols.append(Column(_("更新时间"), lambda r: _local(r.updated_at), kind="datetime", width=17))
    return cols



@job_handler("orgs.enterprise_export")
def export_enterprises(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        qs = selectors.with_chains(
            selectors.enterprise_list(user=job.owner, action="export", filters=job.params))
        total = qs.count()
        content, rows = write_workbook(sheet_name=_("企业名单"), columns=enterprise_columns(),
                                       rows=qs.iterator(chunk_size=CHUNK), total=total,
                                       progress=progress)
        return JobOutput(content=content, filename=f"{_('企业名单')}-{_stamp()}.xlsx",
                         summary={"rows": rows})


@job_handler("orgs.report_export")
def export_reports(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        qs = selectors.report_list(user=job.owner, action="export", filters=job.params)
        total = qs.count()
        content, rows = write_workbook(sheet_name=_("企业年度报表"), columns=report_columns(),
                                       rows=qs.iterator(chunk_size=CHUNK), total=total,
                                       progress=progress)
        return JobOutput(content=content, filename=f"{_('企业年度报表')}-{_stamp()}.xlsx",
                         summary={"rows": rows})
