"""The working-day calendar of registration deadlines (policy-rules.md §e: 15/30 个工作日).

Built from two sources: the ``chinese-calendar`` library (the State Council's published
arrangements, 放假 and 调休上班) and ``data/work_calendar.yaml``, which the bureau extends with
next year's arrangement as soon as it is published (a day listed there wins over the
library). ``settings.TECHMARKET_CALENDAR_FILE`` may name another file of the same shape.
The result is the policy engine's own :class:`~kechuang.policy.tech_contracts.WorkCalendar`,
so the deadline arithmetic stays in one place (policy/tech_contracts.py).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from kechuang.policy.tech_contracts import WorkCalendar

DATA_FILE = Path(__file__).resolve().parent / "data" / "work_calendar.yaml"


def _library() -> tuple[dict[dt.date, bool], set[int]]:
    """Day → working? from chinese-calendar; empty when the library is not installed."""
    try:
        from chinese_calendar import constants
    except ImportError:  # the data file alone then
        return {}, set()
    days: dict[dt.date, bool] = {d: False for d in constants.holidays}
    days.update({d: True for d in constants.workdays})
    return days, {d.year for d in constants.holidays}


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def read_data_file(path: Path) -> tuple[dict[dt.date, bool], set[int], list[str]]:
    """Day → working? for every year the file lists, the years, and their sources."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    days: dict[dt.date, bool] = {}
    years: set[int] = set()
    sources: list[str] = []
    for year, spec in (data.get("years") or {}).items():
        years.add(int(year))
        spec = spec or {}
        for d in spec.get("holidays") or ():
            days[_as_date(d)] = False
        for d in spec.get("workdays") or ():
            days[_as_date(d)] = True
        if spec.get("source"):
            sources.append(f"{year}：{spec['source']}")
    return days, years, sources


def build_calendar(path: Path | None = None, *, use_library: bool = True) -> WorkCalendar:
    """Library days, then the data file's days on top; covered years are the union."""
    days, years = _library() if use_library else ({}, set())
    file_days, file_years, sources = read_data_file(path or DATA_FILE)
    days.update(file_days)
    years |= file_years
    source = "chinese-calendar + " if use_library and _library()[1] else ""
    return WorkCalendar(
        holidays=frozenset(d for d, working in days.items() if not working),
        workdays=frozenset(d for d, working in days.items() if working),
        years=frozenset(years),
        source=source + "；".join(sources))


@cache
def work_calendar() -> WorkCalendar:
    """The site's calendar (read once per process)."""
    custom = getattr(settings, "TECHMARKET_CALENDAR_FILE", None)
    return build_calendar(Path(custom) if custom else None)
