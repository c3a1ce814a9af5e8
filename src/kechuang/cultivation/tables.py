"""The cultivation record lists' columns (registrations, certificates, leader designations):
the pages and the Excel exports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.excel import local
from kechuang.core.tables import Column, RenderContext, Table, date_text, esc

CERT_STATE_BADGE = {"valid": "text-bg-success", "expired": "text-bg-warning"}


def _enterprise_columns(kind: str) -> list[Column]:
    detail = f"cultivation:{kind}_detail"
    return [
        Column(_l("企业"), lambda r: r.enterprise.name, excel_label=_l("企业名称"), width=34,
               cell=lambda r, ctx: (f'<a class="fw-semibold text-decoration-none" href="'
                                    f'{ctx.url(detail, r.pk)}">{esc(r.enterprise.name)}</a>')),
        Column(_l("统一社会信用代码"), lambda r: r.enterprise.credit_code, page=False, width=22),
        Column(_l("县区"), lambda r: r.enterprise.county.name, excel_label=_l("所在县区"),
               td_class="text-nowrap", width=12),
    ]


def _date(name: str, label: Any, **kw: Any) -> Column:
    return Column(label, lambda r: getattr(r, name), excel="date", width=12,
                  td_class="text-nowrap", cell=lambda r, ctx: date_text(getattr(r, name)), **kw)


def _registration_status(r: Any, ctx: RenderContext) -> str:
    css = "text-bg-success" if r.status == "registered" else "text-bg-secondary"
    return f'<span class="badge rounded-pill {css}">{esc(r.get_status_display())}</span>'


def _certificate_state(r: Any, ctx: RenderContext) -> str:
    """As cultivation/partials/cert_state.html."""
    s = r.state
    css = CERT_STATE_BADGE.get(s, "text-bg-secondary")
    return (f'<span class="badge rounded-pill {css}" data-state="{esc(s)}">'
            f"{esc(r.state_label)}</span>")


def _tail() -> list[Column]:
    return [Column(_l("备注"), lambda r: r.note, excel="wrap", width=24, page=False),
            Column(_l("更新时间"), lambda r: local(r.updated_at), excel="datetime", width=17,
                   page=False)]


REGISTRATIONS = Table([
    *_enterprise_columns("registration"),
    Column(_l("评价年度"), lambda r: r.year, excel="number", width=9),
    Column(_l("入库登记编号"), lambda r: r.registration_no, td_class="kc-mono", width=22),
    _date("registered_on", _l("入库日期")),
    Column(_l("状态"), lambda r: r.get_status_display(), cell=_registration_status, width=9),
    Column(_l("撤销日期"), lambda r: r.revoked_on, excel="date", width=12, page=False),
    Column(_l("撤销原因"), lambda r: r.revoke_reason, excel="wrap", width=24, page=False),
    *_tail(),
], row_attrs='data-testid="record-row"')

CERTIFICATES = Table([
    *_enterprise_columns("certificate"),
    Column(_l("证书编号"), lambda r: r.certificate_no, td_class="kc-mono", width=18),
    _date("issued_on", _l("发证日期")),
    _date("expires_on", _l("有效期至")),
    Column(_l("认定批次"), lambda r: r.batch, width=16, page=False),
    Column(_l("认定类型"), lambda r: r.get_kind_display(), width=10),
    Column(_l("状态"), lambda r: r.state_label, cell=_certificate_state, width=9),
    Column(_l("取消原因"), lambda r: r.revoke_reason, excel="wrap", width=24, page=False),
    *_tail(),
], row_attrs='data-testid="record-row"')

LEADERS = Table([
    *_enterprise_columns("leader"),
    Column(_l("认定年度"), lambda r: r.year, excel="number", width=9),
    _date("designated_on", _l("认定日期")),
    Column(_l("认定文号"), lambda r: r.document_no, width=22,
           cell=lambda r, ctx: esc(r.document_no or "—")),
    *_tail(),
], row_attrs='data-testid="record-row"')

RECORDS = {"registration": REGISTRATIONS, "certificate": CERTIFICATES, "leader": LEADERS}


def _candidate_name(c: Any, ctx: RenderContext) -> str:
    entry = c.entry
    status = (f' <span class="badge text-bg-secondary">{esc(entry.get_status_display())}</span>'
              if entry.status != "active" else "")
    return (f'<a class="fw-semibold text-decoration-none" href="'
            f'{ctx.url("cultivation:candidate_detail", entry.pk)}">'
            f"{esc(entry.enterprise.name)}</a>{status}")


def _candidate_gap(c: Any, ctx: RenderContext) -> str:
    if c.gap.eligible:
        badge = f'<span class="badge text-bg-success">{esc(_("自评达标"))}</span> '
    elif c.gap.eligible is False:
        badge = f'<span class="badge text-bg-warning">{esc(_("未达标"))}</span> '
    else:
        badge = ""
    return badge + esc(c.gap.text)


def _assessed(c: Any) -> str:
    return {True: _("达标"), False: _("未达标"), None: ""}[c.gap.eligible]


# Rows are ranked candidates (selectors.RankedCandidate): the page shows one table per county.
CANDIDATES = Table([
    Column(_l("县区"), lambda c: c.entry.enterprise.county.name, width=12, page=False),
    Column(_l("排名"), lambda c: c.rank, excel="number", width=9, excel_label=_l("县区内排名")),
    Column(_l("企业"), lambda c: c.entry.enterprise.name, width=34, excel_label=_l("企业名称"),
           cell=_candidate_name),
    Column(_l("统一社会信用代码"), lambda c: c.entry.enterprise.credit_code, width=22,
           page=False),
    Column(_l("当前梯队"), lambda c: c.entry.enterprise.get_tier_display(), width=14),
    Column(_l("培育目标"), lambda c: c.entry.get_target_rung_display(), width=14),
    Column(_l("年度"), lambda c: c.entry.year, excel="number", width=8),
    Column(_l("状态"), lambda c: c.entry.get_status_display(), width=9, page=False),
    Column(_l("评估"), _assessed, width=9, page=False),
    Column(_l("得分/研发投入强度"), lambda c: c.gap.score, excel="money", width=12, page=False),
    Column(_l("差距"), lambda c: c.gap.text, excel="wrap", width=40, td_class="small",
           cell=_candidate_gap),
    Column(_l("辅导"), lambda c: c.entry.visit_count, excel="number", width=9,
           excel_label=_l("辅导次数"), th_class="text-end", td_class="text-end"),
    Column(_l("培育说明"), lambda c: c.entry.note, excel="wrap", width=30, page=False),
    Column(_l("加入时间"), lambda c: local(c.entry.added_at), excel="datetime", width=17,
           page=False),
], row_attrs='data-testid="candidate-row"')
