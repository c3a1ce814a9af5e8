"""Permission-matrix rows of the regions API (kechuang/tests/matrix.py)."""

from __future__ import annotations

from kechuang.tests.matrix import (
    SIGNED_IN,
    Route,
)


def region(ctx, place):
    """Regions are public reference data: every signed-in role reads both counties."""
    return {"pk": ctx[f"enterprise_{place}"].county_id}


ROUTES: dict[str, Route] = {
    "api-region-list": Route(allowed=SIGNED_IN, api=True),
    "api-region-detail": Route(allowed=SIGNED_IN, api=True, kwargs=region,
                               scoped=False),
}
