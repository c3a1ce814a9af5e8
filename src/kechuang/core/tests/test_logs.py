"""Server log: a refused request is one line; timestamps in TIME_ZONE with their offset."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import override_settings

from kechuang.core.logs import OneLineRefusals, ZonedFormatter


@pytest.fixture
def request_log():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(OneLineRefusals())
    handler.setFormatter(ZonedFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield out
    finally:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_refused_page_is_one_line_with_the_local_offset(users, client_for, request_log):
    resp = client_for(users["enterprise_a_user"]).get("/kpi/")
    assert resp.status_code == 403
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in request_log.getvalue()
    assert "+0800 WARNING django.request: Forbidden" in lines[0]


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None,
                               (ValueError, ValueError("x"), None))
    record.status_code = 500
    assert OneLineRefusals().filter(record) and record.exc_info is not None


@override_settings(TIME_ZONE="UTC")
def test_the_zone_follows_the_setting():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.created = 0.0
    assert ZonedFormatter().formatTime(record) == "1970-01-01 00:00:00+0000"
