"""The audit lists' columns (change records, sign-in events, access events): the pages and
the Excel exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.audit import selectors
from kechuang.core.excel import local
from kechuang.core.tables import DASH, Column, RenderContext, Table, esc

ACTION_BADGE = {"create": "text-bg-success", "delete": "text-bg-danger"}
AUTH_BADGE = {"login": "text-bg-success", "login_failed": "text-bg-warning",
              "password_failed": "text-bg-warning", "locked_out": "text-bg-danger"}
ACCESS_BADGE = {"denied": "text-bg-danger", "not_found": "text-bg-warning",
                "reveal": "text-bg-info", "admin": "text-bg-primary"}


def _seconds(value: Any) -> str:
    """``{{ value|date:"Y-m-d H:i:s" }}`` in local time."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _at() -> list[Column]:
    return [Column(_l("时间"), lambda r: local(r.at), excel="datetime", width=19,
                   th_class="text-nowrap", td_class="text-nowrap small",
                   cell=lambda r, ctx: _seconds(r.at))]


def _badge(css: dict[str, str], default: str = "text-bg-secondary") -> Any:
    return lambda r, ctx: (f'<span class="badge {css.get(r.kind, default)}">'
                           f"{esc(r.get_kind_display())}</span>")


def _object_cell(r: Any, ctx: RenderContext) -> str:
    reason = (f'<div class="small text-body-secondary">{esc(_("原因"))}：{esc(r.reason)}</div>'
              if r.reason else "")
    return (f'<span class="fw-semibold">{esc(selectors.event_label(r)[1])}</span> '
            f'<span class="small text-body-secondary kc-mono">#{esc(r.object_id)}</span>{reason}')


def _changed_cell(r: Any, ctx: RenderContext) -> str:
    labels = selectors.changed_labels(r)
    return "".join(f'<span class="badge text-bg-light border me-1">{esc(label)}</span>'
                   for label in labels) or DASH


def change_table() -> Table:
    """The change-record list; related names and job titles of the export are read once per
    workbook (caches shared by its rows), the page's sources once per page (flag ``sources``).
    """
    related: dict[tuple[str, str], str] = {}
    sources: dict[str, str] = {}

    def source(r: Any) -> str:
        if r.source not in sources:
            sources.update(selectors.source_labels([r.source]))
        return sources[r.source]

    return Table([
        *_at(),
        Column(_l("操作人"), lambda r: r.actor_name, width=14, td_class="text-nowrap"),
        Column(_l("操作人编号"), lambda r: r.actor_id or "", width=10, page=False),
        Column(_l("来源"), source, width=24, page=False),
        Column(_l("请求编号"), lambda r: r.request_id, width=34, page=False),
        Column(_l("操作"), lambda r: r.get_action_display(), width=8, cell=lambda r, ctx: (
            f'<span class="badge {ACTION_BADGE.get(r.action, "text-bg-primary")}">'
            f"{esc(r.get_action_display())}</span>")),
        Column(_l("对象类型"), lambda r: selectors.event_label(r)[0], width=14,
               td_class="small text-nowrap"),
        Column(_l("对象编号"), lambda r: r.object_id, width=10, page=False),
        Column(_l("对象"), lambda r: selectors.event_label(r)[1], width=30, cell=_object_cell),
        Column(_l("变更字段"), None, td_class="small", cell=_changed_cell, export=False),
        Column(_l("变更内容"), lambda r: selectors.changes_text(r, related), width=60,
               excel="wrap", page=False),
        Column(_l("原因"), lambda r: r.reason, width=24, page=False),
        Column(_l("来源"), None, td_class="small text-nowrap text-body-secondary", export=False,
               cell=lambda r, ctx: esc(ctx.flags["sources"][r.source])),
        Column(_l("详情"), None, th_hidden=True,
               td_class="text-end", export=False, cell=lambda r, ctx: (
                   f'<a class="btn btn-outline-primary btn-sm text-nowrap" href="'
                   f'{ctx.url("audit:change_detail", r.pk)}">{esc(_("详情"))}</a>')),
    ], row_attrs='data-testid="change-row"')


def _or_dash(value: Any) -> str:
    return esc(value) if value else "—"


AUTHEVENTS = Table([
    *_at(),
    Column(_l("事件"), lambda e: e.get_kind_display(), width=10, cell=_badge(AUTH_BADGE)),
    Column(_l("用户名"), lambda e: e.username, width=18),
    Column(_l("用户编号"), lambda e: e.user_id or "", width=10, page=False),
    Column(_l("IP 地址"), lambda e: e.ip, width=16, td_class="kc-mono small",
           cell=lambda e, ctx: _or_dash(e.ip)),
    Column(_l("浏览器"), lambda e: e.user_agent, width=50, cell=lambda e, ctx: (
        f'<span class="d-block small text-body-secondary text-truncate" style="max-width:24rem" '
        f'title="{esc(e.user_agent)}">{_or_dash(e.user_agent)}</span>')),
], row_attrs='data-testid="authevent-row"')


def _access_kind(e: Any, ctx: RenderContext) -> str:
    status = f' <span class="small text-body-secondary">{esc(e.status)}</span>' if e.status \
        else ""
    return _badge(ACCESS_BADGE)(e, ctx) + status


def _request_cell(e: Any, ctx: RenderContext) -> str:
    """The request's change records; the list's URL resolved once per page."""
    if not e.request_id:
        return "—"
    url = ctx.flags.get("change_list_url")
    if url is None:
        url = ctx.flags["change_list_url"] = reverse("audit:change_list")
    short = e.request_id if len(e.request_id) <= 10 else f"{e.request_id[:9]}…"
    return f'<a href="{esc(url)}?request_id={esc(quote(e.request_id))}">{esc(short)}</a>'


ACCESSEVENTS = Table([
    *_at(),
    Column(_l("事件"), lambda e: e.get_kind_display(), cell=_access_kind),
    Column(_l("用户名"), lambda e: e.username, cell=lambda e, ctx: _or_dash(e.username)),
    Column(_l("IP 地址"), lambda e: e.ip, td_class="kc-mono small",
           cell=lambda e, ctx: _or_dash(e.ip)),
    Column(_l("地址"), lambda e: e.path, td_class="small text-break", cell=lambda e, ctx: (
        f'<span class="text-body-secondary">{esc(e.method)}</span> {esc(e.path)}')),
    Column(_l("说明"), lambda e: e.detail, td_class="small text-break",
           cell=lambda e, ctx: _or_dash(e.detail)),
    Column(_l("请求编号"), lambda e: e.request_id, td_class="kc-mono small", cell=_request_cell),
], row_attrs='data-testid="accessevent-row"')
