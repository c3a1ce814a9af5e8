"""Services: the submit rules, the flow, draws with 回避, declines, reviews, approval, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError
from kechuang.projects import services
from kechuang.projects.models import (
    Application,
    BudgetLine,
    Draw,
    FormerEmployment,
    Project,
    Recusal,
    ReviewAssignment,
)
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db
SCORES = {"创新性": "90", "可行性": "80", "预期效益": "70"}


def test_submit_lists_every_broken_rule_and_writes_nothing(app_a, users):
    prog = app_a.call.programme
    prog.share_city_pct, prog.share_enterprise_pct = Decimal(40), Decimal(60)
    prog.cap_city_yuan = Decimal(200000)
    prog.save()
    app_a.call.deadline = dt.date(2025, 3, 1)
    app_a.call.save()
    app_a.total_budget_yuan = Decimal(700000)
    app_a.save()
    with pytest.raises(ValidationError) as exc:
        services.submit_application(application=app_a, actor=users["enterprise_a_user"],
                                    as_of=dt.date(2025, 3, 2))
    text = "\n".join(exc.value.messages)
    assert "申报截止日期（2025-03-01）已过" in text
    assert "预算明细合计 600,000.00 元与总预算 700,000.00 元不一致" in text
    assert "申请市财政应占预算的 40%" in text
    assert "超过单项上限 200,000.00 元" in text
    app_a.refresh_from_db()
    assert app_a.status == "draft" and app_a.submitted_at is None


def test_pi_over_limit_and_cofunding_rule(rd_call, app_a, enterprise_a, users):
    prog = rd_call.programme
    prog.cofund_ratio = Decimal(2)
    prog.save()
    fx.application(rd_call, enterprise_a, users["enterprise_a_user"], status="submitted",
                   title="在审项目")
    problems = services.submit_problems(app_a, as_of=dt.date(2025, 1, 1))
    assert any("“王工”已有 1 项在研或在审项目，超过限项（1 项）" in p for p in problems)
    assert any("企业自筹 300,000.00 元低于要求" in p for p in problems)


def test_save_application_sets_county_budget_and_audits(rd_call, enterprise_a, enterprise_b,
                                                        users):
    actor = users["enterprise_a_user"]
    app = services.save_application(actor=actor, data=dict(
        call=rd_call, title="新申报", lead=enterprise_a, pi_name="张工",
        total_budget_yuan=Decimal("100")), partners=[enterprise_b],
        budget=[{"category": "materials", "source": "city", "amount_yuan": "60"},
                {"category": "materials", "source": "enterprise", "amount_yuan": "40"}])
    assert app.county == enterprise_a.county and list(app.partners.all()) == [enterprise_b]
    assert BudgetLine.objects.filter(application=app).count() == 2
    assert ChangeRecord.objects.filter(object_id=str(app.pk)).count() == 2


def test_enterprise_cannot_apply_for_another_organisation(rd_call, enterprise_b, users):
    from kechuang.core.errors import ScopeError

    with pytest.raises(ScopeError):
        services.save_application(actor=users["enterprise_a_user"], data=dict(
            call=rd_call, title="冒名", lead=enterprise_b, pi_name="张工"))
    assert not Application.objects.filter(title="冒名").exists()


def _to_checked(app, users):
    services.submit_application(application=app, actor=users["enterprise_a_user"],
                                as_of=dt.date(2025, 1, 1))
    services.take_step(application=app, actor=users["county_a_staff"], action="recommend")
    return services.take_step(application=app, actor=users["city_staff"], action="pass_check")


def test_flow_county_recommends_city_checks(app_a, users):
    app = _to_checked(app_a, users)
    assert app.status == "checked" and app.public_label == "已受理"


def test_county_b_cannot_recommend_county_a(app_a, users):
    from kechuang.core.errors import ScopeError

    services.submit_application(application=app_a, actor=users["enterprise_a_user"],
                                as_of=dt.date(2025, 1, 1))
    with pytest.raises(ScopeError):
        services.take_step(application=app_a, actor=users["county_b_staff"], action="recommend")


def test_draw_recuses_the_conflicted_expert_with_the_reason(app_a, users, pool):
    app = _to_checked(app_a, users)
    draw = services.run_draw(application=app, actor=users["city_staff"], size=3, reserves=1,
                             seed=42)
    drawn = {*draw.members, *draw.reserves}
    assert pool["conflicted"].pk not in drawn and len(draw.members) == 3
    ex = draw.exclusions.get(expert_profile=pool["conflicted"])
    assert ex.conflicted and "同一单位" in ex.reasons[0] and "长治甲科技有限公司" in ex.reasons[0]
    assert Recusal.objects.filter(application=app, expert_profile=pool["conflicted"]).exists()
    app.refresh_from_db()
    assert app.status == "reviewing"
    # the recorded draw replays to the same group
    again = services.replay_draw(draw)
    assert list(again.members) == draw.members and list(again.reserves) == draw.reserves


def test_former_employer_is_a_conflict(app_a, users, pool, enterprise_a):
    FormerEmployment.objects.create(expert_profile=pool["mine"], organisation=enterprise_a,
                                    ended=dt.date(2024, 1, 1))
    found = services.conflicts_of(pool["mine"], app_a, as_of=dt.date(2025, 6, 1))
    assert [c.kind for c in found] == ["former_employer"]


def test_too_small_pool_draws_nothing(app_a, users, pool):
    app = _to_checked(app_a, users)
    with pytest.raises(DomainError):
        services.run_draw(application=app, actor=users["city_staff"], size=5, seed=1)
    assert not Draw.objects.exists()


def test_decline_invites_the_next_reserve_and_review_scores(app_a, users, pool):
    app = _to_checked(app_a, users)
    draw = services.run_draw(application=app, actor=users["city_staff"], size=2, reserves=2,
                             seed=7)
    first = ReviewAssignment.objects.get(draw=draw, expert_profile_id=draw.members[0])
    reserve_id = draw.reserves[0]
    sub = services.decline_assignment(assignment=first, actor=first.expert_profile.user,
                                      reason="出差")
    assert sub.expert_profile_id == reserve_id and sub.status == "invited"
    assert sub.reviewer == sub.expert_profile.user
    first.refresh_from_db()
    assert first.status == "declined" and first.reviewer is None
    draw.refresh_from_db()
    assert draw.members[0] == reserve_id and draw.substitutions[0]["substitute"] == reserve_id
    # review: accept first, weighted total
    with pytest.raises(DomainError):
        services.submit_review(assignment=sub, actor=sub.reviewer, scores=SCORES, opinion="好")
    services.accept_assignment(assignment=sub, actor=sub.reviewer)
    with pytest.raises(ValidationError) as exc:
        services.submit_review(assignment=sub, actor=sub.reviewer, scores={"创新性": "120"},
                               opinion="")
    assert "“创新性”的得分须为 0–100 之间的数" in exc.value.messages
    review = services.submit_review(assignment=sub, actor=sub.reviewer, scores=SCORES,
                                    opinion="创新性强")
    assert review.total == Decimal("81.00")


def test_approval_needs_every_review_then_creates_the_project(app_a, users, pool):
    from kechuang.workflow.services import TransitionError

    app = _to_checked(app_a, users)
    draw = services.run_draw(application=app, actor=users["city_staff"], size=2, seed=3)
    with pytest.raises(TransitionError, match="未提交评审意见"):
        services.approve_application(application=app, actor=users["city_staff"], reason="同意")
    for a in ReviewAssignment.objects.filter(draw=draw, status="invited"):
        services.accept_assignment(assignment=a, actor=a.reviewer)
        services.submit_review(assignment=a, actor=a.reviewer, scores=SCORES, opinion="可")
    project = services.approve_application(application=app, actor=users["city_staff"],
                                           reason="会审同意", on=dt.date(2025, 7, 1))
    assert project.approved_city_yuan == Decimal(300000) and project.level == "key_rd_project"
    app.refresh_from_db()
    assert app.status == "approved" and app.decided_by == users["city_staff"]
    assert Project.objects.count() == 1


def test_overriding_a_conflict_needs_a_reason_and_is_audited(app_a, users, pool):
    app = _to_checked(app_a, users)
    who = pool["conflicted"].pk
    with pytest.raises(DomainError, match="解除回避须逐一填写理由"):
        services.run_draw(application=app, actor=users["city_staff"], size=5, seed=4,
                          overrides={who: " "})
    draw = services.run_draw(application=app, actor=users["city_staff"], size=5, seed=4,
                             overrides={who: "本领域仅此一位专家，经分管领导同意"})
    assert who in draw.members and draw.rules["overrides"] == {
        str(who): "本领域仅此一位专家，经分管领导同意"}
    assert not Recusal.objects.filter(expert_profile_id=who).exists()
    record = ChangeRecord.objects.get(object_id=str(draw.pk), action="create",
                                      content_type__model="draw")
    assert "解除回避：专家乙（本领域仅此一位专家" in record.reason
    assert list(services.replay_draw(draw).members) == draw.members


def test_todo_lists_hold_decisions_not_drafts(app_a, app_b, users):
    from kechuang.workflow.selectors import todo_list
    from kechuang.workflow.services import REVIEW_SOURCES

    source = REVIEW_SOURCES["rd_application"]
    assert not todo_list(user=users["city_staff"], source=source).exists()
    services.submit_application(application=app_a, actor=users["enterprise_a_user"],
                                as_of=dt.date(2025, 1, 1))
    assert list(todo_list(user=users["county_a_staff"], source=source)) == [app_a]
    assert not todo_list(user=users["county_b_staff"], source=source).exists()
