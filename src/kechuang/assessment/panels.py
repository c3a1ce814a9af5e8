"""The self-assessment button on the enterprise page (a panel of assessment/manifest.py)."""

from __future__ import annotations

from typing import Any


def enterprise_action_context(user: Any, enterprise: Any) -> dict[str, Any]:
    # the page itself refuses what the user may not assess; the button is always offered
    return {"enterprise": enterprise}
