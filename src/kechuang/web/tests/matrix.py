"""Permission-matrix rows of the shell's pages (kechuang/tests/matrix.py)."""

from __future__ import annotations

from kechuang.tests.matrix import (
    BUREAU,
    ROLES,
    SIGNED_IN,
    Route,
)

ROUTES: dict[str, Route] = {
    "web:home": Route(allowed=SIGNED_IN, ok=(200, 302)),  # bureau roles: to the dashboard
    "web:overview": Route(allowed=BUREAU),
    "web:favicon": Route(allowed=set(ROLES), public=True, ok=(301,)),  # → the static SVG
}
