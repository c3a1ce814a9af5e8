"""The reported-value list's columns: the page and the Excel export."""

from __future__ import annotations

from typing import Any

from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.excel import local
from kechuang.core.tables import Column, RenderContext, Table, date_text, datetime_text, esc

STATUS_BADGE = {"approved": "text-bg-success", "rejected": "text-bg-danger"}


def _user_name(u: Any) -> str:
    return (u.get_full_name() or u.username) if u is not None else ""


def _county(v: Any) -> str:
    return v.county.name if v.county_id else _("全市")


def _indicator_cell(v: Any, ctx: RenderContext) -> str:
    return (f'<a class="text-decoration-none fw-semibold" '
            f'href="{ctx.url("reported:value_detail", v.pk)}">{esc(v.indicator.name)}</a>')


def _status_cell(v: Any, ctx: RenderContext) -> str:
    """As reported/_status_badge.html."""
    css = STATUS_BADGE.get(v.status, "text-bg-warning")
    return (f'<span class="badge {css}" data-testid="status">'
            f"{esc(v.get_status_display())}</span>")


def _submitted_cell(v: Any, ctx: RenderContext) -> str:
    return (f'{esc(_user_name(v.submitted_by))}<br><span class="text-body-secondary">'
            f"{datetime_text(v.submitted_at)}</span>")


def _reviewed_cell(v: Any, ctx: RenderContext) -> str:
    if not v.reviewed_by_id:
        return "—"
    return (f'{esc(_user_name(v.reviewed_by))}<br><span class="text-body-secondary">'
            f"{datetime_text(v.reviewed_at)}</span>")


VALUES = Table([
    Column(_l("指标"), lambda v: v.indicator.name, cell=_indicator_cell, width=30),
    Column(_l("单位"), lambda v: v.indicator.unit, page=False, width=8),
    Column(_l("县区"), _county, td_class="text-nowrap", width=12),
    Column(_l("截至日期"), lambda v: v.period_end, excel="date", width=12,
           cell=lambda v, ctx: date_text(v.period_end), td_class="text-nowrap"),
    Column(_l("数值"), lambda v: v.value, excel="money", width=14, th_class="text-end",
           td_class="text-end text-nowrap",
           cell=lambda v, ctx: f"{esc(v.display_value)} {esc(v.indicator.unit)}"),
    Column(_l("状态"), lambda v: v.get_status_display(), page=False, width=9),
    Column(_l("说明"), lambda v: v.note, td_class="small", excel="wrap", width=30,
           cell=lambda v, ctx: esc(Truncator(v.note).chars(40))),
    Column(_l("状态"), None, cell=_status_cell, export=False),  # after 说明 on the page
    Column(_l("填报"), None, cell=_submitted_cell, td_class="small text-nowrap", export=False),
    Column(_l("审核"), None, cell=_reviewed_cell, td_class="small text-nowrap", export=False),
    Column(_l("填报人"), lambda v: _user_name(v.submitted_by), page=False, width=10),
    Column(_l("填报时间"), lambda v: local(v.submitted_at), excel="datetime", page=False,
           width=17),
    Column(_l("审核人"), lambda v: _user_name(v.reviewed_by), page=False, width=10),
    Column(_l("审核时间"), lambda v: local(v.reviewed_at), excel="datetime", page=False,
           width=17),
    Column(_l("审核意见"), lambda v: v.review_note, excel="wrap", page=False, width=30),
], row_attrs='data-testid="value-row"')
