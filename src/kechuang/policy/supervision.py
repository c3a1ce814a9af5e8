"""The derived status of a supervised task or reform measure (督查事项), issue #18 item 3.

Never typed by anyone: it follows from the item's milestones (节点), its deadline (完成时限),
the progress updates filed and the update that declared the item finished. Pure Python, no
clock — the caller passes ``today`` (or the "as of" day of a report).

* 已完成 (done): an update declaring the item finished was filed on or before ``today``;
* 滞后 (late): otherwise, the deadline has passed (``due < today``), or a milestone's date has
  passed without an update reaching it filed on or before ``today``;
* 推进中 (in progress): otherwise, at least one update was filed on or before ``today``;
* 未启动 (not started): nothing yet.

On a deadline or milestone date itself the item is not yet late; the day after it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
LATE = "late"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, LATE)


@dataclass(frozen=True)
class MilestoneFact:
    due: dt.date
    reached_on: dt.date | None = None  # the first update reaching it (None: none yet)


def milestone_missed(m: MilestoneFact, today: dt.date) -> bool:
    """Past its date and not reached by an update filed on or before ``today``."""
    return m.due < today and (m.reached_on is None or m.reached_on > today)


def derive_status(*, today: dt.date, due: dt.date | None = None,
                  milestones: Iterable[MilestoneFact] = (),
                  updates: Iterable[dt.date] = (),
                  completed_on: dt.date | None = None) -> str:
    """The status as of ``today`` (see the module's docstring)."""
    if completed_on is not None and completed_on <= today:
        return DONE
    if due is not None and due < today:
        return LATE
    if any(milestone_missed(m, today) for m in milestones):
        return LATE
    if any(d <= today for d in updates):
        return IN_PROGRESS
    return NOT_STARTED


def notice_state(*, today: dt.date, answer_due: dt.date, answered_on: dt.date | None) -> str:
    """A 督办 notice: "answered", "open" (due today or later) or "overdue"."""
    if answered_on is not None and answered_on <= today:
        return "answered"
    return "overdue" if answer_due < today else "open"
