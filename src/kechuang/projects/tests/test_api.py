"""The R&D API: own rows only, 404 outside the scope (an unassigned or recused application
for an expert), no reviewer names or scores for applicants, names hidden on blind calls."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kechuang.projects.models import Draw, Recusal, ReviewAssignment
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rd_call, enterprise_a, enterprise_b, users, pool):
    rd_call.blind = True
    rd_call.save()
    out = {}
    for key, ent in (("a", enterprise_a), ("b", enterprise_b)):
        app = fx.application(rd_call, ent, users[f"enterprise_{key}_user"], status="reviewing",
                             title=f"接口项目{key}", pi_name=f"负责人{key}")
        draw = Draw.objects.create(application=app, seed=1, rule_version="t",
                                   drawn_by=users["city_staff"])
        out[f"assignment_{key}"] = ReviewAssignment.objects.create(
            draw=draw, application=app, expert_profile=pool["mine"], reviewer=users["expert"],
            rank=1, status="accepted")
        out[key] = app
    Recusal.objects.create(application=out["b"], expert_profile=pool["mine"])
    out["unassigned"] = fx.application(rd_call, enterprise_a, users["enterprise_a_user"],
                                       status="reviewing", title="未分配", pi_name="他人")
    return out


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_expert_sees_only_assigned_unrecused_and_no_names_on_a_blind_call(world, users):
    client = api(users["expert"])
    body = client.get("/api/v1/rd-applications/").json()
    titles = [r["title"] for r in body["results"]]
    assert titles == ["接口项目a"]
    row = body["results"][0]
    assert row["lead"] is None and row["pi_name"] is None and row["county"] is None
    assert client.get(f"/api/v1/rd-applications/{world['b'].pk}/").status_code == 404
    assert client.get(f"/api/v1/rd-applications/{world['unassigned'].pk}/").status_code == 404
    assert client.get(f"/api/v1/rd-assignments/{world['assignment_b'].pk}/").status_code == 404


def test_expert_submits_a_score_sheet_and_the_applicant_never_reads_it(world, users):
    client = api(users["expert"])
    resp = client.post("/api/v1/rd-reviews/", {
        "assignment": world["assignment_a"].pk, "opinion": "创新性较强",
        "scores": {"创新性": "90", "可行性": "80", "预期效益": "70"}}, format="json")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["total"] == "81.00"
    resp = client.post("/api/v1/rd-reviews/", {
        "assignment": world["assignment_b"].pk, "opinion": "x",
        "scores": {"创新性": "90"}}, format="json")
    assert resp.status_code == 400  # recused: not among the expert's assignments
    owner = api(users["enterprise_a_user"])
    assert owner.get("/api/v1/rd-reviews/").status_code == 403
    mine = owner.get(f"/api/v1/rd-applications/{world['a'].pk}/").json()
    assert mine["status"] == "评审中" and mine["lead"]  # the public label, own names
    assert "review" not in str(mine).lower() and "专家" not in str(mine)
    staff = api(users["city_staff"]).get(f"/api/v1/rd-applications/{world['a'].pk}/").json()
    assert staff["status"] == "专家评审中"


def test_projects_with_funding_by_source(users, enterprise_a, enterprise_b):
    from kechuang.projects import services

    project = fx.project(enterprise_a)
    services.plan_funding(project=project, actor=users["city_staff"])
    body = api(users["enterprise_a_user"]).get("/api/v1/rd-projects/").json()
    assert [r["code"] for r in body["results"]] == [project.code]
    assert {f["source"]: f["approved_yuan"] for f in body["results"][0]["funding"]} == {
        "city": "1000000.00", "enterprise": "500000.00"}
    assert api(users["enterprise_b_user"]).get(
        f"/api/v1/rd-projects/{project.pk}/").status_code == 404
