"""The voucher API: a provider files a claim with its two files (multipart); resubmission
returns the first; the bureau decides vouchers and claims through the same services and
workflow steps as the pages (reason required on a refusal, 400 in Chinese, 403/404)."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from kechuang.vouchers.demo import evidence_files
from kechuang.vouchers.models import ClaimFile

pytestmark = pytest.mark.django_db
MAY_1 = dt.date(2025, 5, 1)


def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def body(contract, invoice="FP-API", **files):
    return {"contract": contract.pk, "invoice_no": invoice, "fee_fen": 2_000_000,
            "service_completed_on": "2025-05-01", **files}


def test_provider_files_a_claim_with_its_files_and_resubmission_returns_the_first(
        users, service_contract, voucher):
    api = client(users["provider"])
    missing = api.post("/api/v1/voucher-claims/", body(service_contract), format="json")
    assert missing.status_code == 400
    fields = {e["field"]: e["message"] for e in missing.json()["errors"]}
    assert fields == {"payment_proof_files": "请上传付款凭证（转账回单等）",
                      "completion_evidence_files": "请上传服务完成证明（验收报告、检测报告等）"}
    first = api.post("/api/v1/voucher-claims/",
                     body(service_contract, **evidence_files("FP-API")), format="multipart")
    assert first.status_code == 201, first.content
    out = first.json()
    assert out["amount_fen"] == 1_000_000 and "× 50.00%" in out["explanation"]
    assert sorted(f["kind"] for f in out["files"]) == [
        "completion_evidence", "completion_evidence", "payment_proof"]
    assert "payment_proof_files" not in out  # write-only
    # a JSON resubmission (no files needed) returns the first result
    again = api.post("/api/v1/voucher-claims/", {**body(service_contract), "fee_fen": 9},
                     format="json")
    assert again.status_code == 200 and again.json()["id"] == out["id"]
    assert [c["invoice_no"] for c in api.get("/api/v1/voucher-claims/").json()["results"]] == [
        "FP-API"]
    assert api.get("/api/v1/vouchers/").status_code == 403  # a provider reads no vouchers
    rows = client(users["enterprise_a_user"]).get("/api/v1/vouchers/").json()["results"]
    assert [r["available_fen"] for r in rows] == [4_000_000]
    # the enterprise downloads the file at the address the API gives
    url = out["files"][0]["download_url"]
    ent = APIClient()
    ent.force_login(users["enterprise_a_user"])
    resp = ent.get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content).startswith(b"%PDF-")


def test_a_renamed_file_is_refused_under_its_field(users, service_contract, voucher):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = evidence_files("FP-BAD")
    files["payment_proof_files"] = [SimpleUploadedFile("回单.pdf", b"MZ\x90\x00 not a pdf")]
    resp = client(users["provider"]).post("/api/v1/voucher-claims/",
                                          body(service_contract, "FP-BAD", **files),
                                          format="multipart")
    assert resp.status_code == 400
    [error] = resp.json()["errors"]
    assert error["field"] == "payment_proof_files" and "内容与扩展名 .pdf 不符" in error["message"]
    assert not ClaimFile.objects.exists()


def test_provider_edits_its_catalogue_entry(users, provider):
    api = client(users["provider"])
    resp = api.patch(f"/api/v1/voucher-providers/{provider.pk}/",
                     {"services": "testing", "version": provider.version}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["services"] == "testing"


def test_voucher_decisions_through_the_api(users, policy, enterprise_a, city):
    from kechuang.vouchers import services
    from kechuang.workflow.models import Transition

    v = services.apply_voucher(actor=users["enterprise_a_user"], policy=policy,
                               enterprise=enterprise_a, data={})
    url = f"/api/v1/vouchers/{v.pk}"
    # the enterprise may not decide; the city may not skip the county's review
    assert client(users["enterprise_a_user"]).post(f"{url}/review/", {},
                                                   format="json").status_code == 403
    assert client(city).post(f"{url}/approve/", {}, format="json").status_code == 400
    # county B does not see county A's application
    assert client(users["county_b_staff"]).post(f"{url}/review/", {},
                                                format="json").status_code == 404
    resp = client(users["county_a_staff"]).post(f"{url}/review/", {"reason": "材料齐全"},
                                                format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "reviewed"
    refused = client(city).post(f"{url}/refuse/", {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "reason", "message": "请填写不予通过的原因"}]
    resp = client(city).post(f"{url}/approve/", {}, format="json")
    assert resp.status_code == 200, resp.content
    out = resp.json()
    assert out["status"] == "issued" and out["available_fen"] == 5_000_000
    assert out["number"].startswith("CXQ2025-")
    assert list(Transition.objects.filter(object_id=v.pk, workflow="voucher")
                .values_list("action", flat=True).order_by("id")) == ["review", "approve"]


def test_claim_decisions_through_the_api(users, service_contract, voucher, city):
    from kechuang.vouchers import ledger, services

    claim, _ = services.file_claim(actor=users["provider"], contract=service_contract, data={
        "invoice_no": "FP-D1", "fee_fen": 2_000_000, "service_completed_on": MAY_1},
        files=evidence_files("FP-D1"))
    url = f"/api/v1/voucher-claims/{claim.pk}"
    for who in ("provider", "enterprise_a_user", "county_a_staff"):
        assert client(users[who]).post(f"{url}/approve/", {}, format="json").status_code == 403
    assert client(city).post(f"{url}/pay/", {}, format="json").status_code == 400  # not yet
    assert client(city).post("/api/v1/voucher-claims/999999/approve/", {},
                             format="json").status_code == 404
    resp = client(city).post(f"{url}/approve/", {"reason": "材料齐全"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    resp = client(city).post(f"{url}/pay/", {}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "paid" and resp.json()["paid_on"]
    # a second claim rejected: reason required, then the reservation is released
    second, _ = services.file_claim(actor=users["provider"], contract=service_contract, data={
        "invoice_no": "FP-D2", "fee_fen": 2_000_000, "service_completed_on": MAY_1},
        files=evidence_files("FP-D2"))
    url = f"/api/v1/voucher-claims/{second.pk}"
    resp = client(city).post(f"{url}/reject/", {"reason": "  "}, format="json")
    assert resp.status_code == 400
    assert resp.json()["errors"] == [{"field": "reason", "message": "请填写驳回的原因"}]
    assert client(city).post(f"{url}/reject/", {"reason": 5}, format="json").status_code == 400
    resp = client(city).post(f"{url}/reject/", {"reason": "发票金额不符"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "rejected"
    assert resp.json()["decision_note"] == "发票金额不符"
    assert ledger.available(voucher) == 5_000_000 - 1_000_000
    assert ledger.verify() == []
