"""The enterprise list's and the annual-report list's columns: page, Excel export, drill-down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.excel import local
from kechuang.core.tables import (
    DASH,
    DASH_SMALL,
    Column,
    RenderContext,
    Table,
    date_text,
    datetime_text,
    esc,
    percent,
    register_table,
    wan,
    yes_no,
)
from kechuang.orgs import industry
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation


def _name_cell(e: Any, ctx: RenderContext) -> str:
    scale = (f'<span class="badge text-bg-info-subtle border border-info-subtle '
             f'text-info-emphasis ms-1">{esc(_("规上"))}</span>') if e.above_scale else ""
    return (f'<a class="fw-semibold text-decoration-none" '
            f'href="{ctx.url("orgs:enterprise_detail", e.pk)}">{esc(e.name)}</a>{scale}'
            f'<div class="small text-body-secondary kc-mono">{esc(e.credit_code)}</div>')


def _tier_cell(e: Any, ctx: RenderContext) -> str:
    if not e.tier:
        return DASH_SMALL
    return (f'<span class="badge rounded-pill text-bg-primary-subtle text-primary-emphasis">'
            f'{esc(e.get_tier_display())}</span>')


def _chains_cell(e: Any, ctx: RenderContext) -> str:
    badges = []
    for m in e.chain_memberships.all():
        role = f" · {esc(m.get_role_display())}" if m.role != "member" else ""
        badges.append(f'<span class="badge text-bg-light border me-1">{esc(m.chain.name)}'
                      f'{role}</span>')
    return "".join(badges) or DASH


def _chains_text(e: Any) -> str:
    return "；".join(f"{m.chain.name}（{m.get_role_display()}）" for m in e.chain_memberships.all())


def _tier_text(e: Any) -> str:
    return str(dict(Organisation.Tier.choices).get(e.tier, e.tier))


ENTERPRISES = Table([
    Column(_l("企业名称"), lambda e: e.name, cell=_name_cell, sort="name", width=34, key="name"),
    Column(_l("统一社会信用代码"), lambda e: e.credit_code, page=False, width=22,
           key="credit_code"),
    Column(_l("县区"), lambda e: e.county.name, sort="county", td_class="text-nowrap",
           excel_label=_l("所在县区"), width=12, key="county"),
    Column(_l("所属行业"), lambda e: industry.label(e.industry_code), sort="industry",
           td_class="small", width=30),
    Column(_l("成立日期"), lambda e: e.established_on, excel="date", width=12, page=False),
    Column(_l("规模以上"), lambda e: yes_no(e.above_scale), page=False, width=9),
    Column(_l("培育梯队"), _tier_text, cell=_tier_cell, width=16),
    Column(_l("重点产业链"), _chains_text, cell=_chains_cell, td_class="small", width=30),
    Column(_l("成立日期"), None, cell=lambda e, ctx: date_text(e.established_on),
           sort="established_on", th_class="text-nowrap", td_class="text-nowrap small",
           export=False),
    Column(_l("地址"), lambda e: e.address, page=False, width=30),
    Column(_l("联系人"), lambda e: e.contact_name, page=False, width=10),
    Column(_l("联系电话"), lambda e: e.contact_phone, page=False, width=14),
    Column(_l("更新时间"), lambda e: local(e.updated_at), excel="datetime", width=17,
           cell=lambda e, ctx: datetime_text(e.updated_at), sort="updated",
           th_class="text-nowrap", td_class="text-nowrap small text-body-secondary"),
])

# the KPI drill-down lists enterprises with these columns (kechuang.metrics.enterprise_columns)
register_table("orgs.enterprise", ENTERPRISES)

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


def _report_actions(r: Any, ctx: RenderContext) -> str:
    out = []
    if ctx.flags.get("can_change_report"):
        out.append(f'<a class="btn btn-sm btn-link py-0" href="{ctx.url("orgs:report_edit", r.pk)}"'
                   f'>{esc(_("编辑"))}</a>')
    if ctx.flags.get("can_delete_report"):
        out.append(f'<a class="btn btn-sm btn-link text-danger py-0" '
                   f'href="{ctx.url("orgs:report_delete", r.pk)}">{esc(_("删除"))}</a>')
    return " ".join(out)


def _report_columns() -> list[Column]:
    meta = EnterpriseAnnualReport._meta
    money = {"revenue_yuan": ("revenue", _l("销售收入")),  # the page's two money columns
             "rd_expense_yuan": ("rd_expense", _l("研发费用"))}
    cols = [
        Column(_l("企业"), lambda r: r.enterprise.name, sort="enterprise",
               excel_label=_l("企业名称"), width=34,
               cell=lambda r, ctx: (f'<a class="text-decoration-none fw-semibold" href="'
                                    f'{ctx.url("orgs:enterprise_detail", r.enterprise_id)}">'
                                    f'{esc(r.enterprise.name)}</a>')),
        Column(_l("统一社会信用代码"), lambda r: r.enterprise.credit_code, page=False, width=22),
        Column(_l("县区"), lambda r: r.enterprise.county.name, sort="county",
               td_class="text-nowrap", excel_label=_l("所在县区"), width=12),
        Column(_l("年度"), lambda r: r.year, sort="year", excel="number", width=8),
        Column(_l("职工/科技人员"), None, th_class="text-end", td_class="text-end",
               cell=lambda r, ctx: f"{esc(r.employees)} / {esc(r.st_staff)}", export=False),
    ]
    for name in REPORT_FIELDS:
        kind = "money" if name.endswith("_yuan") else "number"
        sort, page_label = money.get(name, ("", None))
        verbose = meta.get_field(name).verbose_name
        cols.append(Column(
            page_label or verbose, _getter(name), excel=kind, excel_label=verbose,
            width=16 if kind == "money" else 10, page=bool(sort), sort=sort,
            th_class="text-end", td_class="text-end",
            cell=(lambda r, ctx, n=name: esc(wan(getattr(r, n)))) if sort else None))
        if name == "rd_expense_yuan":
            cols.append(Column(
                _l("研发投入强度"), None, th_class="text-end", td_class="text-end", export=False,
                cell=lambda r, ctx: esc(percent(r.rd_expense_yuan, r.revenue_yuan) or "—")))
    cols.append(Column(_l("Ⅰ类/Ⅱ类知识产权"), None, th_class="text-end", td_class="text-end",
                       export=False, cell=lambda r, ctx: (
                           f"{esc(r.ip_class_1_count)} / {esc(r.ip_class_2_count)}")))
    cols.append(Column(meta.get_field("has_rd_activity").verbose_name,
                       lambda r: yes_no(r.has_rd_activity), page=False, width=9))
    cols.append(Column(_l("更新时间"), lambda r: local(r.updated_at), excel="datetime",
                       width=17, page=False))
    cols.append(Column("", None, td_class="text-end text-nowrap", export=False,
                       cell=_report_actions))
    return cols


REPORTS = Table(_report_columns())
