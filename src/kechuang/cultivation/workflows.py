"""State changes of cultivation records, as data (style.md §4).

* a tech SME registration is revoked (撤销登记编号, 115号 第十四条) — reason required;
* a high-tech certificate is revoked (取消资格, 32号 第十九条) — reason required;
* a candidate leaves the pool: removed (reason required) or promoted (reached the rung).

Bureau roles take them; county staff only within their county (``scope_action="change"``,
re-checked by ``transition()``). Expiry of a certificate is not a transition: it is derived
from the date.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import roles_with
from kechuang.cultivation.models import CandidateEntry, HighTechCertificate, TechSmeRegistration
from kechuang.workflow.services import Step, Workflow

# who may revoke or close a row: the roles that may change it (the bureau, not the enterprise)
_RECORD_EDITORS = roles_with("change", TechSmeRegistration)
_CERTIFICATE_EDITORS = roles_with("change", HighTechCertificate)
_POOL_EDITORS = roles_with("change", CandidateEntry)


def _revoked(obj: Any, actor: Any, reason: str) -> None:
    obj.revoked_on = obj.revoked_on or timezone.localdate()
    obj.revoke_reason = reason[:500]


def _closed(obj: Any, actor: Any, reason: str) -> None:
    obj.closed_at = timezone.now()
    obj.close_reason = reason[:500]


REGISTRATION_FLOW = Workflow(
    name="tech_sme_registration",
    steps=(
        Step("registered", "revoke", "revoked", roles=_RECORD_EDITORS, label=_("撤销登记"),
             effect=_revoked, reason_required=True, scope_action="change"),
    ),
)

CERTIFICATE_FLOW = Workflow(
    name="high_tech_certificate",
    steps=(
        Step("valid", "revoke", "revoked", roles=_CERTIFICATE_EDITORS, label=_("取消资格"),
             effect=_revoked, reason_required=True, scope_action="change"),
    ),
)

CANDIDATE_FLOW = Workflow(
    name="candidate_entry",
    steps=(
        Step("active", "remove", "removed", roles=_POOL_EDITORS, label=_("移出后备库"),
             effect=_closed, reason_required=True, scope_action="change"),
        Step("active", "promote", "promoted", roles=_POOL_EDITORS, label=_("标记为已晋级"),
             effect=_closed, scope_action="change"),
    ),
)

FLOWS = {"registration": REGISTRATION_FLOW, "certificate": CERTIFICATE_FLOW}
