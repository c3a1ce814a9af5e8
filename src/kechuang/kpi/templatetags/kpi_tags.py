"""Template helpers for figures and statuses (formatting only; no queries)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from kechuang.kpi.progress import Status
from kechuang.kpi.progress import fmt as _fmt

register = template.Library()

# the pure progress module has no gettext: the interface's labels live here
LABELS = {
    Status.ACHIEVED: _("已完成"), Status.ON_TRACK: _("进度正常"), Status.AT_RISK: _("存在风险"),
    Status.BEHIND: _("进度滞后"), Status.NO_TARGET: _("无量化目标"), Status.NO_DATA: _("暂无数据"),
}


@register.filter
def fmt(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return _fmt(value if isinstance(value, Decimal) else Decimal(str(value)))


@register.filter
def bar_width(value: Any) -> str:
    """A percentage clamped to 0–100 for a CSS width ("63.5")."""
    if value is None:
        return "0"
    return str(max(Decimal(0), min(Decimal(100), Decimal(str(value)))))


@register.filter
def status_colour(status: Any) -> str:
    try:
        return Status(str(status)).colour
    except ValueError:
        return "secondary"


@register.filter
def status_label(status: Any) -> str:
    try:
        return str(LABELS[Status(str(status))])
    except ValueError:
        return str(status)


@register.filter
def count_of(counter: Any, status: str) -> int:
    return counter.get(Status(status), 0) if counter else 0


@register.filter
def get_county(row: Any, county_id: int) -> Any:
    return row.county(county_id) if row else None


@register.inclusion_tag("kpi/partials/figure_source.html")
def figure_source(row: Any, as_of: Any, below: bool = False) -> dict[str, Any]:
    """The 计数 / 上报 mark of a figure, its definition and date on hover (or ``below``)."""
    from kechuang.kpi.sources import source_of

    return {"src": source_of(row, as_of) if row else None, "below": below}
