"""The import-run list's columns ("我的导入记录")."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.tables import Column, Table, badge, datetime_text, esc, numbered_title


def status_badge(run: Any) -> str:
    """As imports/_status_badge.html."""
    if run.status == "committed":
        css = "text-bg-success"
    elif run.status == "valid":
        css = "text-bg-info"
    elif run.status in ("invalid", "failed"):
        css = "text-bg-danger"
    elif run.busy:
        css = "text-bg-primary"
    else:
        css = "text-bg-secondary"
    return badge(css, run.get_status_display(), "run-status")


def _errors(run: Any, ctx: Any) -> str:
    if run.error_row_count:
        return f'<span class="text-danger">{esc(run.error_row_count)}</span>'
    return "0"


RUNS = Table([
    Column(_l("导入内容"), lambda r: r.title, cell=numbered_title("imports:run_detail")),
    Column(_l("文件名"), lambda r: r.original_name, td_class="small text-break"),
    Column(_l("状态"), lambda r: r.get_status_display(), cell=lambda r, ctx: status_badge(r)),
    Column(_l("数据行"), lambda r: r.total_rows, th_class="text-end", td_class="text-end"),
    Column(_l("新增/修改/无变化"), None, th_class="text-end", td_class="text-end",
           cell=lambda r, ctx: (f"{esc(r.create_count)} / {esc(r.update_count)} / "
                                f"{esc(r.unchanged_count)}")),
    Column(_l("错误"), lambda r: r.error_row_count, th_class="text-end", td_class="text-end",
           cell=_errors),
    Column(_l("上传时间"), lambda r: r.created_at, th_class="text-nowrap",
           td_class="text-nowrap small", cell=lambda r, ctx: datetime_text(r.created_at)),
    Column(_l("操作"), None, th_hidden=True, td_class="text-end", export=False,
           cell=lambda r, ctx: (f'<a class="btn btn-outline-primary btn-sm" href="'
                                f'{ctx.url("imports:run_detail", r.pk)}">{esc(_("详情"))}</a>')),
], row_attrs='data-testid="run-row"')
