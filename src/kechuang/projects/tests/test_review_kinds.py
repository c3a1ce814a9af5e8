"""Technical and budget (财务) reviews kept apart: a budget group drawn on the call's budget
fields with the same 回避, score sheets on the budget criteria, each kind summarised apart
and the ranking rule configurable on the call (default: technical ranks, as before)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kechuang.core.errors import DomainError
from kechuang.projects import selectors, services
from kechuang.projects.models import Draw, Review, ReviewAssignment
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db

BUDGET = [{"name": "预算合理性", "weight": 60}, {"name": "经费匹配", "weight": 40}]


@pytest.fixture
def budget_pool(users, enterprise_a, county_a):
    """Three 财务 experts with logins, and one at the lead enterprise (conflicted)."""
    from conftest import make_enterprise
    from kechuang.accounts.models import User

    firm = make_enterprise(county_a, "长治会计师事务所", 20, kind="other", industry_code="M72")
    role = users["expert"].role
    out = {}
    for i in range(3):
        out[f"cpa{i}"] = fx.expert(f"会计师{i}", org=firm, fields="财务,审计",
                                   user=User.objects.create_user(
                                       username=f"cpa{i}", password="Kc-test-Pass-2025",
                                       role=role))
    out["lead_cfo"] = fx.expert("甲企业财务总监", org=enterprise_a, fields="财务",
                                user=User.objects.create_user(
                                    username="cfo", password="Kc-test-Pass-2025", role=role))
    return out


def _reviewing(app, users):
    services.submit_application(application=app, actor=users["enterprise_a_user"],
                                as_of=dt.date(2025, 1, 1))
    services.take_step(application=app, actor=users["county_a_staff"], action="recommend")
    services.take_step(application=app, actor=users["city_staff"], action="pass_check")


def _score_all(app, kind, value, opinion="意见"):
    call = app.call
    for a in ReviewAssignment.objects.filter(application=app, draw__kind=kind,
                                             status="invited").select_related("reviewer"):
        services.accept_assignment(assignment=a, actor=a.reviewer)
        services.submit_review(assignment=a, actor=a.reviewer, opinion=opinion, scores={
            name: str(value) for name, _w in call.criteria_list(kind)})


def test_budget_draw_needs_budget_criteria_and_draws_from_the_budget_fields(
        users, rd_call, app_a, pool, budget_pool):
    _reviewing(app_a, users)
    staff = users["city_staff"]
    with pytest.raises(DomainError, match="未设财务评审指标"):
        services.run_draw(application=app_a, actor=staff, size=2, kind="budget", seed=1)
    rd_call.budget_criteria = BUDGET
    rd_call.save()
    tech = services.run_draw(application=app_a, actor=staff, size=2, reserves=0, seed=1,
                             as_of=dt.date(2025, 6, 1))
    budget = services.run_draw(application=app_a, actor=staff, size=2, reserves=1, seed=1,
                               kind="budget", as_of=dt.date(2025, 6, 1))
    assert tech.kind == "technical" and budget.kind == "budget"
    cpas = {budget_pool[f"cpa{i}"].pk for i in range(3)}
    assert set(budget.members) | set(budget.reserves) <= cpas
    assert not set(tech.members) & cpas  # 财务 experts lack the call's technical fields
    # the same 回避: the lead enterprise's finance director is recused with the reason
    why = budget.exclusions.get(expert_profile=budget_pool["lead_cfo"])
    assert why.conflicted and any("同一单位" in r for r in why.reasons)
    assert budget.rules["kind"] == "budget" and budget.rules["fields"] == ["会计", "审计", "财务"]
    assert services.replay_draw(budget).members == tuple(budget.members)
    # one live group of each kind
    with pytest.raises(DomainError, match="已有财务评审专家组"):
        services.run_draw(application=app_a, actor=staff, size=2, kind="budget", seed=2)


def test_score_sheets_follow_the_group_kind_and_the_ranking_keeps_kinds_apart(
        users, rd_call, app_a, pool, budget_pool, enterprise_b):
    rd_call.budget_criteria = BUDGET
    rd_call.save()
    app_b = fx.application(rd_call, enterprise_b, users["enterprise_b_user"], title="乙项目",
                           pi_name="李工")
    _reviewing(app_a, users)
    services.submit_application(application=app_b, actor=users["enterprise_b_user"],
                                as_of=dt.date(2025, 1, 1))
    services.take_step(application=app_b, actor=users["county_b_staff"], action="recommend")
    services.take_step(application=app_b, actor=users["city_staff"], action="pass_check")
    staff = users["city_staff"]
    for app in (app_a, app_b):
        services.run_draw(application=app, actor=staff, size=2, reserves=0, seed=3,
                          as_of=dt.date(2025, 6, 1))
        services.run_draw(application=app, actor=staff, size=2, reserves=0, seed=3,
                          kind="budget", as_of=dt.date(2025, 6, 1))
    # a budget reviewer's sheet is the budget criteria: a technical one is refused
    a = ReviewAssignment.objects.filter(application=app_a, draw__kind="budget").first()
    services.accept_assignment(assignment=a, actor=a.reviewer)
    with pytest.raises(Exception, match="预算合理性"):
        services.submit_review(assignment=a, actor=a.reviewer, opinion="x",
                               scores={"创新性": "90", "可行性": "80", "预期效益": "70"})
    review = services.submit_review(assignment=a, actor=a.reviewer, opinion="预算偏高",
                                    scores={"预算合理性": "50", "经费匹配": "100"})
    assert review.total == Decimal("70.00") and set(review.scores) == {"预算合理性", "经费匹配"}
    a.refresh_from_db()
    other = ReviewAssignment.objects.get(application=app_a, draw__kind="budget",
                                         reviewer__isnull=False, status="invited")
    services.accept_assignment(assignment=other, actor=other.reviewer)
    services.submit_review(assignment=other, actor=other.reviewer, opinion="合理",
                           scores={"预算合理性": "70", "经费匹配": "70"})
    _score_all(app_a, "technical", 80)
    _score_all(app_b, "technical", 90)
    _score_all(app_b, "budget", 40)
    # default (weight 0): technical ranks — b (90) before a (80); budget shown apart
    rows = selectors.call_ranking(user=staff, call=rd_call)
    assert [r["app"].pk for r in rows] == [app_b.pk, app_a.pk]
    by_app = {r["app"].pk: r for r in rows}
    assert by_app[app_a.pk]["trimmed"] == Decimal("80.00") and by_app[app_a.pk]["count"] == 2
    assert by_app[app_a.pk]["budget"]["trimmed"] == Decimal("70.00")
    assert by_app[app_b.pk]["budget"]["trimmed"] == Decimal("40.00")
    # a weighted call: 50 % budget → a 75, b 65
    rd_call.budget_weight = 50
    rd_call.save()
    rows = selectors.call_ranking(user=staff, call=rd_call)
    assert [(r["app"].pk, r["score"]) for r in rows] == [(app_a.pk, Decimal("75.00")),
                                                          (app_b.pk, Decimal("65.00"))]
    client = APIClient()
    client.force_login(staff)
    html = client.get(reverse("projects:call_ranking", args=[rd_call.pk])).content.decode()
    assert 'data-testid="overall-score">75.00' in html and "综合得分" in html
    html = client.get(reverse("projects:application_detail", args=[app_a.pk])).content.decode()
    assert html.count('data-testid="review-summary"') == 2 and "财务评审" in html


def test_ranking_without_budget_criteria_is_unchanged(users, rd_call, app_a, pool):
    _reviewing(app_a, users)
    services.run_draw(application=app_a, actor=users["city_staff"], size=2, reserves=0, seed=5,
                      as_of=dt.date(2025, 6, 1))
    _score_all(app_a, "technical", 77)
    (row,) = selectors.call_ranking(user=users["city_staff"], call=rd_call)
    assert row["score"] == row["trimmed"] == Decimal("77.00") and row["budget"] == {"count": 0}
    assert Draw.objects.get().kind == "technical"


def test_no_expert_sees_another_experts_scores_of_either_kind(
        users, rd_call, app_a, pool, budget_pool):
    """Before and after submitting: an expert reads their own sheet only (page and API)."""
    rd_call.budget_criteria, rd_call.blind = BUDGET, True
    rd_call.save()
    _reviewing(app_a, users)
    staff = users["city_staff"]
    services.run_draw(application=app_a, actor=staff, size=2, reserves=0, seed=7,
                      as_of=dt.date(2025, 6, 1))
    services.run_draw(application=app_a, actor=staff, size=2, reserves=0, seed=7,
                      kind="budget", as_of=dt.date(2025, 6, 1))
    _score_all(app_a, "technical", 88, opinion="技术意见保密")
    b = ReviewAssignment.objects.filter(application=app_a, draw__kind="budget").first()
    client = APIClient()
    client.force_login(b.reviewer)
    services.accept_assignment(assignment=b, actor=b.reviewer)
    page = client.get(reverse("projects:review", args=[b.pk])).content.decode()
    assert "技术意见保密" not in page and "88" not in page
    assert 'data-testid="review-kind">财务评审' in page and "预算合理性" in page
    assert app_a.lead.name not in page  # blind call: no identity for the budget group either
    assert client.get("/api/v1/rd-reviews/").json()["count"] == 0
    detail = client.get(reverse("projects:application_detail", args=[app_a.pk]))
    assert "技术意见保密" not in detail.content.decode()
    services.submit_review(assignment=b, actor=b.reviewer, opinion="预算意见",
                           scores={"预算合理性": "60", "经费匹配": "60"})
    body = client.get("/api/v1/rd-reviews/").json()
    assert [r["opinion"] for r in body["results"]] == ["预算意见"]
    assert Review.objects.count() == 3
    assert client.get("/api/v1/rd-assignments/").json()["results"][0]["kind"] == "budget"


@pytest.fixture
def dual_pool(users, county_a):
    """Six experts whose fields match both the technical and the budget fields."""
    from conftest import make_enterprise

    firm = make_enterprise(county_a, "长治双栖咨询有限公司", 20, kind="other",
                           industry_code="M72")
    return [fx.expert(f"双领域专家{i}", org=firm, fields="人工智能,财务") for i in range(6)]


@pytest.mark.parametrize("seed", range(8))
def test_an_expert_is_never_in_both_groups_of_one_application(
        users, rd_call, app_a, dual_pool, seed):
    """Property over seeds: whichever kind is drawn first, the other kind's draw leaves out
    its members and reserves with the reason recorded, and replays to the same group."""
    _reviewing(app_a, users)
    rd_call.budget_criteria = BUDGET
    rd_call.save()
    staff = users["city_staff"]
    first, second = ("technical", "budget") if seed % 2 else ("budget", "technical")
    a = services.run_draw(application=app_a, actor=staff, size=2, reserves=1, seed=seed,
                          kind=first, as_of=dt.date(2025, 6, 1))
    b = services.run_draw(application=app_a, actor=staff, size=2, reserves=1, seed=seed + 100,
                          kind=second, as_of=dt.date(2025, 6, 1))
    taken = set(a.members) | set(a.reserves)
    assert not taken & (set(b.members) | set(b.reserves))
    label = {"technical": "技术评审", "budget": "财务评审"}[first]
    for key in taken:
        why = b.exclusions.get(expert_profile_id=key)
        assert why.reasons == [f"已在本申报的{label}专家组"] and not why.conflicted
    assert {int(k) for k in b.rules["other_group"]} == taken
    # not a 回避: no recusal, the expert still reads the application in their own group
    assert not app_a.recusals.filter(expert_profile_id__in=taken).exists()
    replay = services.replay_draw(b)
    assert (replay.members, replay.reserves) == (tuple(b.members), tuple(b.reserves))


def test_too_few_left_after_the_other_group_is_refused(users, rd_call, app_a, dual_pool):
    _reviewing(app_a, users)
    rd_call.budget_criteria = BUDGET
    rd_call.save()
    staff = users["city_staff"]
    services.run_draw(application=app_a, actor=staff, size=4, reserves=1, seed=3,
                      as_of=dt.date(2025, 6, 1))
    with pytest.raises(DomainError, match="不足 2 位"):
        services.run_draw(application=app_a, actor=staff, size=2, kind="budget", seed=3,
                          as_of=dt.date(2025, 6, 1))
    assert not Draw.objects.filter(application=app_a, kind="budget").exists()
