"""Whether a cooperation project is on schedule (行动七 校地合作), from its milestones.

Pure rule (no Django): a project is **on schedule** on a date when none of its milestones is
overdue that day — overdue meaning the due date has passed and the milestone was not done by
then (done on or before the date). A milestone done after its due date is *late* but no
longer overdue once done: the project is back on schedule from that day. A project without
milestones is on schedule (nothing has been promised yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MilestoneDates:
    due_on: dt.date
    done_on: dt.date | None = None


def is_overdue(m: MilestoneDates, on: dt.date) -> bool:
    """Past its due date on ``on`` and not done by ``on``."""
    return m.due_on < on and (m.done_on is None or m.done_on > on)


def was_late(m: MilestoneDates) -> bool:
    """Done after its due date (kept as a mark even once the milestone is done)."""
    return m.done_on is not None and m.done_on > m.due_on


def on_schedule(milestones: Iterable[MilestoneDates], on: dt.date) -> bool:
    """No milestone overdue on ``on``."""
    return not any(is_overdue(m, on) for m in milestones)


def overdue_count(milestones: Iterable[MilestoneDates], on: dt.date) -> int:
    return sum(1 for m in milestones if is_overdue(m, on))
