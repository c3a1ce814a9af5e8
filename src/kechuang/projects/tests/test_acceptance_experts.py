"""Acceptance experts on their own pages: the drawn group becomes tasks, an expert accepts
(or declines — a reserve takes the place), rates each 考核指标 and recommends a conclusion;
the city sees the opinions and decides (who and why kept); the 验收意见 .docx carries the
opinions. An expert sees only their own tasks: 404 otherwise, and 404 where conflicted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from kechuang.core.errors import DomainError, ScopeError
from kechuang.projects import services
from kechuang.projects.models import AcceptanceOpinion, AcceptanceTask, Relation
from kechuang.projects.tests import fixtures as fx
from kechuang.projects.tests.test_lifecycle import _docx_text, pdf

pytestmark = pytest.mark.django_db
TARGETS = ["申请发明专利2项", "形成示范线1条"]


@pytest.fixture
def acceptance(enterprise_a, users, pool):
    project = fx.project(enterprise_a, targets="\n".join(TARGETS))
    acc = services.apply_for_acceptance(project=project, actor=users["enterprise_a_user"],
                                        evaluation=[{"target": t, "achieved": "完成",
                                                     "met": True} for t in TARGETS],
                                        audit_report=pdf())
    return services.draw_acceptance_group(acceptance=acc, actor=users["city_staff"], size=3,
                                          reserves=1, seed=11, as_of=dt.date(2026, 6, 1))


def _live(acc):
    return list(AcceptanceTask.objects.filter(acceptance=acc, status="invited")
                .select_related("reviewer").order_by("rank"))


def test_the_drawn_group_becomes_tasks_and_the_conflicted_expert_has_none(acceptance, pool,
                                                                          users, client_for):
    tasks = AcceptanceTask.objects.filter(acceptance=acceptance)
    assert sorted(t.expert_profile_id for t in tasks if t.status == "invited") == sorted(
        acceptance.group)
    assert [t.expert_profile_id for t in tasks if t.status == "reserve"] == acceptance.reserves
    assert not tasks.filter(expert_profile=pool["conflicted"]).exists()
    conflicted = client_for(pool["conflicted"].user)
    listing = conflicted.get(reverse("projects:acceptance_task_list")).content.decode()
    assert acceptance.project.title not in listing
    for t in tasks:
        assert conflicted.get(reverse("projects:acceptance_task", args=[t.pk])).status_code == 404
    reserve = tasks.get(status="reserve")
    assert client_for(reserve.expert_profile.user).get(
        reverse("projects:acceptance_task", args=[reserve.pk])).status_code == 404


def test_expert_accepts_rates_each_target_and_staff_decide(acceptance, users, client_for):
    first, second, third = _live(acceptance)
    client = client_for(first.reviewer)
    url = reverse("projects:acceptance_task", args=[first.pk])
    html = client.get(reverse("projects:acceptance_task_list")).content.decode()
    assert html.count('data-testid="acceptance-task-row"') == 1
    # another expert's task is not there: 404
    assert client.get(reverse("projects:acceptance_task", args=[second.pk])).status_code == 404
    assert client.post(reverse("projects:acceptance_task_accept",
                               args=[second.pk])).status_code == 404
    page = client.get(url).content.decode()
    assert "请先接受验收任务" in page and "self-evaluation" not in page
    client.post(reverse("projects:acceptance_task_accept", args=[first.pk]))
    page = client.get(url).content.decode()
    assert 'data-testid="self-evaluation"' in page and TARGETS[1] in page
    # every problem at once, nothing written
    with pytest.raises(ValidationError) as exc:
        services.submit_acceptance_opinion(task=first, actor=first.reviewer,
                                           ratings={TARGETS[0]: "met"}, recommendation="",
                                           opinion=" ")
    assert exc.value.messages == [f"请评价考核指标“{TARGETS[1]}”的完成情况", "请选择建议结论",
                                  "请填写验收意见"]
    resp = client.post(url, {"rating_0": "met", "rating_1": "partly",
                             "recommendation": "closed", "opinion": "示范线尚未满负荷，建议结题"})
    assert resp.status_code == 302
    mine = AcceptanceOpinion.objects.get(task=first)
    assert mine.ratings == [{"target": TARGETS[0], "rating": "met"},
                            {"target": TARGETS[1], "rating": "partly"}]
    assert 'data-testid="my-opinion"' in client.get(url).content.decode()
    with pytest.raises(DomainError, match="已提交过验收意见"):
        services.submit_acceptance_opinion(task=first, actor=first.reviewer,
                                           ratings={t: "met" for t in TARGETS},
                                           recommendation="passed", opinion="再交")
    with pytest.raises(DomainError, match="不能谢绝"):
        services.decline_acceptance_task(task=first, actor=first.reviewer)
    # a second expert cannot answer before accepting
    with pytest.raises(DomainError, match="请先接受验收任务"):
        services.submit_acceptance_opinion(task=second, actor=second.reviewer,
                                           ratings={t: "met" for t in TARGETS},
                                           recommendation="passed", opinion="同意")
    services.accept_acceptance_task(task=second, actor=second.reviewer)
    services.submit_acceptance_opinion(task=second, actor=second.reviewer,
                                       ratings={t: "met" for t in TARGETS},
                                       recommendation="passed", opinion="指标全部完成")
    # the city sees the opinions and the tally, then decides with its reason
    staff = client_for(users["city_staff"])
    project_url = reverse("projects:project_detail", args=[acceptance.project_id])
    html = staff.get(project_url).content.decode()
    assert html.count('data-testid="expert-recommendation"') == 2
    assert "示范线尚未满负荷，建议结题" in html and "通过 1，结题 1，不通过 0" in html
    staff.post(reverse("projects:acceptance_conclude", args=[acceptance.project_id]),
               {"conclusion": "closed", "opinion": "采纳多数专家意见外的审慎意见，结题"})
    acceptance.refresh_from_db()
    assert acceptance.conclusion == "closed" and acceptance.decided_by == users["city_staff"]
    assert acceptance.project.stage == "accepted"
    text = _docx_text(staff.get(reverse("projects:acceptance_opinion",
                                        args=[acceptance.project_id])).content)
    assert "专家验收意见" in text and "示范线尚未满负荷，建议结题" in text
    assert f"{TARGETS[1]}：部分完成" in text and "采纳多数专家意见外的审慎意见，结题" in text
    # after the conclusion the third expert can no longer answer
    services.accept_acceptance_task(task=third, actor=third.reviewer)
    with pytest.raises(DomainError, match="已作出验收结论"):
        services.submit_acceptance_opinion(task=third, actor=third.reviewer,
                                           ratings={t: "met" for t in TARGETS},
                                           recommendation="passed", opinion="同意")


def test_declining_invites_the_reserve(acceptance, client_for):
    first = _live(acceptance)[0]
    reserve = AcceptanceTask.objects.get(acceptance=acceptance, status="reserve")
    client = client_for(first.reviewer)
    resp = client.post(reverse("projects:acceptance_task_decline", args=[first.pk]),
                       {"reason": "出差"})
    assert resp.status_code == 302
    first.refresh_from_db()
    reserve.refresh_from_db()
    acceptance.refresh_from_db()
    assert first.status == "declined" and first.reviewer is None
    assert reserve.status == "invited" and reserve.reviewer == reserve.expert_profile.user
    assert reserve.expert_profile_id in acceptance.group
    assert first.expert_profile_id not in acceptance.group and acceptance.reserves == []
    # the declined expert no longer reaches the task
    assert client.get(reverse("projects:acceptance_task", args=[first.pk])).status_code == 404
    # no redraw once an expert has answered
    with pytest.raises(DomainError, match="不能重新抽取"):
        services.draw_acceptance_group(acceptance=acceptance, actor=acceptance.drawn_by, seed=1)


def test_a_conflict_recorded_after_the_draw_hides_the_task(acceptance, enterprise_a,
                                                           client_for):
    first = _live(acceptance)[0]
    client = client_for(first.reviewer)
    url = reverse("projects:acceptance_task", args=[first.pk])
    assert client.get(url).status_code == 200
    Relation.objects.create(expert_profile=first.expert_profile, organisation=enterprise_a,
                            note="亲属任职")
    assert client.get(url).status_code == 404
    listing = client.get(reverse("projects:acceptance_task_list")).content.decode()
    assert 'data-testid="acceptance-task-row"' not in listing
    api = APIClient()
    api.force_authenticate(first.reviewer)
    assert api.get(f"/api/v1/rd-acceptance-tasks/{first.pk}/").status_code == 404
    # out of scope for the writes as well
    with pytest.raises(ScopeError):
        services.accept_acceptance_task(task=first, actor=first.reviewer)
    AcceptanceTask.objects.filter(pk=first.pk).update(status="accepted")
    with pytest.raises(ScopeError):
        services.submit_acceptance_opinion(task=first, actor=first.reviewer,
                                           ratings={t: "met" for t in TARGETS},
                                           recommendation="passed", opinion="同意")


def test_api_lists_own_tasks_and_takes_an_opinion(acceptance, users):
    first, second, _third = _live(acceptance)
    api = APIClient()
    api.force_authenticate(first.reviewer)
    body = api.get("/api/v1/rd-acceptance-tasks/").json()
    assert [r["id"] for r in body["results"]] == [first.pk]
    assert body["results"][0]["targets"] == TARGETS
    assert api.get(f"/api/v1/rd-acceptance-tasks/{second.pk}/").status_code == 404
    services.accept_acceptance_task(task=first, actor=first.reviewer)
    payload = {"task": first.pk, "recommendation": "passed", "opinion": "同意通过",
               "ratings": [{"target": t, "rating": "met"} for t in TARGETS]}
    # another expert's task is not a choice
    other = APIClient()
    other.force_authenticate(second.reviewer)
    assert other.post("/api/v1/rd-acceptance-opinions/", payload,
                      format="json").status_code == 400
    resp = api.post("/api/v1/rd-acceptance-opinions/", payload, format="json")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["recommendation"] == "passed"
    assert other.get("/api/v1/rd-acceptance-opinions/").json()["count"] == 0
    staff = APIClient()
    staff.force_authenticate(users["city_staff"])
    assert staff.get("/api/v1/rd-acceptance-opinions/").json()["count"] == 1
    ent = APIClient()
    ent.force_authenticate(users["enterprise_a_user"])
    assert ent.get("/api/v1/rd-acceptance-opinions/").status_code == 403


def test_migration_gives_groups_drawn_before_it_their_tasks(acceptance, pool):
    """0005_review_kinds: a drawn, unconcluded group (as before the tasks existed) gets
    members invited and reserves waiting; a concluded one is left as it was."""
    from importlib import import_module

    from django.apps import apps

    AcceptanceTask.objects.all().delete()
    migration = import_module("kechuang.projects.migrations.0005_review_kinds")
    migration.tasks_for_drawn_groups(apps, None)
    tasks = AcceptanceTask.objects.filter(acceptance=acceptance).order_by("rank")
    assert [(t.expert_profile_id, t.status) for t in tasks] == [
        *[(k, "invited") for k in acceptance.group],
        *[(k, "reserve") for k in acceptance.reserves]]
    assert all(t.reviewer == t.expert_profile.user for t in tasks if t.status == "invited")
