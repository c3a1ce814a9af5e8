"""Demo data placeholder (filled below)."""

from __future__ import annotations

from typing import Any


def demo_step(**kwargs: Any) -> str:
    return ""
