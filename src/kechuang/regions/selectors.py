from __future__ import annotations

from django.db.models import QuerySet

from kechuang.regions.models import Region


def counties(*, user=None) -> QuerySet[Region]:
    """County-level units (including zones), in display order; scoped when a user is given."""
    qs = Region.objects.filter(level=Region.Level.COUNTY)
    if user is not None:
        qs = qs.restrict(user, "view")
    return qs.order_by("sort_order", "code")


def city() -> Region | None:
    return Region.objects.filter(level=Region.Level.CITY).first()

