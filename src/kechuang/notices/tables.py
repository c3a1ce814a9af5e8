"""The notice list's columns ("站内提醒"): unread rows first and shaded."""

from __future__ import annotations

from typing import Any

from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.tables import Column, RenderContext, Table, datetime_text, esc


def _icon(n: Any, ctx: RenderContext) -> str:
    css = ("bi-exclamation-triangle text-warning" if n.level == "warning"
           else "bi-info-circle text-primary")
    return f'<i class="bi {css} fs-5" aria-hidden="true"></i>'


def _linebreaksbr(text: str) -> str:
    """``{{ text|linebreaksbr }}``."""
    return esc(normalize_newlines(text)).replace("\n", "<br>")


def _notice(n: Any, ctx: RenderContext) -> str:
    level = (f'<span class="badge text-bg-warning me-1">{esc(n.get_level_display())}</span>'
             if n.level == "warning" else "")
    unread = (f' <span class="badge text-bg-danger ms-1">{esc(_("未读"))}</span>'
              if not n.is_read else "")
    title_css = ' class="fw-semibold"' if not n.is_read else ""
    body = (f'<div class="small text-body-secondary mt-1">'
            f'{_linebreaksbr(n.body)}</div>'
            if n.body else "")
    return f"<div{title_css}>{level}{esc(n.title)}{unread}</div>{body}"


def _actions(n: Any, ctx: RenderContext) -> str:
    """查看 (marks read and follows the link) and 标为已读; flag ``csrf_token``."""
    action = ctx.url("notices:notice_read", n.pk)
    token = (f'<input type="hidden" name="csrfmiddlewaretoken" '
             f'value="{esc(ctx.flags["csrf_token"])}">')
    out = []
    if n.url:
        out.append(f'<form method="post" action="{action}">{token}'
                   f'<input type="hidden" name="go" value="1">'
                   f'<button type="submit" class="btn btn-sm btn-outline-primary">'
                   f'{esc(_("查看"))}</button></form>')
    if not n.is_read:
        out.append(f'<form method="post" action="{action}">{token}'
                   f'<button type="submit" class="btn btn-sm btn-link">{esc(_("标为已读"))}'
                   f"</button></form>")
    return f'<div class="d-flex gap-1 text-nowrap">{"".join(out)}</div>'


NOTICES = Table([
    Column(_l("级别"), lambda n: n.get_level_display(), th_hidden=True, cell=_icon),
    Column(_l("提醒"), lambda n: n.title, cell=_notice, td_class="w-100"),
    Column(_l("时间"), lambda n: n.created_at, th_class="text-nowrap",
           td_class="small text-body-secondary text-nowrap",
           cell=lambda n, ctx: datetime_text(n.created_at)),
    Column(_l("操作"), None, th_hidden=True, cell=_actions, export=False),
], row_attrs='data-testid="notice-row"',
    row_class=lambda n: "" if n.is_read else "table-light")
