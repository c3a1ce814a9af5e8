"""The demo data of 行动二: carry-overs, this year's flow, and the action-2 indicators counted
from them (the figures the dashboard shows after ``make run``)."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang import metrics
from kechuang.projects.demo import seed_projects
from kechuang.projects.models import Application, DrawExclusion, Project, ReviewAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(regions):
    from kechuang.orgs.demo import load_demo
    from kechuang.plans.services import load_plan

    load_demo(seed=2025, enterprises=400)
    load_plan()


def _value(key: str) -> int:
    return int(metrics.get(key).value(year=2025, as_of=dt.date(2025, 12, 31)))


def test_demo_fills_every_action_2_indicator_and_is_idempotent(demo_world):
    carried, apps = seed_projects(seed=2025)
    assert carried == 50 and apps == 49
    assert _value("carryover_major_2024") == 10
    assert _value("carryover_key_rd_2024") == 22
    assert _value("carryover_basic_joint_2024") == 18
    assert _value("major_and_key_projects_new") == 18
    assert _value("rd_projects_total") == 34
    assert _value("luan_cooperation_projects") >= 18
    assert set(Application.objects.values_list("status", flat=True)) == {
        "draft", "submitted", "recommended", "returned", "checked", "reviewing", "approved",
        "rejected"}
    assert ReviewAssignment.objects.filter(review__isnull=False).count() >= 34 * 3
    # the experts of a lead enterprise were recused with the reason recorded
    recused = DrawExclusion.objects.filter(conflicted=True)
    assert any("同一单位" in r for x in recused for r in x.reasons)
    # some carry-overs are past their planned end while still running (overdue)
    assert Project.objects.filter(carried_over=True, ends_on__lt=dt.date(2025, 12, 31),
                                  stage__in=("running", "midterm")).exists()
    # the screens after approval: the ledger, reports, mid-term checks, an accepted carry-over
    from kechuang.projects.models import Acceptance, ChangeRequest, Disbursement, ProgressReport

    assert Disbursement.objects.filter(project__carried_over=True).exists()
    assert Disbursement.objects.filter(instalment__condition="midterm").exists()
    assert ProgressReport.objects.filter(kind="progress").exists()
    assert ProgressReport.objects.filter(kind="midterm", status="passed").exists()
    assert ProgressReport.objects.filter(kind="midterm", status="submitted").exists()
    assert Project.objects.filter(carried_over=True, stage="accepted").exists()
    assert Acceptance.objects.filter(conclusion="").exists()
    assert ChangeRequest.objects.filter(status="approved").exists()
    # a call with a budget (财务) group besides the technical one, scored apart
    from kechuang.projects.models import AcceptanceOpinion, Call, Review

    call = Call.objects.get(year=2025, budget_weight__gt=0)
    assert call.budget_criteria and Review.objects.filter(
        assignment__draw__kind="budget", assignment__application__call=call).count() >= 12 * 2
    assert not Review.objects.filter(assignment__draw__kind="budget").exclude(
        assignment__application__call=call).exists()
    # experts' acceptance opinions: before the conclusions, and on one still waiting
    assert AcceptanceOpinion.objects.filter(task__acceptance__conclusion="passed").exists()
    waiting = AcceptanceOpinion.objects.filter(task__acceptance__conclusion="")
    assert waiting.count() == 2 and waiting.filter(recommendation="closed").exists()
    # the calls ask for attachments; every submitted application carries them (a draft
    # misses one), as small generated PDFs; carry-overs owe reports, some overdue
    from kechuang.projects import services
    from kechuang.projects.models import ApplicationAttachment, ReportDue

    assert all(c.attachment_requirements() for c in Call.objects.filter(year=2025))
    for app in Application.objects.exclude(status="draft"):
        assert services.attachment_messages(app) == []
    draft = Application.objects.filter(status="draft").first()
    assert services.attachment_messages(draft) == ["缺少申报附件“合作协议”（PDF）"]
    att = ApplicationAttachment.objects.first()
    with att.file.open("rb") as f:
        assert f.read().startswith(b"%PDF-1.4")
    assert ReportDue.objects.filter(report__isnull=False).exists()
    assert ReportDue.objects.filter(report__isnull=True, due_on__lt=dt.date(2025, 12, 31),
                                    project__stage__in=("running", "midterm")).exists()
    assert seed_projects(seed=2025) == (0, 0)


def test_demo_without_a_plan_does_nothing(regions):
    assert seed_projects() == (0, 0)
