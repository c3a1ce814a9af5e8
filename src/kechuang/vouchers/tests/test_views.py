"""Voucher pages: the provider's own working pages, the enterprise's own rows, the claim's
explanation, the reconciliation page and its workbook."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.vouchers import services
from kechuang.vouchers.demo import evidence_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(service_contract, users):
    c, _ = services.file_claim(actor=users["provider"], contract=service_contract, data={
        "invoice_no": "FP-V1", "fee_fen": 2_000_000,
        "service_completed_on": dt.date(2025, 5, 1)}, files=evidence_files("FP-V1"))
    return c


def test_provider_sees_its_own_claims_and_catalogue(client_for, users, claim, provider,
                                                    policy, enterprise_b, city):
    # a claim of enterprise B with another provider: never shown to this provider
    from conftest import make_enterprise
    from kechuang.vouchers.tests.conftest import issue_voucher, list_provider

    other_org = make_enterprise(enterprise_b.county, "另一检测机构", 55, kind="service_provider",
                                industry_code="M74")
    other = list_provider(other_org, city, city)
    vb = issue_voucher(policy, enterprise_b, users["enterprise_b_user"],
                       users["county_b_staff"], city)
    cb = services.create_contract(actor=city, voucher=vb, provider=other, data={
        "contract_no": "HT-OTHER", "service_kind": "testing", "subject": "检测",
        "fee_fen": 100_000, "signed_on": dt.date(2025, 3, 1)})
    services.file_claim(actor=city, contract=cb, data={
        "invoice_no": "FP-OTHER", "fee_fen": 100_000,
        "service_completed_on": dt.date(2025, 5, 1)}, files=evidence_files("FP-OTHER"))
    c = client_for(users["provider"])
    body = c.get(reverse("vouchers:claim_list")).content.decode()
    assert "FP-V1" in body and "FP-OTHER" not in body
    body = c.get(reverse("vouchers:provider_list")).content.decode()
    assert 'data-testid="own-listing"' in body and "另一检测机构" not in body
    resp = c.post(reverse("vouchers:provider_detail", args=[provider.pk]),
                  {"services": "testing,rd", "qualifications": "CMA"})
    assert resp.status_code == 302
    provider.refresh_from_db()
    assert provider.qualifications == "CMA"
    assert c.get(reverse("vouchers:voucher_list")).status_code == 403


def test_enterprise_sees_its_voucher_balance_and_the_claim_explanation(client_for, users,
                                                                       claim, voucher):
    c = client_for(users["enterprise_a_user"])
    body = c.get(reverse("vouchers:voucher_detail", args=[voucher.pk])).content.decode()
    assert "40,000.00" in body  # ¥50,000 less the ¥10,000 reserved
    body = c.get(reverse("vouchers:claim_detail", args=[claim.pk])).content.decode()
    assert "× 50.00%" in body and "服务机构在服务完成日位于服务机构名录内" in body
    assert client_for(users["enterprise_b_user"]).get(
        reverse("vouchers:voucher_detail", args=[voucher.pk])).status_code == 404


def test_city_approves_and_pays_from_the_claim_page(client_for, users, claim, voucher):
    c = client_for(users["city_staff"])
    for action in ("approve", "pay"):
        resp = c.post(reverse("vouchers:claim_decide", args=[claim.pk, action]))
        assert resp.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "paid"
    body = c.get(reverse("vouchers:reconciliation") + "?year=2025").content.decode()
    assert 'data-testid="ledger-ok"' in body and "10,000.00" in body
    assert "20,000.00" not in body  # the payout counted once, not on both account pairs
    resp = c.get(reverse("vouchers:reconciliation_export") + "?year=2025")
    assert resp.status_code == 200 and resp.content[:2] == b"PK"


def test_catalogue_widening_from_the_policy_page(client_for, users, policy):
    c = client_for(users["city_staff"])
    resp = c.post(reverse("vouchers:kind_add", args=[policy.pk]),
                  {"code": "design", "name": "工业设计"})
    assert resp.status_code == 302
    assert policy.kinds.filter(code="design").exists()


def test_claim_files_download_only_to_those_who_see_the_claim(client, users, claim):
    from kechuang.vouchers.models import ClaimFile

    f = ClaimFile.objects.filter(claim=claim, kind="payment_proof").get()
    url = reverse("vouchers:claim_file_download", args=[f.pk])
    for who in ("enterprise_a_user", "provider", "county_a_staff", "city_staff"):
        client.force_login(users[who])
        resp = client.get(url)
        assert resp.status_code == 200, who
        assert b"".join(resp.streaming_content).startswith(b"%PDF-")
        assert resp["Cache-Control"] == "private, no-store"
    for who in ("enterprise_b_user", "county_b_staff"):
        client.force_login(users[who])
        assert client.get(url).status_code == 404, who
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(users["enterprise_a_user"])
    body = client.get(reverse("vouchers:claim_detail", args=[claim.pk])).content.decode()
    assert body.count('data-testid="claim-file"') == 3 and url in body


def test_claim_page_takes_the_files_and_names_a_missing_one(client_for, users,
                                                            service_contract):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.vouchers.demo import _pdf
    from kechuang.vouchers.models import Claim

    c = client_for(users["enterprise_a_user"])
    url = reverse("vouchers:claim_add", args=[service_contract.pk])
    form = {"invoice_no": "FP-PAGE", "fee_yuan": "20000", "service_completed_on": "2025-05-01",
            "payment_proof_files": SimpleUploadedFile("回单.pdf", _pdf(["slip"]))}
    resp = c.post(url, form)
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "请上传服务完成证明" in body and "请上传付款凭证" not in body
    assert not Claim.objects.exists()
    form["payment_proof_files"] = SimpleUploadedFile("回单.pdf", _pdf(["slip"]))
    form["completion_evidence_files"] = [SimpleUploadedFile("验收.pdf", _pdf(["ok"])),
                                         SimpleUploadedFile("报告.pdf", _pdf(["ok"]))]
    resp = c.post(url, form)
    claim = Claim.objects.get()
    assert resp.status_code == 302 and resp["Location"] == claim.get_absolute_url()
    assert sorted(claim.files.values_list("original_name", flat=True)) == [
        "回单.pdf", "报告.pdf", "验收.pdf"]
