"""The lists' columns: each page and its Excel export."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.excel import local
from kechuang.core.tables import Column, RenderContext, Table, date_text, esc

STATUS_BADGE = {"approved": "text-bg-success", "rejected": "text-bg-danger"}


def _money(value: Any) -> str:
    return "" if value is None else f"{value:,.2f}"


def _num(label: Any, get: Any, **kw: Any) -> Column:
    return Column(label, get, excel="money", width=16, th_class="text-end",
                  td_class="text-end text-nowrap", cell=lambda r, ctx: esc(_money(get(r))), **kw)


def fiscal_status(r: Any) -> str:
    css = STATUS_BADGE.get(r.status, "text-bg-warning")
    return f'<span class="badge {css}" data-testid="status">{esc(r.get_status_display())}</span>'


def _fiscal_link(r: Any, ctx: RenderContext) -> str:
    return (f'<a class="fw-semibold text-decoration-none" '
            f'href="{ctx.url("rdinput:fiscal_detail", r.pk)}">{esc(r.county.name)}</a>')


FISCAL = Table([
    Column(_l("县区"), lambda r: r.county.name, cell=_fiscal_link, width=12,
           td_class="text-nowrap"),
    Column(_l("年度"), lambda r: r.year, excel="number", width=8, sort="year"),
    _num(_l("预算数（万元）"), lambda r: r.budget_wan, sort="budget_wan"),
    _num(_l("执行数（万元）"), lambda r: r.actual_wan, sort="actual_wan"),
    Column(_l("财政部门文件"), lambda r: r.document, width=30, td_class="kc-col-text"),
    Column(_l("填报人"), lambda r: str(r.submitted_by), width=10, page=False),
    Column(_l("填报时间"), lambda r: local(r.submitted_at), excel="datetime", width=16, page=False),
    Column(_l("状态"), lambda r: r.get_status_display(), cell=lambda r, ctx: fiscal_status(r),
           width=8),
    Column(_l("审核意见"), lambda r: r.review_note, excel="wrap", width=24, page=False),
], row_attrs='data-testid="fiscal-row"')


def _reserve_name(r: Any, ctx: RenderContext) -> str:
    name = esc(r.enterprise.name)
    if ctx.flags.get("can_change"):
        name = (f'<a class="fw-semibold text-decoration-none" '
                f'href="{ctx.url("rdinput:reserve_edit", r.pk)}">{name}</a>')
    return name


RESERVES = Table([
    Column(_l("企业"), lambda r: r.enterprise.name, cell=_reserve_name, width=28,
           td_class="kc-col-name", sort="enterprise__name"),
    Column(_l("统一社会信用代码"), lambda r: r.enterprise.credit_code, width=20, page=False),
    Column(_l("县区"), lambda r: r.enterprise.county.name if r.enterprise.county_id else "",
           width=10, td_class="text-nowrap"),
    Column(_l("链主/链核"), lambda r: _("是") if r.is_anchor else _("否"), width=8),
    Column(_l("年度"), lambda r: r.year, excel="number", width=8, sort="year"),
    _num(_l("计提金额（元）"), lambda r: r.provision_yuan, sort="provision_yuan"),
    _num(_l("使用金额（元）"), lambda r: r.used_yuan),
    Column(_l("制度文件"), lambda r: r.system_document, width=28, td_class="kc-col-text"),
    Column(_l("审批日期"), lambda r: r.approved_on, excel="date", width=12,
           cell=lambda r, ctx: date_text(r.approved_on), td_class="text-nowrap"),
], row_attrs='data-testid="reserve-row"')


RESULTS = Table([
    Column(_l("企业"), lambda r: r.enterprise.name, width=28, td_class="kc-col-name",
           sort="enterprise__name"),
    Column(_l("统一社会信用代码"), lambda r: r.enterprise.credit_code, width=20, page=False),
    Column(_l("县区"), lambda r: r.enterprise.county.name if r.enterprise.county_id else "",
           width=10, td_class="text-nowrap"),
    Column(_l("阶段"), lambda r: r.stage_name, width=24),
    Column(_l("总分"), lambda r: r.total, excel="number", width=8, sort="total",
           td_class="text-end", th_class="text-end"),
    Column(_l("阶段内名次"), lambda r: f"{r.rank}/{r.cohort_size}", width=10,
           td_class="text-nowrap", sort="rank"),
    Column(_l("榜单"), lambda r: r.tier_name, width=12),
    Column(_l("各指标得分"), lambda r: "；".join(f"{s['label']} {s['score']}" for s in r.scores),
           excel="wrap", width=40, page=False),
    Column(_l("模型"), lambda r: r.run.model.name, width=20, page=False),
    Column(_l("数据年度"), lambda r: r.run.year, excel="number", width=8, page=False),
], row_attrs='data-testid="points-row"')


def _intensity_year(r: Any, ctx: RenderContext) -> str:
    year = esc(r.year)
    if ctx.flags.get("can_change"):
        return (f'<a class="fw-semibold text-decoration-none" '
                f'href="{ctx.url("rdinput:intensity_edit", r.pk)}">{year}</a>')
    return year


def _pct(value: Any) -> str:
    return "" if value is None else f"{value}%"


def _estimate(r: Any) -> str:
    from kechuang.rdinput.selectors import evaluate_figure

    result = evaluate_figure(r)
    if result.estimate_pct is None:
        return ""
    if result.rd_coverage is None:  # an R&D amount the bureau entered
        return f"{result.estimate_pct}%"
    return _("%(pct)s%%（%(source)s，%(n)s 家企业填报）") % {
        "pct": result.estimate_pct, "source": result.rd_source, "n": result.rd_coverage}


INTENSITY = Table([
    Column(_l("年度"), lambda r: r.year, cell=_intensity_year, excel="number", width=8),
    Column(_l("官方公布强度"), lambda r: _pct(r.official_pct), width=12),
    Column(_l("官方数据来源"), lambda r: r.official_source, width=30, td_class="kc-col-text"),
    Column(_l("全省平均强度"), lambda r: _pct(r.province_pct), width=12),
    Column(_l("全省数据来源"), lambda r: r.province_source, width=30, page=False),
    Column(_l("平台估算（非官方统计数据）"), _estimate, width=16),
    Column(_l("说明"), lambda r: r.note, excel="wrap", width=24, page=False),
], row_attrs='data-testid="intensity-row"')
