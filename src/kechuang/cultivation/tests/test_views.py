"""Pages, API and exports: every list shows exactly the role's scope; the targets page; the
enterprise page's section; adding through the forms."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from kechuang.cultivation.models import CandidateEntry, HighTechCertificate, TechSmeRegistration
from kechuang.cultivation.tests.conftest import (
    make_certificate,
    make_registration,
    pdf_file,
)

pytestmark = pytest.mark.django_db

LISTS = {"registration": ("2025140403A0000001", "2025140423A0000002"),
         "certificate": ("GR202514000101", "GR202514000202"),
         "leader": ("长科发〔2025〕甲号", "长科发〔2025〕乙号")}


def _export_text(user) -> str:
    from python_calamine import CalamineWorkbook

    from kechuang.jobs.models import Job

    job = Job.objects.filter(owner=user).latest("pk")
    assert job.status == "succeeded", job.error
    with job.result_file.open("rb") as fh:
        rows = CalamineWorkbook.from_filelike(fh).get_sheet_by_index(0).to_python()
    return "\n".join(str(c) for row in rows for c in row)


@pytest.mark.parametrize("kind", list(LISTS))
def test_lists_api_and_exports_are_scoped(kind, client_for, users, records,
                                          django_capture_on_commit_callbacks):
    a, b = LISTS[kind]
    api = {"registration": "api-tech-sme-registration-list",
           "certificate": "api-high-tech-certificate-list",
           "leader": "api-leader-designation-list"}[kind]
    for role, sees_a, sees_b in (("city_staff", True, True), ("county_a_staff", True, False),
                                 ("county_b_staff", False, True),
                                 ("enterprise_a_user", True, False)):
        client = client_for(users[role])
        html = client.get(reverse(f"cultivation:{kind}_list")).content.decode()
        assert (a in html, b in html) == (sees_a, sees_b), (role, "page")
        body = json.dumps(client.get(reverse(api)).json(), ensure_ascii=False)
        assert (a in body, b in body) == (sees_a, sees_b), (role, "api")
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(reverse(f"cultivation:{kind}_export"))
        assert resp.status_code == 302
        text = _export_text(users[role])
        assert (a in text, b in text) == (sees_a, sees_b), (role, "export")
    for role in ("expert", "provider", "auditor"):
        assert client_for(users[role]).get(reverse(f"cultivation:{kind}_list")).status_code \
            == 403


def test_detail_and_files_follow_the_record(client_for, users, records):
    from kechuang.cultivation import services

    f = services.add_files(actor=users["city_staff"], record=records["cert_a"],
                           files=[pdf_file("证书扫描件.pdf")])[0]
    url = reverse("cultivation:file_download", args=[f.pk])
    detail = reverse("cultivation:certificate_detail", args=[records["cert_a"].pk])
    for role, status in (("city_staff", 200), ("county_a_staff", 200),
                         ("enterprise_a_user", 200), ("county_b_staff", 404),
                         ("enterprise_b_user", 404), ("expert", 403)):
        client = client_for(users[role])
        assert client.get(url).status_code == status, role
        assert client.get(detail).status_code == status, role
    html = client_for(users["county_a_staff"]).get(detail).content.decode()
    assert "证书扫描件.pdf" in html and "取消资格" in html
    # an enterprise user reads its own record: no revoke form, no upload
    html = client_for(users["enterprise_a_user"]).get(detail).content.decode()
    assert "证书扫描件.pdf" in html and 'data-testid="revoke-card"' not in html
    assert client_for(users["enterprise_a_user"]).post(
        reverse("cultivation:certificate_files", args=[records["cert_a"].pk])).status_code == 403


def test_add_certificate_through_the_form(client_for, users, enterprise_a):
    client = client_for(users["county_a_staff"])
    page = client.get(reverse("cultivation:certificate_add") + f"?enterprise={enterprise_a.pk}")
    assert enterprise_a.credit_code in page.content.decode()
    resp = client.post(reverse("cultivation:certificate_add"), {
        "enterprise": enterprise_a.credit_code, "certificate_no": "GR202514000777",
        "issued_on": "2025-12-04", "batch": "2025年第二批", "kind": "new",
        "files": [pdf_file()]})
    cert = HighTechCertificate.objects.get(certificate_no="GR202514000777")
    assert resp.status_code == 302 and resp["Location"] == cert.get_absolute_url()
    assert cert.expires_on == dt.date(2028, 12, 3) and cert.files.count() == 1
    # an enterprise of another county reads like an unknown one
    from conftest import make_enterprise

    other = make_enterprise(users["county_b_staff"].county, "乙县企业", 77)
    resp = client.post(reverse("cultivation:registration_add"), {
        "enterprise": other.credit_code, "year": 2025, "registration_no": "R1",
        "registered_on": "2025-04-01"})
    assert resp.status_code == 200 and "不在您的管辖范围内" in resp.content.decode()
    assert not TechSmeRegistration.objects.exists()


def test_revoke_page_action(client_for, users, records):
    reg = records["reg_a"]
    client = client_for(users["county_a_staff"])
    url = reverse("cultivation:registration_revoke", args=[reg.pk])
    client.post(url, {"reason": ""})
    reg.refresh_from_db()
    assert reg.status == "registered"
    client.post(url, {"reason": "严重失信", "revoked_on": "2025-08-01"})
    reg.refresh_from_db()
    assert reg.status == "revoked" and reg.revoked_on == dt.date(2025, 8, 1)
    assert client_for(users["county_b_staff"]).post(url, {"reason": "x"}).status_code == 404


def test_enterprise_page_shows_the_cultivation_section(client_for, users, records):
    url = reverse("orgs:enterprise_detail", args=[records["reg_a"].enterprise_id])
    html = client_for(users["county_a_staff"]).get(url).content.decode()
    assert 'data-testid="cultivation-section"' in html
    assert "2025140403A0000001" in html and "GR202514000101" in html
    assert 'data-testid="add-to-pool"' in html
    html = client_for(users["enterprise_a_user"]).get(url).content.decode()
    assert "GR202514000101" in html and 'data-testid="add-to-pool"' not in html


# ---- candidate pool ------------------------------------------------------------------------


@pytest.fixture
def pool(users, enterprise_a, enterprise_a2, enterprise_b):
    from conftest import make_report
    from kechuang.cultivation import services

    make_report(enterprise_a, 2025, rd_expense_yuan=300000, rd_domestic_yuan=300000)  # 1%
    make_report(enterprise_a2, 2025, rd_expense_yuan=1500000, rd_domestic_yuan=1500000)  # 5%
    staff = users["city_staff"]
    return [services.add_candidate(actor=staff, data={
        "enterprise": e, "target_rung": "high_tech", "year": 2026, "note": f"备注{e.pk}"})
        for e in (enterprise_a, enterprise_a2, enterprise_b)]


def test_candidate_list_ranked_per_county_and_scoped(client_for, users, pool, enterprise_a,
                                                     enterprise_a2, enterprise_b,
                                                     django_capture_on_commit_callbacks):
    from kechuang.cultivation import selectors

    ranked = selectors.ranked_candidates(user=users["city_staff"])
    a_rows = [r for r in ranked if r.entry.enterprise.county_id == enterprise_a.county_id]
    assert [r.entry.enterprise for r in a_rows] == [enterprise_a2, enterprise_a]  # 5% before 1%
    assert [r.rank for r in a_rows] == [1, 2]
    assert "研发投入强度 5.00%" in a_rows[0].gap.text
    b_row = next(r for r in ranked if r.entry.enterprise == enterprise_b)
    assert b_row.rank == 1 and b_row.gap.source == "none"  # no report of B's enterprise

    html = client_for(users["county_a_staff"]).get(
        reverse("cultivation:candidate_list")).content.decode()
    assert enterprise_a2.name in html and enterprise_b.name not in html
    with django_capture_on_commit_callbacks(execute=True):
        client_for(users["county_a_staff"]).post(reverse("cultivation:candidate_export"))
    text = _export_text(users["county_a_staff"])
    assert enterprise_a.name in text and enterprise_b.name not in text
    body = client_for(users["county_b_staff"]).get(reverse("api-candidate-list")).json()
    assert [r["enterprise_name"] for r in body["results"]] == [enterprise_b.name]
    for role in ("enterprise_a_user", "expert", "auditor"):
        assert client_for(users[role]).get(
            reverse("cultivation:candidate_list")).status_code == 403


def test_gap_uses_stored_assessment_results(pool, users, enterprise_a, monkeypatch):
    """Through orgs.facts: the assessment app's finished run wins over the R&D fallback; a
    run still in progress is not read, and without the provider the fallback stands."""
    from decimal import Decimal

    from django.utils import timezone

    from kechuang.assessment.models import EvaluationResult, EvaluationRun
    from kechuang.cultivation import selectors
    from kechuang.orgs import facts

    entry = next(e for e in pool if e.enterprise_id == enterprise_a.pk)
    running = EvaluationRun.objects.create(year=2025, as_of=dt.date(2026, 1, 31))
    EvaluationResult.objects.create(
        run=running, enterprise=enterprise_a, year=2025, rule="high_tech", outcome="unlikely",
        eligible=False, score=Decimal("50"), gap_text="进行中", computed_at=timezone.now())
    assert selectors._gap_for(pool)[entry.pk].source != "assessment"

    done = EvaluationRun.objects.create(year=2025, as_of=dt.date(2026, 1, 31),
                                        finished_at=timezone.now())
    EvaluationResult.objects.create(
        run=done, enterprise=enterprise_a, year=2025, rule="high_tech",  # data year 2026 − 1
        outcome="unlikely", eligible=False, score=Decimal("64"), rule_version="x/1",
        gap_text="研发费用需增加 ¥12,000.00", computed_at=timezone.now())
    gaps = selectors._gap_for(pool)
    assert gaps[entry.pk].source == "assessment"
    assert gaps[entry.pk].text == "研发费用需增加 ¥12,000.00"
    assert all(g.source != "assessment" for k, g in gaps.items() if k != entry.pk)

    monkeypatch.setattr(facts.latest_evaluations, "_fn", None)
    assert selectors._gap_for(pool)[entry.pk].source != "assessment"


def test_candidate_pages_add_visit_remove(client_for, users, enterprise_a):
    client = client_for(users["county_a_staff"])
    search = client.get(reverse("cultivation:candidate_add"), {"q": "长治甲"}).content.decode()
    assert enterprise_a.name in search and f"?enterprise={enterprise_a.pk}" in search
    resp = client.post(reverse("cultivation:candidate_add"), {
        "enterprise": enterprise_a.credit_code, "target_rung": "tech_sme", "year": 2026})
    entry = CandidateEntry.objects.get()
    assert resp["Location"] == entry.get_absolute_url()
    client.post(reverse("cultivation:candidate_visit_add", args=[entry.pk]), {
        "visited_on": "2026-03-01", "visitor": "李四", "notes": "辅导研发费用归集"})
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "辅导研发费用归集" in html
    client.post(reverse("cultivation:candidate_remove", args=[entry.pk]), {"reason": "迁出"})
    entry.refresh_from_db()
    assert entry.status == "removed"
    assert client_for(users["county_b_staff"]).get(entry.get_absolute_url()).status_code == 404


def test_candidate_form_refuses_a_target_at_the_current_tier(client_for, users, enterprise_a):
    enterprise_a.tier = "high_tech"
    enterprise_a.save(update_fields=["tier"])
    client = client_for(users["county_a_staff"])
    resp = client.post(reverse("cultivation:candidate_add"), {
        "enterprise": enterprise_a.credit_code, "target_rung": "high_tech", "year": 2026})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "该企业当前已是“高新技术企业”，培育目标须高于当前梯队，可选：高科技领军企业" in html
    assert not CandidateEntry.objects.exists()
    resp = client.post(reverse("cultivation:candidate_add"), {
        "enterprise": enterprise_a.credit_code, "target_rung": "leader", "year": 2026})
    assert resp.status_code == 302 and CandidateEntry.objects.get().target_rung == "leader"


# ---- targets page -------------------------------------------------------------------------


def test_targets_page_funnel_and_expiring(client_for, users, plan, enterprise_a, enterprise_b,
                                          report_a, report_b, settings):
    from conftest import make_report

    make_report(enterprise_a, 2023)
    make_registration(enterprise_a, 2025, dt.date(2025, 4, 1))
    make_registration(enterprise_b, 2025, dt.date(2025, 5, 1))
    make_certificate(enterprise_a, dt.date(2025, 11, 20))
    today = dt.date.today()
    # expiring soon: issued three years ago less a month
    soon_issue = dt.date(today.year - 3, today.month, 1) + dt.timedelta(days=40)
    make_certificate(enterprise_a, soon_issue, certificate_no=f"GR{soon_issue.year}14000901")
    make_certificate(enterprise_b, soon_issue, certificate_no=f"GR{soon_issue.year}14000902")

    resp = client_for(users["city_staff"]).get(reverse("cultivation:targets"),
                                               {"year": 2025, "as_of": "2025-12-31"})
    html = resp.content.decode()
    assert resp.status_code == 200
    funnel = json.loads(html.split('id="ladder-data" type="application/json">')[1]
                        .split("</script>")[0])
    assert funnel["labels"][1] == "科技型中小企业入库"  # the metric of that name
    assert funnel["this_year"][:2] == [2, 2]  # reports of 2024, registrations of 2025
    assert funnel["last_year"][0] == 1  # reports of 2023
    assert 'data-key="tech_sme_registered"' in html and 'data-key="high_tech_recognized"' in html
    assert f"GR{soon_issue.year}14000901" in html and f"GR{soon_issue.year}14000902" in html

    html = client_for(users["county_a_staff"]).get(
        reverse("cultivation:targets"), {"year": 2025}).content.decode()
    assert f"GR{soon_issue.year}14000901" in html and f"GR{soon_issue.year}14000902" not in html
    assert client_for(users["enterprise_a_user"]).get(
        reverse("cultivation:targets")).status_code == 403
