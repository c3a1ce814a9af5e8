"""Server log: one line per refused request, every timestamp in the platform's time zone.

Django logs a 403 (PermissionDenied) through ``django.request`` with the exception attached,
so a refused click by a clerk filled the log with a traceback; a refusal is expected
behaviour, already in the audit trail as an access event, and one line is enough. Timestamps
carry the UTC offset so gunicorn's, the worker's and Django's lines read alike.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.conf import settings


class OneLineRefusals(logging.Filter):
    """Drop the traceback of 4xx records of ``django.request`` (403, 404, 405 …)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= int(status) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class ZonedFormatter(logging.Formatter):
    """``2026-12-04 23:05:01+0800 WARNING django.request: Forbidden …`` in TIME_ZONE."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        zone = zoneinfo.ZoneInfo(getattr(settings, "TIME_ZONE", None) or "UTC")
        when = dt.datetime.fromtimestamp(record.created, tz=zone)
        return when.strftime(datefmt or "%Y-%m-%d %H:%M:%S%z")
