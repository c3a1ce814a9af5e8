"""The R&D-intensity card of the enterprise page (a panel of rdinput/manifest.py).

Reads the annual reports through ``orgs.selectors`` with the viewing user (restrict()): the
enterprise sees its own, county staff their county's enterprises, the city every one; a viewer
who may not read the reports, or an enterprise without any, gets no card.
"""

from __future__ import annotations

from typing import Any

from kechuang.accounts.scoping import can
from kechuang.core.tables import wan
from kechuang.orgs.models import EnterpriseAnnualReport
from kechuang.policy.inputs import PolicyInputError
from kechuang.rdinput import selectors


def enterprise_intensity_context(user: Any, enterprise: Any) -> dict[str, Any] | None:
    if not can(user, "view", EnterpriseAnnualReport):
        return None
    try:
        series = selectors.enterprise_intensity(user=user, enterprise=enterprise)
    except PolicyInputError as exc:  # a stored figure the rule refuses: say which, no 500
        return {"enterprise": enterprise, "error": str(exc), "rows": []}
    if not series.years:
        return None
    rows = [{"year": r.year, "rd": wan(r.numerator_yuan), "revenue": wan(r.denominator_yuan),
             "pct": r.display, "computable": r.intensity_pct is not None,
             "message": r.message, "notes": r.notes[1:]}
            for r in series.years]
    return {"enterprise": enterprise, "heading": series.heading, "formula": series.formula,
            "scope_label": series.scope_label, "rows": rows,
            "missing_years": series.missing_years, "error": ""}
