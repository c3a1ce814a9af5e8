"""After approval: progress reports and the mid-term check with evidence, change requests
through the workflow (PI, budget reallocation within limits, extension), acceptance with the
self-evaluation, the audit report, a drawn group with 回避, and the conclusion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError
from kechuang.projects import services
from kechuang.projects.models import Acceptance, ChangeRequest, ProgressReport, Project
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


@pytest.fixture
def project(rd_call, enterprise_a, users, pool):
    """An approved project from an application (budget: equipment 300k city + 300k own)."""
    app = fx.application(rd_call, enterprise_a, users["enterprise_a_user"], status="reviewing",
                         budget=(("equipment", "city", "300000"),
                                 ("materials", "city", "100000"),
                                 ("equipment", "enterprise", "400000")))
    app.targets = "申请发明专利2项\n形成示范线1条"
    app.save()
    from kechuang.projects.models import Draw, ReviewAssignment

    draw = Draw.objects.create(application=app, seed=1, rule_version="t",
                               drawn_by=users["city_staff"])
    ReviewAssignment.objects.create(draw=draw, application=app, expert_profile=pool["mine"],
                                    reviewer=users["expert"], rank=1, status="accepted")
    a = ReviewAssignment.objects.get(application=app)
    services.submit_review(assignment=a, actor=users["expert"],
                           scores={"创新性": "90", "可行性": "80", "预期效益": "70"},
                           opinion="同意")
    return services.approve_application(application=app, actor=users["city_staff"],
                                        reason="会审同意", on=dt.date(2025, 6, 1))


def test_approval_copies_the_targets_and_plans_the_funding(project):
    assert project.target_list() == ["申请发明专利2项", "形成示范线1条"]
    assert project.funding.count() == 2


def test_midterm_needs_evidence_and_passing_releases_the_second_instalment(project, users):
    ent, staff = users["enterprise_a_user"], users["city_staff"]
    with pytest.raises(ValidationError, match="中期检查须上传佐证材料"):
        services.file_report(project=project, actor=ent, kind="midterm", period="2025年",
                             summary="进展顺利")
    with pytest.raises(ValidationError, match="类型不允许"):
        services.file_report(project=project, actor=ent, kind="midterm", period="2025年",
                             summary="进展顺利",
                             evidence=SimpleUploadedFile("x.exe", b"MZ\x90\x00"))
    services.file_report(project=project, actor=ent, kind="progress", period="2025年上半年",
                         summary="完成设备采购", spent_yuan=Decimal(120000))
    report = services.file_report(project=project, actor=ent, kind="midterm",
                                  period="2025年", summary="中期目标完成", evidence=pdf())
    project.refresh_from_db()
    assert project.stage == Project.Stage.MIDTERM and report.evidence_name == "证明.pdf"
    with pytest.raises(PermissionDenied):
        services.check_midterm(report=report, actor=ent, passed=True, note="自己通过")
    services.check_midterm(report=report, actor=staff, passed=True, note="材料齐全",
                           on=dt.date(2026, 1, 5))
    project.refresh_from_db()
    assert project.midterm_passed_on == dt.date(2026, 1, 5)
    assert project.stage == Project.Stage.RUNNING
    services.sign_contract(project=project, actor=staff)
    second = [i for f in project.funding.all() for i in f.instalments.all()
              if i.condition == "midterm"][0]
    services.disburse(instalment=second, actor=staff, amount_yuan=second.amount_yuan)
    # another organisation sees neither the report nor its evidence
    assert not ProgressReport.objects.restrict(users["enterprise_b_user"], "view").exists()


def test_evidence_download_is_scoped(project, users, client):
    report = services.file_report(project=project, actor=users["enterprise_a_user"],
                                  kind="midterm", period="2025年", summary="x", evidence=pdf())
    url = reverse("projects:report_evidence", args=[report.pk])
    client.force_login(users["enterprise_a_user"])
    assert client.get(url).status_code == 200
    client.force_login(users["enterprise_b_user"])
    assert client.get(url).status_code == 404


def test_budget_reallocation_within_limits_through_the_workflow(project, users):
    ent, staff = users["enterprise_a_user"], users["city_staff"]
    too_much = [{"source": "city", "from": "equipment", "to": "materials", "yuan": "50000"}]
    with pytest.raises(ValidationError) as exc:
        services.request_change(project=project, actor=ent, kind="budget", reason="调整",
                                moves=too_much)
    assert "累计调剂超过该来源预算的 10%（上限 40,000.00 元）" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="间接费用不得通过调剂调增"):
        services.request_change(project=project, actor=ent, kind="budget", reason="调整",
                                moves=[{"source": "city", "from": "equipment",
                                        "to": "indirect", "yuan": "1000"}])
    ok = [{"source": "city", "from": "equipment", "to": "materials", "yuan": "30000"}]
    change = services.request_change(project=project, actor=ent, kind="budget",
                                     reason="材料涨价", moves=ok)
    with pytest.raises(PermissionDenied):  # an enterprise never decides
        services.decide_change(change=change, actor=ent, approve=True, reason="同意")
    services.decide_change(change=change, actor=staff, approve=True, reason="在限额内")
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == staff
    budget = services.project_budget(project)
    assert budget[("city", "materials")] == 130_000_00
    assert budget[("city", "equipment")] == 270_000_00
    # the second request counts the first against the 10 % limit
    with pytest.raises(ValidationError, match="累计调剂超过"):
        services.request_change(project=project, actor=ent, kind="budget", reason="再调",
                                moves=[{"source": "city", "from": "equipment",
                                        "to": "materials", "yuan": "20000"}])


def test_pi_change_and_extension_are_written_on_approval(project, users):
    ent, staff = users["enterprise_a_user"], users["city_staff"]
    project.ends_on = dt.date(2027, 6, 1)
    project.save()
    pi = services.request_change(project=project, actor=ent, kind="pi", reason="调离",
                                 new_pi_name="赵工")
    with pytest.raises(ValidationError, match="一次延期不超过一年"):
        services.request_change(project=project, actor=ent, kind="extension", reason="疫情",
                                new_ends_on=dt.date(2029, 1, 1))
    ext = services.request_change(project=project, actor=ent, kind="extension",
                                  reason="设备到货延迟", new_ends_on=dt.date(2027, 12, 31))
    services.decide_change(change=pi, actor=staff, approve=True, reason="同意")
    services.decide_change(change=ext, actor=staff, approve=False, reason="理由不充分")
    project.refresh_from_db()
    assert project.pi_name == "赵工" and project.ends_on == dt.date(2027, 6, 1)
    assert ChangeRecord.objects.filter(reason="变更项目负责人").exists()


def test_acceptance_with_group_drawn_under_conflicts_and_conclusion(project, users, pool):
    ent, staff = users["enterprise_a_user"], users["city_staff"]
    with pytest.raises(ValidationError) as exc:
        services.apply_for_acceptance(project=project, actor=ent, evaluation=[
            {"target": "申请发明专利2项", "achieved": "已授权2项", "met": True}],
            audit_report=None)
    assert "请填写考核指标“形成示范线1条”的完成情况" in exc.value.messages
    assert "请上传财务审计报告" in exc.value.messages
    acc = services.apply_for_acceptance(project=project, actor=ent, evaluation=[
        {"target": "申请发明专利2项", "achieved": "已授权2项", "met": True},
        {"target": "形成示范线1条", "achieved": "示范线投运", "met": True}],
        audit_report=pdf("审计报告.pdf"))
    project.refresh_from_db()
    assert project.stage == Project.Stage.ACCEPTANCE
    with pytest.raises(DomainError, match="请先抽取验收专家组"):
        services.conclude_acceptance(acceptance=acc, actor=staff, conclusion="passed",
                                     opinion="通过")
    acc = services.draw_acceptance_group(acceptance=acc, actor=staff, size=3, seed=42,
                                         as_of=dt.date(2026, 6, 1))
    assert pool["conflicted"].pk not in acc.group and len(acc.group) == 3
    excluded = {x["expert_id"]: x["reasons"] for x in acc.exclusions}
    assert any("同一单位" in r for r in excluded[pool["conflicted"].pk])
    # the same seed and pool give the same group
    again = services.draw_acceptance_group  # re-drawing is allowed until the conclusion
    assert again(acceptance=acc, actor=staff, size=3, seed=42,
                 as_of=dt.date(2026, 6, 1)).group == acc.group
    services.conclude_acceptance(acceptance=acc, actor=staff, conclusion="passed",
                                 opinion="考核指标全部完成，同意通过验收")
    project.refresh_from_db()
    assert project.stage == Project.Stage.ACCEPTED
    assert Acceptance.objects.get(pk=acc.pk).get_conclusion_display() == "通过"
    with pytest.raises(ValidationError, match="项目已结束"):
        services.request_change(project=project, actor=ent, kind="pi", reason="x",
                                new_pi_name="钱工")


def test_project_page_shows_the_lifecycle_to_each_role(project, users, client, pool):
    ent, staff = users["enterprise_a_user"], users["city_staff"]
    acc = services.apply_for_acceptance(project=project, actor=ent, evaluation=[
        {"target": t, "achieved": "完成", "met": True} for t in project.target_list()],
        audit_report=pdf())
    services.draw_acceptance_group(acceptance=acc, actor=staff, seed=1,
                                   as_of=dt.date(2026, 6, 1))
    url = reverse("projects:project_detail", args=[project.pk])
    client.force_login(staff)
    html = client.get(url).content.decode()
    assert 'data-testid="acceptance-group"' in html and "专家乙" in html  # the recused one
    assert 'data-testid="acceptance-conclude"' in html
    client.force_login(ent)
    html = client.get(url).content.decode()
    assert 'data-testid="acceptance-group"' not in html and "专家乙" not in html
    assert "等待市科技局组织专家验收" in html
    assert ChangeRequest.objects.restrict(users["enterprise_b_user"], "view").count() == 0


def _docx_text(content: bytes) -> str:
    import io

    from docx import Document

    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def test_task_contract_and_acceptance_opinion_as_docx(project, users, client, pool):
    ent, staff = users["enterprise_a_user"], users["city_staff"]
    change = services.request_change(project=project, actor=ent, kind="budget", reason="调整",
                                     moves=[{"source": "city", "from": "equipment",
                                             "to": "materials", "yuan": "30000"}])
    services.decide_change(change=change, actor=staff, approve=True, reason="同意")
    client.force_login(ent)
    resp = client.get(reverse("projects:project_contract", args=[project.pk]))
    assert resp.status_code == 200 and resp["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    text = _docx_text(resp.content)
    assert "长治市科技计划项目任务书" in text and "申请发明专利2项" in text
    assert "270,000.00" in text and "130,000.00" in text  # the reallocation applied
    assert "800,000.00" in text and "任务书签订后" in text
    acc = services.apply_for_acceptance(project=project, actor=ent, evaluation=[
        {"target": t, "achieved": "完成", "met": True} for t in project.target_list()],
        audit_report=pdf())
    acc = services.draw_acceptance_group(acceptance=acc, actor=staff, seed=3,
                                         as_of=dt.date(2026, 6, 1))
    services.conclude_acceptance(acceptance=acc, actor=staff, conclusion="closed",
                                 opinion="同意结题")
    text = _docx_text(client.get(reverse("projects:acceptance_opinion",
                                         args=[project.pk])).content)
    assert "验收意见" in text and "结题" in text and "同意结题" in text
    assert "专家乙" not in text  # the recused expert is not in the group


def test_dossier_zip_holds_documents_reviews_decisions_ledger_and_files(project, users,
                                                                        client, pool):
    import io
    import zipfile

    ent, staff = users["enterprise_a_user"], users["city_staff"]
    report = services.file_report(project=project, actor=ent, kind="midterm", period="2025年",
                                  summary="x", evidence=pdf("中期.pdf"))
    services.check_midterm(report=report, actor=staff, passed=True, note="通过")
    services.sign_contract(project=project, actor=staff)
    first = [i for f in project.funding.all() for i in f.instalments.all()][0]
    services.disburse(instalment=first, actor=staff, amount_yuan=first.amount_yuan,
                      voucher_no="PZ-77")
    url = reverse("projects:project_dossier", args=[project.pk])
    client.force_login(ent)
    assert client.get(url).status_code == 403  # reviewers' names and scores: the bureau's
    client.force_login(staff)
    resp = client.get(url)
    assert resp.status_code == 200
    z = zipfile.ZipFile(io.BytesIO(resp.content))
    names = set(z.namelist())
    assert {"任务书.docx", "评审意见.csv", "办理记录.csv", "拨付记录.csv"} <= names
    assert any(n.endswith("中期.pdf") for n in names)
    decisions = z.read("办理记录.csv").decode("utf-8-sig")
    assert "会审同意" in decisions and "中期检查通过" in decisions
    assert "PZ-77" in z.read("拨付记录.csv").decode("utf-8-sig")
    assert "专家甲" in z.read("评审意见.csv").decode("utf-8-sig")
