"""The voucher flows, as data (style.md §4); roles come from the scopes, never by name.

Voucher: applied →(county review)→ reviewed →(city approval)→ issued; refused at either
step. Claim: pending → approved → paid, or pending → rejected. Provider listing: applied →
listed | refused; listed → delisted. The services add the ledger entries around each step.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import roles_with
from kechuang.vouchers.models import Claim, Provider, Voucher, VoucherPolicy
from kechuang.workflow.services import Step, Workflow, register_review_source

CITY = roles_with("approve", VoucherPolicy)
COUNTY = roles_with("approve", Voucher) - CITY
CLAIM_REVIEWERS = roles_with("approve", Claim)
LISTERS = roles_with("approve", Provider)

V = Voucher.Status
VOUCHER_FLOW = Workflow(
    name="voucher",
    steps=(
        Step(V.APPLIED, "review", V.REVIEWED, roles=COUNTY, label=_("县区审核通过")),
        Step(V.APPLIED, "refuse", V.REFUSED, roles=COUNTY | CITY, label=_("不予通过"),
             reason_required=True),
        Step(V.REVIEWED, "approve", V.ISSUED, roles=CITY, label=_("市局审批发放")),
        Step(V.REVIEWED, "refuse", V.REFUSED, roles=CITY, label=_("不予通过"),
             reason_required=True),
    ),
)

C = Claim.Status
CLAIM_FLOW = Workflow(
    name="voucher_claim",
    steps=(
        Step(C.PENDING, "approve", C.APPROVED, roles=CLAIM_REVIEWERS, label=_("审核通过")),
        Step(C.PENDING, "reject", C.REJECTED, roles=CLAIM_REVIEWERS, label=_("驳回"),
             reason_required=True),
        Step(C.APPROVED, "pay", C.PAID, roles=CLAIM_REVIEWERS, label=_("登记兑付")),
    ),
)

P = Provider.Status
PROVIDER_FLOW = Workflow(
    name="voucher_provider",
    steps=(
        Step(P.APPLIED, "list", P.LISTED, roles=LISTERS, label=_("批准入库")),
        Step(P.APPLIED, "refuse", P.REFUSED, roles=LISTERS, label=_("不予入库"),
             reason_required=True),
        Step(P.LISTED, "delist", P.DELISTED, roles=LISTERS, label=_("出库"),
             reason_required=True),
    ),
)


def _register() -> None:
    register_review_source("voucher", Voucher, VOUCHER_FLOW, _("科技创新券申请"),
                           related=("enterprise",))
    register_review_source("voucher_claim", Claim, CLAIM_FLOW, _("创新券兑付申请"),
                           related=("voucher",))
    register_review_source("voucher_provider", Provider, PROVIDER_FLOW, _("服务机构入库申请"),
                           related=("organisation",))


_register()
