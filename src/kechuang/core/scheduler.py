"""Periodic work without a cron service: apps register a daily check, one loop runs them.

django-tasks has no scheduler. ``manage.py scheduler`` (started by ``make run`` beside the
worker) calls every registered check with today's date, then sleeps; in production a daily
systemd timer or cron entry runs ``manage.py scheduler --once`` instead (docs/deploy.md).
Every check must be idempotent: it may run many times a day.

``every_minute`` checks (the job reaper, ``jobs.recovery``) run on each turn of the loop, at
most a minute apart; in production the scheduler runs as a service (docs/deploy.md), or a
one-minute timer calls ``manage.py scheduler --once``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

Check = Callable[[dt.date], Any]
_CHECKS: dict[str, Check] = {}
_FREQUENT: dict[str, Check] = {}


def daily(name: str) -> Callable[[Check], Check]:
    """Register ``fn(today)`` under ``name`` (a second registration replaces the first)."""
    def wrap(fn: Check) -> Check:
        _CHECKS[name] = fn
        return fn

    return wrap


def every_minute(name: str) -> Callable[[Check], Check]:
    """Register ``fn(today)`` to run on every turn of the scheduler loop (about a minute)."""
    def wrap(fn: Check) -> Check:
        _FREQUENT[name] = fn
        return fn

    return wrap


def frequent_checks() -> dict[str, Check]:
    return dict(_FREQUENT)


def checks() -> dict[str, Check]:
    return dict(_CHECKS)


def run_all(*, today: dt.date, frequent: bool = False) -> dict[str, Any]:
    """Run every daily check (``frequent``: every minute check); one failing check does not
    stop the others (its error is returned)."""
    out: dict[str, Any] = {}
    for name, fn in sorted((_FREQUENT if frequent else _CHECKS).items()):
        try:
            out[name] = fn(today)
        except Exception as exc:  # noqa: BLE001 — report and go on with the next check
            out[name] = exc
    return out
