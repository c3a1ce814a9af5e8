"""The approval flow of county fiscal S&T reports, as data (style.md §4).

submitted → approved | rejected (the city); rejected → submitted again when the county
corrects and refiles it (``resubmit``, taken by the service that saves the correction).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import roles_with
from kechuang.rdinput.models import FiscalReport
from kechuang.workflow.services import Step, Workflow, notify_reviewers, register_review_source

S = FiscalReport.Status
REVIEWERS = roles_with("approve", FiscalReport)  # the city roles
FILERS = roles_with("change", FiscalReport)


def _reviewed(obj: Any, actor: Any, reason: str) -> None:
    obj.reviewed_by = actor
    obj.reviewed_at = timezone.now()
    obj.review_note = reason[:500]


def _has_evidence(obj: Any, actor: Any) -> str | None:
    """A report filed by Excel import carries the document's name but no file yet: the city
    approves only a report whose finance-bureau document is uploaded."""
    if obj.evidence.exists():
        return None
    return str(_("尚未上传财政部门文件，不能审核通过；请县区在报告中上传后再审核"))


def _reopened(obj: Any, actor: Any, reason: str) -> None:
    obj.reviewed_by = None
    obj.reviewed_at = None


FISCAL_FLOW = Workflow(
    name="fiscal_st_report",
    steps=(
        Step(S.SUBMITTED, "approve", S.APPROVED, roles=REVIEWERS, label=_("通过"),
             effect=_reviewed, guard=_has_evidence),
        Step(S.SUBMITTED, "reject", S.REJECTED, roles=REVIEWERS, label=_("退回"),
             effect=_reviewed, reason_required=True),
        Step(S.REJECTED, "resubmit", S.SUBMITTED, roles=FILERS, label=_("重新提交"),
             effect=_reopened, scope_action="change"),
    ),
    forbid_self=frozenset({"approve", "reject"}),
    submitted_by="submitted_by",
)


def notify_submitted(report: FiscalReport) -> int:
    return notify_reviewers(report, workflow=FISCAL_FLOW,
                            title=str(_("待审核：县区财政科技投入 %(r)s") % {"r": report}),
                            url=report.get_absolute_url())


def _register() -> None:
    register_review_source("fiscal_st_report", FiscalReport, FISCAL_FLOW, _("县区财政科技投入"),
                           related=("county", "submitted_by"))


_register()
