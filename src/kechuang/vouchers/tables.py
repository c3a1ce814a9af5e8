"""The voucher, claim and provider lists' columns: the page and the Excel export."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _l

from kechuang.core.tables import Column, RenderContext, Table, date_text, esc

BADGE = {"issued": "text-bg-success", "listed": "text-bg-success", "paid": "text-bg-success",
         "approved": "text-bg-info", "refused": "text-bg-danger", "rejected": "text-bg-danger",
         "lapsed": "text-bg-secondary", "delisted": "text-bg-secondary"}


def badge(obj: Any) -> str:
    css = BADGE.get(obj.status, "text-bg-warning")
    return f'<span class="badge {css}" data-testid="status">{esc(obj.get_status_display())}</span>'


def yuan(fen: int | None) -> str:
    return f"{(fen or 0) / 100:,.2f}"


def _yuan_value(fen: int | None) -> Any:
    from decimal import Decimal

    return Decimal(fen or 0) / 100


def money(label: Any, get: Any, **kw: Any) -> Column:
    return Column(label, lambda o: _yuan_value(get(o)), excel="money", width=14,
                  th_class="text-end", td_class="text-end text-nowrap",
                  cell=lambda o, ctx: esc(yuan(get(o))), **kw)


def _link(url_name: str, text: Any) -> Any:
    def cell(o: Any, ctx: RenderContext) -> str:
        return (f'<a class="text-decoration-none fw-semibold" '
                f'href="{ctx.url(url_name, o.pk)}">{esc(text(o))}</a>')
    return cell


VOUCHERS = Table([
    Column(_l("券号"), lambda v: v.number or "", width=16, sort="number",
           cell=_link("vouchers:voucher_detail", lambda v: v.number or f"#{v.pk}"),
           td_class="text-nowrap"),
    Column(_l("企业"), lambda v: v.enterprise.name, width=28, td_class="kc-col-name"),
    Column(_l("县区"), lambda v: v.enterprise.county.name, width=10, td_class="text-nowrap"),
    Column(_l("年度"), lambda v: v.policy.year, width=8),
    money(_l("面额（元）"), lambda v: v.face_value_fen, sort="face_value_fen"),
    money(_l("可用余额（元）"), lambda v: v.available_fen),
    Column(_l("有效期止"), lambda v: v.valid_to, excel="date", width=12,
           cell=lambda v, ctx: date_text(v.valid_to), td_class="text-nowrap"),
    Column(_l("状态"), lambda v: v.get_status_display(), cell=lambda v, ctx: badge(v),
           width=10),
], row_attrs='data-testid="voucher-row"')

CLAIMS = Table([
    Column(_l("发票号码"), lambda c: c.invoice_no, width=16, sort="invoice_no",
           cell=_link("vouchers:claim_detail", lambda c: c.invoice_no), td_class="text-nowrap"),
    Column(_l("企业"), lambda c: c.voucher.enterprise.name, width=26, td_class="kc-col-name"),
    Column(_l("服务机构"), lambda c: c.contract.provider.organisation.name, width=26,
           td_class="kc-col-name"),
    Column(_l("县区"), lambda c: c.voucher.enterprise.county.name, width=10,
           td_class="text-nowrap"),
    Column(_l("合同编号"), lambda c: c.contract.contract_no, width=16, page=False),
    money(_l("服务费（元）"), lambda c: c.fee_fen, sort="fee_fen"),
    money(_l("兑付金额（元）"), lambda c: c.amount_fen, sort="amount_fen"),
    Column(_l("服务完成日期"), lambda c: c.service_completed_on, excel="date", width=12,
           cell=lambda c, ctx: date_text(c.service_completed_on), td_class="text-nowrap"),
    Column(_l("状态"), lambda c: c.get_status_display(), cell=lambda c, ctx: badge(c),
           width=10),
    Column(_l("计算说明"), lambda c: c.explanation, excel="wrap", page=False, width=40),
], row_attrs='data-testid="claim-row"')

PROVIDERS = Table([
    Column(_l("服务机构"), lambda p: p.organisation.name, width=30,
           cell=_link("vouchers:provider_detail", lambda p: p.organisation.name)),
    Column(_l("县区"), lambda p: p.organisation.county.name, width=10, td_class="text-nowrap"),
    Column(_l("服务类别"), lambda p: p.services, width=30),
    Column(_l("入库日期"), lambda p: p.listed_from, excel="date", width=12,
           cell=lambda p, ctx: date_text(p.listed_from), td_class="text-nowrap"),
    Column(_l("出库日期"), lambda p: p.delisted_on, excel="date", width=12,
           cell=lambda p, ctx: date_text(p.delisted_on), td_class="text-nowrap"),
    Column(_l("状态"), lambda p: p.get_status_display(), cell=lambda p, ctx: badge(p),
           width=10),
], row_attrs='data-testid="provider-row"')
