"""Request or run id for change records, set by middleware or by a job."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("kechuang_request_id", default="")
_source: ContextVar[str] = ContextVar("kechuang_source", default="")


def current_request_id() -> str:
    return _request_id.get()


def current_source() -> str:
    return _source.get()


@contextmanager
def audit_context(*, source: str, request_id: str | None = None):
    """Tag every change record written inside with a source ("web", "api", "job:…", "cli")."""
    t1 = _request_id.set(request_id or uuid.uuid4().hex)
    t2 = _source.set(source)
    try:
        yield
    finally:
        _request_id.reset(t1)
        _source.reset(t2)
