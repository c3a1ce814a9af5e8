"""Query shapes the lists share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def distinct_desc(qs: QuerySet, field: str) -> list[Any]:
    """The distinct values of an indexed column, largest first, one index seek each.

    ``SELECT DISTINCT`` reads every row's value (a filter's year choices scanned 400,000 annual
    reports, ~15–30 ms a page); a handful of "largest below the last one" seeks does not.
    Meant for columns with few distinct values (years).
    """
    qs = qs.order_by(f"-{field}").values_list(field, flat=True)
    out: list[Any] = []
    value = qs.first()
    while value is not None:
        out.append(value)
        value = qs.filter(**{f"{field}__lt": value}).first()
    return out
