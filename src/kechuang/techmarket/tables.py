"""The contract list's columns: the page and the Excel export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.tables import Column, RenderContext, Table, date_text, esc
from kechuang.techmarket.industries import above_scale_threshold
from kechuang.techmarket.selectors import is_overdue

STATUS_BADGE = {"registered": "text-bg-success", "changed": "text-bg-info",
                "refused": "text-bg-danger", "cancelled": "text-bg-secondary"}


def status_badge(c: Any) -> str:
    css = STATUS_BADGE.get(c.status, "text-bg-warning")
    out = f'<span class="badge {css}" data-testid="status">{esc(c.get_status_display())}</span>'
    if is_overdue(c):
        out += (' <span class="badge text-bg-danger" data-testid="overdue">'
                f'{esc(_("已超期"))}</span>')
    return out


def _subject_cell(c: Any, ctx: RenderContext) -> str:
    return (f'<a class="text-decoration-none fw-semibold" '
            f'href="{ctx.url("techmarket:contract_detail", c.pk)}">{esc(c.subject)}</a>')


def _type(c: Any) -> str:
    sub = c.get_sub_type_display() if c.sub_type else ""
    return f"{c.get_contract_type_display()}（{sub}）" if sub else c.get_contract_type_display()


def _money(value: Any) -> str:
    return f"{value:,.2f}"


CONTRACTS = Table([
    Column(_l("合同名称"), lambda c: c.subject, cell=_subject_cell, width=30, sort="subject",
           td_class="kc-col-text"),
    Column(_l("登记编号"), lambda c: c.registration_no or "", width=18,
           sort="registration_no", td_class="text-nowrap"),
    Column(_l("合同类型"), _type, width=14, td_class="text-nowrap"),
    Column(_l("技术进口"), lambda c: _("是") if c.import_contract else _("否"), page=False,
           width=8),
    Column(_l("卖方"), lambda c: c.seller.name, width=24, td_class="kc-col-name"),
    Column(_l("买方"), lambda c: c.buyer.name, width=24, td_class="kc-col-name"),
    Column(_l("计入县区"), lambda c: c.registrant.county.name, width=10,
           td_class="text-nowrap"),
    Column(_l("成交额（元）"), lambda c: c.turnover_yuan, excel="money", width=16,
           sort="turnover_yuan", th_class="text-end", td_class="text-end text-nowrap",
           cell=lambda c, ctx: esc(_money(c.turnover_yuan))),
    Column(_l("技术交易额（元）"), lambda c: c.tech_transaction_yuan, excel="money", width=16,
           th_class="text-end", td_class="text-end text-nowrap",
           cell=lambda c, ctx: esc(_money(c.tech_transaction_yuan))),
    Column(_l("申请日期"), lambda c: c.applied_on, excel="date", width=12, sort="applied_on",
           cell=lambda c, ctx: date_text(c.applied_on), td_class="text-nowrap"),
    Column(_l("认定期限"), lambda c: c.deadline_on, excel="date", width=12, page=False),
    Column(_l("登记日期"), lambda c: c.registered_on, excel="date", width=12,
           sort="registered_on", cell=lambda c, ctx: date_text(c.registered_on),
           td_class="text-nowrap"),
    Column(_l("注销日期"), lambda c: c.closed_on, excel="date", width=12, page=False),
    Column(_l("状态"), lambda c: c.get_status_display(), cell=lambda c, ctx: status_badge(c),
           width=10, td_class="text-nowrap"),
    Column(_l("认定意见"), lambda c: c.decision_note, excel="wrap", page=False, width=30),
], row_attrs='data-testid="contract-row"')


# -- GDP figures and 升规入统 candidates -----------------------------------------------------

GDP = Table([
    Column(_l("年度"), lambda g: g.year, width=8, td_class="text-nowrap"),
    Column(_l("地区"), lambda g: g.county.name if g.county_id else _("全市"), width=14,
           td_class="text-nowrap"),
    Column(_l("地区生产总值（亿元）"), lambda g: g.gdp_yi, excel="money", width=18,
           th_class="text-end", td_class="text-end text-nowrap",
           cell=lambda g, ctx: esc(_money(g.gdp_yi))),
    Column(_l("数据来源"), lambda g: g.source, width=40, td_class="kc-col-text"),
    Column(_l("录入人"), lambda g: g.entered_by.get_full_name() or g.entered_by.username,
           width=12),
    Column(_l("录入时间"), lambda g: g.entered_at.date(), excel="date", width=12,
           cell=lambda g, ctx: date_text(g.entered_at.date()), td_class="text-nowrap"),
], row_attrs='data-testid="gdp-row"')


def _gap(o: Any) -> Decimal | None:
    if o.revenue_yuan is None:
        return None
    return max(above_scale_threshold(o.industry_code) - o.revenue_yuan, Decimal(0))


def _gap_cell(o: Any, ctx: RenderContext) -> str:
    gap = _gap(o)
    if gap is None:
        return f'<span class="text-body-secondary">{esc(_("无年报收入"))}</span>'
    if gap == 0:
        return f'<span class="badge text-bg-success">{esc(_("已达标，待纳统"))}</span>'
    return esc(_money(gap))


def _candidate_name(o: Any, ctx: RenderContext) -> str:
    return (f'<a class="text-decoration-none fw-semibold" '
            f'href="{ctx.url("orgs:enterprise_detail", o.pk)}">{esc(o.name)}</a>')


CANDIDATES = Table([
    Column(_l("企业名称"), lambda o: o.name, cell=_candidate_name, width=30,
           td_class="kc-col-name"),
    Column(_l("统一社会信用代码"), lambda o: o.credit_code, width=22, page=False),
    Column(_l("县区"), lambda o: o.county.name if o.county_id else "", width=10,
           td_class="text-nowrap"),
    Column(_l("所属行业"), lambda o: o.get_industry_code_display(), width=24),
    Column(_l("最近年报营业收入（元）"), lambda o: o.revenue_yuan, excel="money", width=18,
           th_class="text-end", td_class="text-end text-nowrap",
           cell=lambda o, ctx: esc(_money(o.revenue_yuan)) if o.revenue_yuan is not None
           else "—"),
    Column(_l("年报年度"), lambda o: o.revenue_year, width=8),
    Column(_l("规上标准（元）"), lambda o: above_scale_threshold(o.industry_code),
           excel="money", width=16, th_class="text-end", td_class="text-end text-nowrap",
           cell=lambda o, ctx: esc(_money(above_scale_threshold(o.industry_code)))),
    Column(_l("距规上差额（元）"), _gap, excel="money", width=16, th_class="text-end",
           td_class="text-end text-nowrap", cell=_gap_cell),
], row_attrs='data-testid="candidate-row"')


# -- platforms converted into legal-entity enterprises ------------------------------------------

CONVERSIONS = Table([
    Column(_l("注册日期"), lambda c: c.converted_on, excel="date", width=12,
           cell=lambda c, ctx: date_text(c.converted_on), td_class="text-nowrap"),
    Column(_l("平台名称"), lambda c: c.platform_name, width=30, td_class="kc-col-name"),
    Column(_l("新设法人企业"), lambda c: c.enterprise.name, width=30, td_class="kc-col-name"),
    Column(_l("县区"), lambda c: c.enterprise.county.name if c.enterprise.county_id else "",
           width=10, td_class="text-nowrap"),
    Column(_l("说明"), lambda c: c.note, excel="wrap", width=30, td_class="kc-col-text"),
    Column(_l("记录人"), lambda c: c.recorded_by.get_full_name() or c.recorded_by.username,
           width=12, page=False),
], row_attrs='data-testid="conversion-row"')
