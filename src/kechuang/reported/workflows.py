"""The approval flow of reported values, as data (style.md §4)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import roles_with
from kechuang.reported.models import ReportedValue
from kechuang.workflow.services import Step, Workflow, notify_reviewers, register_review_source

S = "submitted"
REVIEWERS = roles_with("approve", ReportedValue)  # the city roles


def _reviewed(obj: Any, actor: Any, reason: str) -> None:
    obj.reviewed_by = actor
    obj.reviewed_at = timezone.now()
    obj.review_note = reason[:500]


REPORTED_FLOW = Workflow(
    name="reported_value",
    steps=(
        Step(S, "approve", "approved", roles=REVIEWERS, label=_("通过"), effect=_reviewed),
        Step(S, "reject", "rejected", roles=REVIEWERS, label=_("退回"), effect=_reviewed,
             reason_required=True),
    ),
    forbid_self=frozenset({"approve", "reject"}),
    submitted_by="submitted_by",
)


def notify_submitted(value: Any) -> int:
    """Tell the users who can approve a submitted value (city staff for a county's value,
    not the submitter) that it waits for them; the recipients come from ``REPORTED_FLOW``."""
    return notify_reviewers(value, workflow=REPORTED_FLOW,
                            title=str(_("待审核：指标上报 %(value)s") % {"value": value}),
                            url=value.get_absolute_url())


def _register() -> None:
    register_review_source("reported", ReportedValue, REPORTED_FLOW, _("指标上报"),
                           related=("indicator", "county", "submitted_by"))


_register()
