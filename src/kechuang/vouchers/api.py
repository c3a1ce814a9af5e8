"""The voucher API (placeholder until the viewsets land): nothing is registered yet."""

from __future__ import annotations

from typing import Any


def register(router: Any) -> None:
    return None
