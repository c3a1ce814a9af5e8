"""Voucher services: issuance, claims through the pure rule, the ledger's movements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.core.errors import DomainError
from kechuang.vouchers import ledger, services
from kechuang.vouchers.demo import evidence_files
from kechuang.vouchers.models import Account, Claim, Entry, Voucher
from kechuang.vouchers.tests.conftest import contract, issue_voucher

D = dt.date
pytestmark = pytest.mark.django_db


MAY_1 = D(2025, 5, 1)


def file(c, user, invoice="FP-1", fee=2_000_000, on=MAY_1):
    return services.file_claim(actor=user, contract=c, data={
        "invoice_no": invoice, "fee_fen": fee, "service_completed_on": on},
        files=evidence_files(invoice))


def bal(key_kind, voucher=None, enterprise=None, policy=None):
    policy = policy or voucher.policy
    key = ledger.account_key(policy, key_kind, voucher=voucher, enterprise=enterprise)
    return Account.objects.get(key=key).balance_fen


def test_issuance_moves_budget_to_the_voucher_and_grants_the_cap(voucher, policy):
    assert voucher.status == Voucher.Status.ISSUED and voucher.number.startswith("CXQ2025-")
    assert bal("voucher_available", voucher) == 5_000_000
    assert bal("budget", policy=policy) == 1_000_000_000 - 5_000_000
    assert bal("cap_available", enterprise=voucher.enterprise_id, policy=policy) == 10_000_000
    assert ledger.verify() == []


def test_ineligible_enterprise_cannot_apply(city, enterprise_a, users):
    from kechuang.vouchers.tests.conftest import make_policy

    p = make_policy(city, year=2026, required_tiers="high_tech", valid_from=D(2026, 1, 1),
                    valid_to=D(2026, 12, 31))
    with pytest.raises(DomainError, match="高新技术企业"):
        services.apply_voucher(actor=users["enterprise_a_user"], policy=p,
                               enterprise=enterprise_a, data={})


def test_claim_reserves_the_payable_amount_with_its_explanation(service_contract, users,
                                                                voucher):
    claim, created = file(service_contract, users["provider"])
    assert created and claim.status == Claim.Status.PENDING
    assert claim.amount_fen == 1_000_000  # 50 % of ¥20,000
    assert "× 50.00%" in claim.explanation and "¥10,000.00" in claim.explanation
    assert bal("voucher_available", voucher) == 4_000_000
    assert bal("voucher_reserved", voucher) == 1_000_000
    assert ledger.verify() == []


def test_resubmission_returns_the_first_result(service_contract, users):
    first, created = file(service_contract, users["provider"])
    again, created2 = file(service_contract, users["enterprise_a_user"], fee=9_000_000)
    assert created and not created2 and again.pk == first.pk
    assert again.amount_fen == first.amount_fen
    assert Claim.objects.count() == 1
    assert Entry.objects.filter(kind="reservation").count() == 1


def test_rejected_claim_releases_its_reservation(service_contract, users, voucher, city):
    claim, _ = file(service_contract, users["provider"])
    services.decide_claim(actor=city, claim=claim, action="reject", reason="发票不符")
    assert bal("voucher_available", voucher) == 5_000_000
    assert bal("voucher_reserved", voucher) == 0
    assert bal("cap_available", enterprise=voucher.enterprise_id,
               policy=voucher.policy) == 10_000_000
    assert ledger.verify() == []


def test_approve_and_pay(service_contract, users, voucher, city):
    claim, _ = file(service_contract, users["provider"])
    claim = services.decide_claim(actor=city, claim=claim, action="approve")
    claim = services.decide_claim(actor=city, claim=claim, action="pay", on=D(2025, 6, 1))
    assert claim.status == Claim.Status.PAID and claim.paid_on == D(2025, 6, 1)
    assert bal("paid", policy=voucher.policy) == 1_000_000
    assert bal("voucher_available", voucher) == 4_000_000
    assert bal("cap_used", enterprise=voucher.enterprise_id, policy=voucher.policy) == 1_000_000
    assert ledger.verify() == []


def test_lapsed_balance_cannot_be_claimed(service_contract, users, voucher):
    assert services.lapse_expired(today=D(2026, 1, 1)) == 1
    assert services.lapse_expired(today=D(2026, 1, 2)) == 0  # idempotent
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.LAPSED
    assert bal("voucher_available", voucher) == 0
    assert bal("lapsed", policy=voucher.policy) == 5_000_000
    claim, _ = file(service_contract, users["provider"], on=D(2025, 12, 20))
    assert claim.status == Claim.Status.REFUSED and claim.amount_fen == 0
    assert any("失效" in r for r in claim.reasons)
    assert ledger.verify() == []


def test_pending_claim_rejected_after_lapse_lapses_its_release(service_contract, users,
                                                               voucher, city):
    claim, _ = file(service_contract, users["provider"])
    services.lapse_expired(today=D(2026, 1, 1))
    services.decide_claim(actor=city, claim=claim, action="reject", reason="材料不全")
    assert bal("voucher_available", voucher) == 0
    assert bal("lapsed", policy=voucher.policy) == 5_000_000
    assert ledger.verify() == []


def test_delisted_providers_later_service_is_refused(service_contract, users, provider, city):
    services.decide_listing(actor=city, provider=provider, action="delist", reason="违规",
                            on=D(2025, 4, 30))
    before, _ = file(service_contract, users["provider"], invoice="FP-A", on=D(2025, 4, 30))
    after, _ = file(service_contract, users["provider"], invoice="FP-B", on=D(2025, 5, 1))
    assert before.status == Claim.Status.PENDING
    assert after.status == Claim.Status.REFUSED
    assert any("不在名录内" in r for r in after.reasons)


def test_related_party_claim_is_refused_with_the_reason(voucher, provider, users):
    c = contract(voucher, provider, users["enterprise_a_user"], users["provider"],
                 related=True)
    claim, _ = file(c, users["provider"])
    assert claim.status == Claim.Status.REFUSED
    assert any("关联关系" in r and "声明" in r for r in claim.reasons)


def test_shared_legal_representative_is_a_related_party(policy, enterprise_a2, users, city,
                                                        provider):
    from kechuang.vouchers.tests.conftest import _user_for

    user = _user_for(enterprise_a2)
    v = issue_voucher(policy, enterprise_a2, user, users["county_a_staff"], city,
                      legal_representative="李四")
    c = contract(v, provider, user, users["provider"])
    claim, _ = file(c, user)
    assert claim.status == Claim.Status.REFUSED
    assert any("同一法定代表人：李四" in r for r in claim.reasons)


def test_annual_cap_limits_and_says_so(policy, voucher, provider, users):
    services.update_policy(actor=users["city_staff"], policy=policy,
                           data={"annual_cap_fen": 1_500_000})
    c = contract(voucher, provider, users["enterprise_a_user"], users["provider"])
    # the cap was granted at issuance (¥100,000): a policy edit never changes what's granted
    a, _ = file(c, users["provider"], invoice="A", fee=4_000_000)
    assert a.amount_fen == 1_500_000 and "年度剩余额度" in a.explanation


def test_policy_edit_does_not_change_decided_claims(service_contract, users, policy, city):
    claim, _ = file(service_contract, users["provider"])
    services.update_policy(actor=city, policy=policy, data={"ratio": Decimal("0.3")})
    claim.refresh_from_db()
    assert claim.amount_fen == 1_000_000


def test_catalogue_widening_is_audited(policy, city):
    from kechuang.audit.models import ChangeRecord

    kind = services.save_kind(actor=city, policy=policy,
                              data={"code": "design", "name": "工业设计"})
    assert ChangeRecord.objects.filter(object_id=str(kind.pk), action="create").exists()


def test_budget_is_never_overspent(city, enterprise_a, users):
    from kechuang.vouchers.tests.conftest import make_policy

    p = make_policy(city, year=2024, budget_fen=6_000_000, valid_from=D(2024, 1, 1),
                    valid_to=D(2024, 12, 31))
    issue_voucher(p, enterprise_a, users["enterprise_a_user"], users["county_a_staff"], city)
    with pytest.raises(DomainError, match="预算"):
        issue_voucher(p, enterprise_a, users["enterprise_a_user"], users["county_a_staff"],
                      city)
    assert ledger.verify() == []


def test_unconfirmed_contract_cannot_be_claimed(voucher, provider, users):
    c = services.create_contract(actor=users["enterprise_a_user"], voucher=voucher,
                                 provider=provider, data={
                                     "contract_no": "X1", "service_kind": "rd", "subject": "s",
                                     "fee_fen": 100, "signed_on": D(2025, 3, 1)})
    with pytest.raises(DomainError, match="双方确认"):
        file(c, users["enterprise_a_user"])


def test_check_command_reports_a_tampered_balance(service_contract, users, voucher):
    from io import StringIO

    from django.core.management import call_command

    file(service_contract, users["provider"])
    out = StringIO()
    call_command("check_vouchers", stdout=out)
    assert "无异常" in out.getvalue()
    Account.objects.filter(key=ledger.account_key(voucher.policy, "voucher_available",
                                                  voucher=voucher)).update(balance_fen=1)
    with pytest.raises(SystemExit):
        call_command("check_vouchers", stdout=out)
    assert "不一致" in out.getvalue()


# ---- evidence files (issue #15) ----------------------------------------------------------


def test_filing_needs_both_files_each_named_in_chinese(service_contract, users):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.file_claim(actor=users["provider"], contract=service_contract, data={
            "invoice_no": "FP-NOFILE", "fee_fen": 2_000_000, "service_completed_on": MAY_1})
    assert exc.value.message_dict == {
        "payment_proof_files": ["请上传付款凭证（转账回单等）"],
        "completion_evidence_files": ["请上传服务完成证明（验收报告、检测报告等）"]}
    only_proof = evidence_files("FP-NOFILE")
    del only_proof["completion_evidence_files"]
    with pytest.raises(ValidationError) as exc:
        services.file_claim(actor=users["provider"], contract=service_contract, data={
            "invoice_no": "FP-NOFILE", "fee_fen": 2_000_000, "service_completed_on": MAY_1},
            files=only_proof)
    assert list(exc.value.message_dict) == ["completion_evidence_files"]
    assert not Claim.objects.exists() and not Entry.objects.filter(kind="reservation").exists()


def test_an_unsafe_file_is_refused_and_nothing_is_stored(service_contract, users, settings,
                                                         tmp_path):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.UPLOAD_MAX_BYTES = 2000
    files = evidence_files("FP-BIG")
    files["completion_evidence_files"].append(SimpleUploadedFile("程序.exe", b"MZ\x90"))
    files["payment_proof_files"] = [SimpleUploadedFile("回单.pdf", b"%PDF-" + b"0" * 3000)]
    with pytest.raises(ValidationError) as exc:
        services.file_claim(actor=users["provider"], contract=service_contract, data={
            "invoice_no": "FP-BIG", "fee_fen": 2_000_000, "service_completed_on": MAY_1},
            files=files)
    errors = exc.value.message_dict
    assert "超过上限" in errors["payment_proof_files"][0]
    assert "类型不允许上传" in errors["completion_evidence_files"][0]
    assert not Claim.objects.exists()
    assert not list((tmp_path / "private").rglob("*.*"))


def test_claim_files_are_stored_privately_and_audited(service_contract, users, settings,
                                                      tmp_path):
    from kechuang.audit.models import ChangeRecord
    from kechuang.vouchers.models import ClaimFile

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    claim, _ = file(service_contract, users["provider"], invoice="FP-F1")
    files = list(ClaimFile.objects.filter(claim=claim).order_by("kind", "id"))
    assert [(f.kind, f.original_name) for f in files] == [
        ("completion_evidence", "验收报告-FP-F1.pdf"),
        ("completion_evidence", "现场照片-FP-F1.png"), ("payment_proof", "付款凭证-FP-F1.pdf")]
    assert all(f.uploaded_by == users["provider"] and f.size > 0 for f in files)
    assert (tmp_path / "private" / files[0].file.name).read_bytes().startswith(b"%PDF-")
    assert files[0].file.name.startswith("vouchers/") and "FP-F1" not in files[0].file.name
    records = ChangeRecord.objects.filter(object_id__in=[str(f.pk) for f in files],
                                          content_type__model="claimfile")
    assert records.count() == 3
    assert {r.after["file"] for r in records} == {f.file.name for f in files}
    assert ChangeRecord.objects.filter(object_id=str(claim.pk), content_type__model="claim",
                                       action="create").count() == 1


def test_a_claim_costs_a_fixed_number_of_queries(service_contract, users, voucher):
    """Filing reads the contract (with its catalogue and related parties) and the idempotency
    key, then in one transaction: history, claim, parties, the four accounts in one read, the
    reservation, the files in one INSERT and the audit records in one statement. More files
    or more claims of the enterprise do not add queries (bench/bench_vouchers.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    file(service_contract, users["provider"], invoice="FP-Q0", fee=10_000)
    counts = []
    for n, extra in enumerate((0, 4)):
        files = evidence_files(f"FP-Q{n + 1}")
        files["completion_evidence_files"] += evidence_files(f"X{n}")[
            "completion_evidence_files"][:1] * extra
        with CaptureQueriesContext(connection) as ctx:
            claim, created = services.file_claim(
                actor=users["provider"], contract=service_contract,
                data={"invoice_no": f"FP-Q{n + 1}", "fee_fen": 10_000,
                      "service_completed_on": MAY_1}, files=files)
        assert created and claim.status == Claim.Status.PENDING
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 24, counts  # was 29 before any file was stored


def test_a_voucher_that_lapsed_after_it_was_read_is_read_again(service_contract, users,
                                                                voucher, monkeypatch):
    """The rule reads no lapse entries for an issued voucher; when it lapsed meanwhile, the
    reservation finds the balance gone and the claim is judged again on the fresh voucher."""
    stale = services._contract_for_claim(service_contract.pk)
    assert stale.voucher.status == Voucher.Status.ISSUED
    assert services.lapse_expired(today=D(2026, 1, 1)) == 1
    reads = []
    fresh = services._contract_for_claim

    def read(pk):
        reads.append(pk)
        return stale if len(reads) == 1 else fresh(pk)

    monkeypatch.setattr(services, "_contract_for_claim", read)
    claim, created = file(service_contract, users["provider"], invoice="FP-LATE",
                          on=D(2025, 12, 20))
    assert created and len(reads) == 2
    assert claim.status == Claim.Status.REFUSED and any("失效" in r for r in claim.reasons)
    assert ledger.verify() == []
