"""The cultivation card of the enterprise page (a panel of cultivation/manifest.py).

Reads through ``cultivation.selectors`` with the viewing user (restrict()), so an enterprise
user sees its own records and no candidate-pool entries, county staff their county's.
"""

from __future__ import annotations

from typing import Any

from kechuang.accounts.scoping import can
from kechuang.cultivation import selectors
from kechuang.cultivation.models import (
    CandidateEntry,
    HighTechCertificate,
    LeaderDesignation,
    TechSmeRegistration,
)


def enterprise_section_context(user: Any, enterprise: Any) -> dict[str, Any]:
    return {
        "enterprise": enterprise,
        "data": selectors.enterprise_cultivation(user=user, enterprise=enterprise),
        "can_add_registration": can(user, "add", TechSmeRegistration),
        "can_add_certificate": can(user, "add", HighTechCertificate),
        "can_add_leader": can(user, "add", LeaderDesignation),
        "can_add_candidate": can(user, "add", CandidateEntry),
    }
