from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from kechuang.accounts.scoping import can
from kechuang.orgs.models import Enterprise


def home_summary(*, user: Any) -> dict[str, Any]:
    """Counts for the landing page, in the user's own scope."""
    if not can(user, "view", Enterprise):
        return {}
    agg = Enterprise.objects.restrict(user, "view").aggregate(
        total=Count("id"),
        above_scale=Count("id", filter=Q(above_scale=True)),
        tech_sme=Count("id", filter=Q(tier="tech_sme")),
        high_tech=Count("id", filter=Q(tier__in=["high_tech", "leader"])),
    )
    return agg
