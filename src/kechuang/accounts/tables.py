"""The account administration lists' columns (accounts, lockouts)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.accounts import selectors
from kechuang.core.tables import Column, RenderContext, Table, datetime_text, esc


def _or_dash(value: Any) -> str:
    return esc(value) if value else "—"


def _state(u: Any, ctx: RenderContext) -> str:
    if u.is_active:
        return f'<span class="badge text-bg-success">{esc(_("启用"))}</span>'
    return f'<span class="badge text-bg-secondary">{esc(_("停用"))}</span>'


def _user_actions(u: Any, ctx: RenderContext) -> str:
    """Edit and reset links for an administrator who may change accounts, never on their own
    account (flags ``can_change``, ``me``)."""
    if not ctx.flags.get("can_change") or u.pk == ctx.flags.get("me"):
        return ""
    return (f'\n        <a class="btn btn-sm btn-outline-primary" '
            f'href="{ctx.url("accounts:user_edit", u.pk)}">{esc(_("编辑"))}</a>\n'
            f'        <a class="btn btn-sm btn-outline-secondary" '
            f'href="{ctx.url("accounts:user_password", u.pk)}">{esc(_("重置密码"))}</a>')


USERS = Table([
    Column(_l("用户名"), lambda u: u.username),
    Column(_l("姓名"), lambda u: u.get_full_name(), cell=lambda u, ctx: _or_dash(
        u.get_full_name())),
    Column(_l("角色"), lambda u: u.get_role_display()),
    Column(_l("县区"), lambda u: u.county.name if u.county else "",
           cell=lambda u, ctx: _or_dash(u.county.name if u.county else "")),
    Column(_l("单位"), lambda u: u.organisation.name if u.organisation else "",
           cell=lambda u, ctx: _or_dash(u.organisation.name if u.organisation else "")),
    Column(_l("状态"), lambda u: _("启用") if u.is_active else _("停用"), cell=_state),
    Column("", None, td_class="text-nowrap", cell=_user_actions, export=False),
], row_attrs='data-testid="user-row"')


def _unlock(a: Any, ctx: RenderContext) -> str:
    """The unlock form (a reason is required); flag ``csrf_token`` is the request's token."""
    reason = esc(_("解锁原因"))
    return (f'<form method="post" action="{ctx.url("accounts:lockout_unlock", a.pk)}" '
            f'class="d-flex gap-1"><input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{esc(ctx.flags["csrf_token"])}">'
            f'<label class="visually-hidden" for="reason-{a.pk}">{reason}</label>'
            f'<input type="text" name="reason" id="reason-{a.pk}" '
            f'class="form-control form-control-sm" maxlength="500" required '
            f'placeholder="{reason}">'
            f'<button type="submit" class="btn btn-sm btn-outline-primary text-nowrap">'
            f'{esc(_("解除锁定"))}</button></form>')


LOCKOUTS = Table([
    Column(_l("用户名"), lambda a: a.username),
    Column(_l("IP 地址"), lambda a: a.ip_address, cell=lambda a, ctx: _or_dash(a.ip_address)),
    Column(_l("失败次数"), lambda a: a.failures_since_start),
    Column(_l("最近失败时间"), lambda a: a.attempt_time,
           cell=lambda a, ctx: datetime_text(a.attempt_time)),
    Column(_l("锁定至"), selectors.locked_until,
           cell=lambda a, ctx: datetime_text(selectors.locked_until(a)) or "—"),
    Column(_l("解除锁定"), None, cell=_unlock, export=False),
], row_attrs='data-testid="lockout-row"')
