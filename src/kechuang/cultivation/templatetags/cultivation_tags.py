"""``{% cultivation_section enterprise %}``: the enterprise page's cultivation card.

Reads through ``cultivation.selectors`` with the request's user (restrict()), so an
enterprise user sees its own records and no candidate-pool entries, county staff their
county's.
"""

from __future__ import annotations

from typing import Any

from django import template

from kechuang.accounts.scoping import can
from kechuang.cultivation import selectors
from kechuang.cultivation.models import (
    CandidateEntry,
    HighTechCertificate,
    LeaderDesignation,
    TechSmeRegistration,
)

register = template.Library()


def enterprise_section_context(user: Any, enterprise: Any) -> dict[str, Any]:
    """The enterprise page's cultivation card (a panel of cultivation/manifest.py)."""
    data = selectors.enterprise_cultivation(user=user, enterprise=enterprise)
    return {
        "enterprise": enterprise, "data": data,
        "can_add_registration": can(user, "add", TechSmeRegistration),
        "can_add_certificate": can(user, "add", HighTechCertificate),
        "can_add_leader": can(user, "add", LeaderDesignation),
        "can_add_candidate": can(user, "add", CandidateEntry),
    }


@register.inclusion_tag("cultivation/partials/enterprise_section.html", takes_context=True)
def cultivation_section(context: dict[str, Any], enterprise: Any) -> dict[str, Any]:
    return enterprise_section_context(context["request"].user, enterprise)
