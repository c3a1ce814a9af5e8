"""The voucher API: a provider files a claim for its contract; resubmission returns the first."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_provider_files_a_claim_and_resubmission_returns_the_first(users, service_contract,
                                                                   voucher):
    api = APIClient()
    api.force_authenticate(users["provider"])
    body = {"contract": service_contract.pk, "invoice_no": "FP-API", "fee_fen": 2_000_000,
            "service_completed_on": "2025-05-01"}
    first = api.post("/api/v1/voucher-claims/", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["amount_fen"] == 1_000_000 and "× 50.00%" in first.json()["explanation"]
    again = api.post("/api/v1/voucher-claims/", {**body, "fee_fen": 9}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert [c["invoice_no"] for c in api.get("/api/v1/voucher-claims/").json()["results"]] == [
        "FP-API"]
    assert api.get("/api/v1/vouchers/").status_code == 403  # a provider reads no vouchers
    ent = APIClient()
    ent.force_authenticate(users["enterprise_a_user"])
    rows = ent.get("/api/v1/vouchers/").json()["results"]
    assert [r["available_fen"] for r in rows] == [4_000_000]


def test_provider_edits_its_catalogue_entry(users, provider):
    api = APIClient()
    api.force_authenticate(users["provider"])
    resp = api.patch(f"/api/v1/voucher-providers/{provider.pk}/",
                     {"services": "testing", "version": provider.version}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["services"] == "testing"
