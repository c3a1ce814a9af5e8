"""The report schedule of an R&D project and the reminder stages — pure, no Django.

:func:`report_schedule` gives the reports a project owes between its start and its planned
end: a progress report (进展报告) for each half-year, due on the 15th of the month after the
half-year (15 July, 15 January), and the mid-term report (中期检查) due at the middle of the
project's period (on the 15th of that month). :func:`reminder_stage` says which reminder a
report still open on ``today`` calls for: ``before`` (within ``days_before`` days before the
due date), ``due`` (on the day) or ``overdue`` (after it) — each sent once per report.
Our numbers, not from a document: the 15th, half-years, 7 days before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DAYS_BEFORE = 7


@dataclass(frozen=True)
class Due:
    kind: str  # "progress" | "midterm"
    period: str
    due_on: dt.date


def report_schedule(start: dt.date, end: dt.date | None) -> list[Due]:
    """Every report owed from ``start`` to ``end`` (none without a planned end), by date."""
    if end is None or end <= start:
        return []
    out: list[Due] = []
    year, half = start.year, 1 if start.month <= 6 else 2
    while True:
        closes = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
        if closes > end:
            break
        due = dt.date(year, 7, 15) if half == 1 else dt.date(year + 1, 1, 15)
        out.append(Due("progress", f"{year}年{'上' if half == 1 else '下'}半年", due))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    middle = start + (end - start) / 2
    out.append(Due("midterm", f"{middle.year}年中期", dt.date(middle.year, middle.month, 15)))
    return sorted(out, key=lambda d: (d.due_on, d.kind))


def reminder_stage(due_on: dt.date, today: dt.date, *,
                   days_before: int = DAYS_BEFORE) -> str | None:
    if today > due_on:
        return "overdue"
    if today == due_on:
        return "due"
    if (due_on - today).days <= days_before:
        return "before"
    return None
