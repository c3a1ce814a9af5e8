"""Template helpers for figures and statuses (formatting only; no queries)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from kechuang.kpi.progress import Status
from kechuang.kpi.progress import fmt as _fmt

register = template.Library()


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
        return Status(str(status)).label
    except ValueError:
        return str(status)


@register.filter
def count_of(counter: Any, status: str) -> int:
    return counter.get(Status(status), 0) if counter else 0


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def get_county(row: Any, county_id: int) -> Any:
    return row.county(county_id) if row else None
