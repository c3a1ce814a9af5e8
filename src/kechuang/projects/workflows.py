"""The application flow as data (style.md §4): draft → submit → county recommendation →
city formal check (may return for correction) → expert review → approval or rejection.

The roles come from the scopes (no role names here): applicants are the roles that may add
applications, recommenders those that may approve them (county staff for their county, the
city for all), and the city's deciders those that run expert draws.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import roles_with
from kechuang.projects.models import (
    AcceptanceTask,
    Application,
    ChangeRequest,
    Draw,
    ProgressReport,
    ReviewAssignment,
)
from kechuang.workflow.services import Step, Workflow, register_review_source

APPLICANTS = roles_with("add", Application)
RECOMMENDERS = roles_with("approve", Application)
DECIDERS = roles_with("approve", Draw)


def _submitted(obj: Any, actor: Any, reason: str) -> None:
    obj.submitted_at = timezone.now()


def _decided(obj: Any, actor: Any, reason: str) -> None:
    obj.decided_by = actor
    obj.decision_note = reason[:500]


def reviews_complete(obj: Any, actor: Any) -> str | None:
    """Every live member of the review group has submitted a score sheet (and there is one)."""
    live = obj.assignments.filter(status__in=("invited", "accepted"))
    if not live.exists():
        return str(_("尚未抽取评审专家"))
    missing = live.filter(review__isnull=True).count()
    if missing:
        return str(_("还有%(n)s位评审专家未提交评审意见") % {"n": missing})
    return None


# The submit rules (deadline, budget, shares, 限项 …) need the date they are judged on, so
# projects.services.submit_application checks them on the locked row before this step.
APPLICATION_FLOW = Workflow(
    name="rd_application",
    steps=(
        Step("draft", "submit", "submitted", roles=APPLICANTS, label=_("提交"),
             effect=_submitted, scope_action="change"),
        Step("returned", "submit", "submitted", roles=APPLICANTS, label=_("提交"),
             effect=_submitted, scope_action="change"),
        Step("submitted", "recommend", "recommended", roles=RECOMMENDERS, label=_("推荐")),
        Step("submitted", "return", "returned", roles=RECOMMENDERS, label=_("退回修改"),
             reason_required=True),
        Step("recommended", "pass_check", "checked", roles=DECIDERS, label=_("形式审查通过")),
        Step("recommended", "return", "returned", roles=DECIDERS, label=_("退回修改"),
             reason_required=True),
        Step("checked", "start_review", "reviewing", roles=DECIDERS, label=_("进入专家评审")),
        Step("reviewing", "approve", "approved", roles=DECIDERS, label=_("立项"),
             guard=reviews_complete, effect=_decided, reason_required=True),
        Step("reviewing", "reject", "rejected", roles=DECIDERS, label=_("不予立项"),
             effect=_decided, reason_required=True),
    ),
    forbid_self=frozenset({"recommend", "pass_check", "approve", "reject"}),
    submitted_by="submitted_by",
)


EXPERTS = roles_with("change", ReviewAssignment)


def _responded(obj: Any, actor: Any, reason: str) -> None:
    obj.responded_at = timezone.now()


def _left(obj: Any, actor: Any, reason: str) -> None:
    """A declining expert's place is no longer live: the application leaves their scope."""
    obj.responded_at = timezone.now()
    obj.reviewer = None


def _no_review_yet(obj: Any, actor: Any) -> str | None:
    return str(_("已提交评审意见，不能谢绝")) if hasattr(obj, "review") else None


def _place_flow(name: str, roles: Any, guard: Any) -> Workflow:
    """An expert's place in a drawn group: accept, or decline until they have answered
    (``guard``); the reserve is invited by projects.services (the draw's record says who
    replaced whom)."""
    return Workflow(
        name=name,
        steps=(
            Step("invited", "accept", "accepted", roles=roles, label=_("接受"),
                 effect=_responded, scope_action="change"),
            Step("invited", "decline", "declined", roles=roles, label=_("谢绝"),
                 effect=_left, scope_action="change"),
            Step("accepted", "decline", "declined", roles=roles, label=_("谢绝"),
                 effect=_left, guard=guard, scope_action="change"),
        ),
        submitted_by="reviewer",
    )


ASSIGNMENT_FLOW = _place_flow("rd_review_assignment", EXPERTS, _no_review_yet)


ACCEPTANCE_EXPERTS = roles_with("change", AcceptanceTask)


def _no_opinion_yet(obj: Any, actor: Any) -> str | None:
    return str(_("已提交验收意见，不能谢绝")) if hasattr(obj, "opinion") else None


ACCEPTANCE_TASK_FLOW = _place_flow("rd_acceptance_task", ACCEPTANCE_EXPERTS, _no_opinion_yet)


CHANGE_DECIDERS = roles_with("approve", ChangeRequest)

# A change request (PI, budget reallocation, extension) filed by the project's organisation
# or the city; the city decides, never on its own request. What an approval changes on the
# project is written by projects.services.decide_change in the same transaction.
CHANGE_FLOW = Workflow(
    name="rd_project_change",
    steps=(
        Step("submitted", "approve", "approved", roles=CHANGE_DECIDERS, label=_("同意变更"),
             effect=_decided, reason_required=True),
        Step("submitted", "reject", "rejected", roles=CHANGE_DECIDERS, label=_("不同意变更"),
             effect=_decided, reason_required=True),
    ),
    forbid_self=frozenset({"approve", "reject"}),
)


def _checked(obj: Any, actor: Any, reason: str) -> None:
    obj.checked_by = actor
    obj.check_note = reason[:500]


# The city's mid-term check of a mid-term report; passing it is written onto the project
# (midterm_passed_on, which releases the later instalments) by projects.services.check_midterm.
MIDTERM_FLOW = Workflow(
    name="rd_midterm_check",
    steps=(
        Step("submitted", "pass", "passed", roles=roles_with("approve", ProgressReport),
             label=_("中期检查通过"), effect=_checked, reason_required=True),
        Step("submitted", "fail", "failed", roles=roles_with("approve", ProgressReport),
             label=_("中期检查不通过"), effect=_checked, reason_required=True),
    ),
    forbid_self=frozenset({"pass", "fail"}),
)


# The to-do lists and review notices read the decision steps only: a draft waiting for its
# applicant's submission is nobody's decision (and not the city's to-do).
DECISIONS = Workflow(name=APPLICATION_FLOW.name,
                     steps=tuple(s for s in APPLICATION_FLOW.steps if s.action != "submit"),
                     forbid_self=APPLICATION_FLOW.forbid_self,
                     submitted_by=APPLICATION_FLOW.submitted_by)


def _register() -> None:
    register_review_source("rd_application", Application, DECISIONS, _("项目申报"),
                           related=("call", "lead"))
    register_review_source("rd_project_change", ChangeRequest, CHANGE_FLOW, _("项目变更"),
                           related=("project",))


_register()
