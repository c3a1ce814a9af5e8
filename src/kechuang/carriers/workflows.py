"""The state flows of platforms and evaluations, as data (style.md §4).

Platform: 筹建 → 运行; 筹建/运行 → 撤销 | 摘牌 (the services date the end).
Evaluation: 待填报/已退回 → 已提交 (the host or the bureau) → 已评定 | 已退回 (the bureau).
Campaign: 填报中 → 已结束.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import roles_with
from kechuang.carriers.models import Campaign, Evaluation, Platform
from kechuang.workflow.services import Step, Workflow, register_review_source

P = Platform.Status
E = Evaluation.Status
BUREAU = roles_with("approve", Platform)  # the city bureau
FILLERS = roles_with("change", Evaluation)  # the bureau and the hosts
GRADERS = roles_with("approve", Evaluation)

PLATFORM_FLOW = Workflow(
    name="carriers_platform",
    steps=(
        Step(P.PLANNING, "operate", P.OPERATING, roles=BUREAU, label=_("转为运行")),
        Step(P.PLANNING, "revoke", P.REVOKED, roles=BUREAU, label=_("撤销"),
             reason_required=True),
        Step(P.OPERATING, "revoke", P.REVOKED, roles=BUREAU, label=_("撤销"),
             reason_required=True),
        Step(P.OPERATING, "delist", P.DELISTED, roles=BUREAU, label=_("摘牌"),
             reason_required=True),
    ),
)


def _submitted(obj: Any, actor: Any, reason: str) -> None:
    obj.submitted_by = actor
    obj.submitted_at = timezone.now()


def _graded(obj: Any, actor: Any, reason: str) -> None:
    obj.graded_by = actor
    obj.graded_at = timezone.now()


EVALUATION_FLOW = Workflow(
    name="carriers_evaluation",
    steps=(
        Step(E.PENDING, "submit", E.SUBMITTED, roles=FILLERS, label=_("提交"),
             effect=_submitted, scope_action="change"),
        Step(E.RETURNED, "submit", E.SUBMITTED, roles=FILLERS, label=_("提交"),
             effect=_submitted, scope_action="change"),
        Step(E.SUBMITTED, "grade", E.GRADED, roles=GRADERS, label=_("评定"), effect=_graded),
        Step(E.SUBMITTED, "return", E.RETURNED, roles=GRADERS, label=_("退回修改"),
             reason_required=True),
    ),
)

CAMPAIGN_FLOW = Workflow(
    name="carriers_campaign",
    steps=(Step(Campaign.Status.OPEN, "close", Campaign.Status.CLOSED,
                roles=roles_with("approve", Campaign), label=_("结束评价")),),
)


def _register() -> None:
    register_review_source("carriers_evaluation", Evaluation, EVALUATION_FLOW,
                           _("平台年度绩效评价"), related=("platform", "campaign"))


_register()
