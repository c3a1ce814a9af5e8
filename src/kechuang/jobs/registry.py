"""Job kinds: each app registers a handler; the one task runner calls it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None, message: str = "") -> None: ...


@dataclass
class JobOutput:
    """What a handler returns: a file to download and/or a JSON-able summary."""

    content: bytes | None = None
    filename: str = ""
    summary: dict[str, Any] | None = None


Handler = Callable[[Any, Progress], JobOutput]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def wrap(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return wrap


def get_handler(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError as exc:
        raise LookupError(f"no job handler for {kind!r}") from exc


# ---- recovery after a dead worker -----------------------------------------------------------

Recovery = Callable[[], Any]
_RECOVERIES: dict[str, Recovery] = {}


def job_recovery(name: str) -> Callable[[Recovery], Recovery]:
    """Register ``fn()``: called by the reaper (``jobs.recovery.reap``) after it has marked lost
    jobs failed, to bring the app's own rows of failed jobs back to a state the user can act on
    (an import run to retry or cancel, a batch run marked failed and its partial rows removed).
    Must be idempotent: it runs every minute and again after a reaper that died half-way."""
    def wrap(fn: Recovery) -> Recovery:
        _RECOVERIES[name] = fn
        return fn

    return wrap


def recoveries() -> dict[str, Recovery]:
    return dict(_RECOVERIES)
