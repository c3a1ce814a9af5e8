"""Permission-matrix rows of core's routes (kechuang/tests/matrix.py)."""

from __future__ import annotations

from kechuang.tests.matrix import (
    ROLES,
    Route,
)

ROUTES: dict[str, Route] = {
    "core:ping": Route(allowed=set(ROLES), public=True),
}
