"""The registration flow of technology contracts, as data (style.md §4).

applied → registered | refused; registered/changed → changed (变更登记) | cancelled (注销登记).
The services add the dates and the figure events around each transition.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import roles_with
from kechuang.techmarket.models import TechContract
from kechuang.workflow.services import Step, Workflow, register_review_source

S = TechContract.Status
OFFICE = roles_with("approve", TechContract)  # the registration office: the city bureau

CONTRACT_FLOW = Workflow(
    name="tech_contract",
    steps=(
        Step(S.APPLIED, "register", S.REGISTERED, roles=OFFICE, label=_("认定登记")),
        Step(S.APPLIED, "refuse", S.REFUSED, roles=OFFICE, label=_("不予登记"),
             reason_required=True),
        Step(S.REGISTERED, "change", S.CHANGED, roles=OFFICE, label=_("变更登记"),
             reason_required=True),
        Step(S.CHANGED, "change", S.CHANGED, roles=OFFICE, label=_("变更登记"),
             reason_required=True),
        Step(S.REGISTERED, "cancel", S.CANCELLED, roles=OFFICE, label=_("注销登记"),
             reason_required=True),
        Step(S.CHANGED, "cancel", S.CANCELLED, roles=OFFICE, label=_("注销登记"),
             reason_required=True),
    ),
    submitted_by="submitted_by",
)


def _register() -> None:
    register_review_source("tech_contract", TechContract, CONTRACT_FLOW, _("技术合同认定登记"),
                           related=("seller", "buyer"))


_register()
