"""科技服务业: which GB/T 4754 divisions count, and the 规上 revenue threshold of each.

Defaults in ``data/tech_service_industries.yaml``; the bureau's overrides
(:class:`~kechuang.techmarket.models.TechServiceIndustry`, audited) win over the file. Read
in one query wherever a list or a metric needs it.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "tech_service_industries.yaml"


@cache
def _defaults() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def default_codes() -> list[str]:
    return [str(row["code"]) for row in _defaults()["codes"]]


def tech_service_codes() -> list[str]:
    """The divisions counted as 科技服务业 now: the file's, with the bureau's rows applied."""
    from kechuang.techmarket.selectors import industry_overrides

    codes = set(default_codes())
    for code, included in industry_overrides():
        if included:
            codes.add(code)
        else:
            codes.discard(code)
    return sorted(codes)


def above_scale_threshold(industry_code: str) -> Decimal:
    """年营业收入 from which an enterprise of this division is 规上 (by its section letter)."""
    data = _defaults()
    by_section = data.get("above_scale_revenue_yuan") or {}
    value = by_section.get(industry_code[:1], data.get("default_above_scale_revenue_yuan"))
    return Decimal(str(value))
