"""Periodic work without a cron service: apps register a daily check, one loop runs them.

django-tasks has no scheduler. ``manage.py scheduler`` (started by ``make run`` beside the
worker) calls every registered check with today's date, then sleeps; in production a daily
systemd timer or cron entry runs ``manage.py scheduler --once`` instead (docs/deploy.md).
Every check must be idempotent: it may run many times a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

Check = Callable[[dt.date], Any]
_CHECKS: dict[str, Check] = {}


def daily(name: str) -> Callable[[Check], Check]:
    """Register ``fn(today)`` under ``name`` (a second registration replaces the first)."""
    def wrap(fn: Check) -> Check:
        _CHECKS[name] = fn
        return fn

    return wrap


def checks() -> dict[str, Check]:
    return dict(_CHECKS)


def run_all(*, today: dt.date) -> dict[str, Any]:
    """Run every check; one failing check does not stop the others (its error is returned)."""
    out: dict[str, Any] = {}
    for name, fn in sorted(_CHECKS.items()):
        try:
            out[name] = fn(today)
        except Exception as exc:  # noqa: BLE001 — report and go on with the next check
            out[name] = exc
    return out
