"""City staff keep the policy, its catalogue and the county allocations from pages: every edit
audited, decided claims untouched, a deactivated kind closed to new contracts and claims, a
county never issuing beyond its allocation and an allocation never cut below what is issued."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError
from kechuang.vouchers import ledger, services
from kechuang.vouchers.demo import evidence_files
from kechuang.vouchers.models import Claim, CountyAllocation, ServiceKind, VoucherPolicy
from kechuang.vouchers.tests.conftest import contract, issue_voucher

D = dt.date
pytestmark = pytest.mark.django_db
FACE = 5_000_000  # the fixture policy's voucher: ¥50,000


def file(c, user, invoice, fee=2_000_000):
    claim, _ = services.file_claim(actor=user, contract=c, data={
        "invoice_no": invoice, "fee_fen": fee, "service_completed_on": D(2025, 5, 1)},
        files=evidence_files(invoice))
    return claim


def audited(obj, reason: str) -> bool:
    return ChangeRecord.objects.filter(object_id=str(obj.pk), reason=reason).exists()


def policy_post(**over):
    data = {"year": 2026, "name": "2026年度科技创新券", "document": "", "ratio": "0.4",
            "annual_cap_yuan": "80000", "face_value_yuan": "40000", "budget_yuan": "3000000",
            "valid_from": "2026-01-01", "valid_to": "2026-12-31",
            "required_tiers": ["tech_sme", "high_tech"], "in_city_only": "on",
            "revenue_cap_yuan": ""}
    data.update(over)
    return data


Y2025 = {"valid_from": "2025-01-01", "valid_to": "2025-12-31", "required_tiers": []}


# ---- policy pages ------------------------------------------------------------------------


def test_city_creates_a_policy_from_the_page(client_for, users):
    c = client_for(users["city_staff"])
    assert c.get(reverse("vouchers:policy_add")).status_code == 200
    resp = c.post(reverse("vouchers:policy_add"), policy_post())
    p = VoucherPolicy.objects.get(year=2026)
    assert resp.status_code == 302 and resp["Location"] == p.get_absolute_url()
    assert (p.ratio, p.annual_cap_fen, p.face_value_fen, p.budget_fen) == (
        Decimal("0.4"), 8_000_000, 4_000_000, 300_000_000)
    assert p.tiers == {"tech_sme", "high_tech"} and p.in_city_only
    assert ledger.account(p, ledger.K.BUDGET).balance_fen == 300_000_000
    assert audited(p, "新建创新券政策")
    # a window ending before it starts is refused on the form, nothing written
    body = c.post(reverse("vouchers:policy_add"), policy_post(
        year=2027, valid_to="2025-06-30")).content.decode()
    assert "有效期止不能早于有效期起" in body and not VoucherPolicy.objects.filter(year=2027)


def test_policy_edit_page_never_changes_decided_claims(client_for, users, policy, city,
                                                       service_contract):
    paid = file(service_contract, users["provider"], "FP-PAID")
    paid = services.decide_claim(actor=city, claim=paid, action="approve")
    paid = services.decide_claim(actor=city, claim=paid, action="pay")
    rejected = file(service_contract, users["provider"], "FP-REJ")
    services.decide_claim(actor=city, claim=rejected, action="reject", reason="材料不全")
    pending = file(service_contract, users["provider"], "FP-PEND")
    frozen = {c.pk: (c.amount_fen, c.explanation, c.result) for c in (paid, rejected, pending)}
    c = client_for(city)
    form = c.get(reverse("vouchers:policy_edit", args=[policy.pk])).content.decode()
    assert 'name="version"' in form and 'name="year"' not in form
    resp = c.post(reverse("vouchers:policy_edit", args=[policy.pk]), policy_post(
        ratio="0.2", annual_cap_yuan="30000", version=policy.version, **Y2025))
    assert resp.status_code == 302
    policy.refresh_from_db()
    assert policy.ratio == Decimal("0.2") and policy.annual_cap_fen == 3_000_000
    assert policy.year == 2025  # the year is not on the edit form
    for claim in Claim.objects.filter(pk__in=frozen):
        assert (claim.amount_fen, claim.explanation, claim.result) == frozen[claim.pk]
    # a new claim is judged by the edited policy
    new = file(service_contract, users["provider"], "FP-NEW")
    assert new.amount_fen == 400_000, new.reasons  # 20 % of ¥20,000
    assert audited(policy, "修改创新券政策")
    assert ledger.verify() == []


def test_policy_edit_refuses_a_budget_below_issued_and_allocated(client_for, users, policy,
                                                                 city, voucher, county_b):
    services.save_allocation(actor=city, policy=policy, county=county_b,
                             amount_fen=990_000_000)
    c = client_for(city)
    # ¥50,000 issued + ¥9,900,000 allocated: the budget cannot go to ¥9,000,000
    body = c.post(reverse("vouchers:policy_edit", args=[policy.pk]), policy_post(
        budget_yuan="9000000", version=policy.version, **Y2025)).content.decode()
    assert "年度预算不能低于已发放和已分配给县区的金额合计" in body
    policy.refresh_from_db()
    assert policy.budget_fen == 1_000_000_000


def test_stale_policy_form_is_refused(client_for, users, policy, city):
    services.update_policy(actor=city, policy=policy, data={"name": "别人改过"})
    body = client_for(city).post(reverse("vouchers:policy_edit", args=[policy.pk]),
                                 policy_post(version=1)).content.decode()
    assert "修改" in body and "请刷新后重试" in body
    policy.refresh_from_db()
    assert policy.name == "别人改过"


def test_copy_last_years_policy(client_for, users, policy, city, county_a):
    kind = ServiceKind.objects.get(policy=policy, code="rd")
    services.set_kind_active(actor=city, kind=kind, active=False)
    services.save_allocation(actor=city, policy=policy, county=county_a, amount_fen=50_000_000)
    c = client_for(city)
    resp = c.post(reverse("vouchers:policy_copy", args=[policy.pk]))
    new = VoucherPolicy.objects.get(year=2026)
    assert resp.status_code == 302 and resp["Location"] == reverse(
        "vouchers:policy_edit", args=[new.pk])
    assert new.name == "2026年度科技创新券" and new.valid_from == D(2026, 1, 1)
    assert new.valid_to == D(2026, 12, 31) and new.ratio == policy.ratio
    assert {(k.code, k.active, k.ratio) for k in new.kinds.all()} == {
        (k.code, k.active, k.ratio) for k in policy.kinds.all()}
    assert new.allocations.get().amount_fen == 50_000_000
    assert ledger.verify() == []
    # a second copy: the year exists, said so, nothing written
    c.post(reverse("vouchers:policy_copy", args=[policy.pk]))
    assert VoucherPolicy.objects.filter(year=2026).count() == 1
    with pytest.raises(DomainError, match="2026 年度的政策已经存在"):
        services.copy_policy(actor=city, source=policy)


# ---- catalogue entries -------------------------------------------------------------------


def test_catalogue_entry_edit_is_audited_and_keeps_its_code(client_for, users, policy, city):
    kind = ServiceKind.objects.get(policy=policy, code="testing")
    c = client_for(city)
    resp = c.post(reverse("vouchers:kind_edit", args=[kind.pk]),
                  {"name": "检验检测服务", "ratio": "0.6", "version": kind.version,
                   "code": "other"})
    assert resp.status_code == 302
    kind.refresh_from_db()
    assert (kind.code, kind.name, kind.ratio) == ("testing", "检验检测服务", Decimal("0.6"))
    record = ChangeRecord.objects.get(object_id=str(kind.pk), reason="修改服务目录")
    assert record.before["name"] == "检验检测" and record.after["name"] == "检验检测服务"
    with pytest.raises(DomainError, match="代码不能修改"):
        services.save_kind(actor=city, policy=policy, data={"code": "x"}, kind=kind)


def test_deactivated_kind_takes_no_new_contract_or_claim(client_for, users, policy, city,
                                                        voucher, provider, service_contract):
    decided = file(service_contract, users["provider"], "FP-OLD")
    decided = services.decide_claim(actor=city, claim=decided, action="approve")
    kind = ServiceKind.objects.get(policy=policy, code="testing")
    c = client_for(city)
    resp = c.post(reverse("vouchers:kind_deactivate", args=[kind.pk]))
    assert resp.status_code == 302
    kind.refresh_from_db()
    assert not kind.active and ServiceKind.objects.filter(pk=kind.pk).exists()
    assert audited(kind, "停用服务目录")
    body = c.get(policy.get_absolute_url()).content.decode()
    assert 'data-testid="activate-testing"' in body
    # no new contract of the kind (the page offers only active kinds; the service refuses)
    form = c.get(reverse("vouchers:contract_add", args=[voucher.pk])).content.decode()
    assert 'value="testing"' not in form and 'value="rd"' in form
    with pytest.raises(DomainError, match="服务目录"):
        contract(voucher, provider, users["enterprise_a_user"], users["provider"])
    # no new claim on an old contract of the kind; the decided claim keeps its decision
    new = file(service_contract, users["provider"], "FP-NEW")
    assert new.status == Claim.Status.REFUSED and new.amount_fen == 0 and new.reasons
    decided.refresh_from_db()
    assert decided.status == Claim.Status.APPROVED and decided.amount_fen == 1_000_000
    decided = services.decide_claim(actor=city, claim=decided, action="pay")
    assert decided.status == Claim.Status.PAID
    # deactivating twice says so; reactivating opens it again, audited
    c.post(reverse("vouchers:kind_deactivate", args=[kind.pk]))
    with pytest.raises(DomainError, match="已停用"):
        services.set_kind_active(actor=city, kind=kind, active=False)
    c.post(reverse("vouchers:kind_activate", args=[kind.pk]))
    kind.refresh_from_db()
    assert kind.active and audited(kind, "恢复服务目录")
    assert file(service_contract, users["provider"], "FP-AGAIN").status == Claim.Status.PENDING
    assert ledger.verify() == []


def test_providers_catalogue_entry_offers_only_active_kinds(client_for, users, policy, city,
                                                            voucher, provider):
    """The provider's own catalogue entry (its listed services): a deactivated kind cannot be
    added, one it already offers may stay; a contract needs a kind the provider offers."""
    services.update_catalogue(actor=users["provider"], provider=provider,
                              data={"services": "testing,rd"})
    for code in ("rd", "consulting"):
        services.set_kind_active(actor=city, kind=ServiceKind.objects.get(
            policy=policy, code=code), active=False)
    c = client_for(users["provider"])
    body = c.post(reverse("vouchers:provider_detail", args=[provider.pk]),
                  {"services": "testing,rd,consulting"}).content.decode()
    assert "服务类别代码 consulting 不在 2025 年度服务目录内或已停用" in body
    provider.refresh_from_db()
    assert provider.services == "testing,rd"
    resp = c.post(reverse("vouchers:provider_detail", args=[provider.pk]),
                  {"services": "testing,rd", "qualifications": "CMA"})
    assert resp.status_code == 302
    with pytest.raises(DomainError, match="不在本年度服务目录内或已停用"):
        contract(voucher, provider, users["enterprise_a_user"], users["provider"], kind="rd")
    services.set_kind_active(actor=city, kind=ServiceKind.objects.get(
        policy=policy, code="consulting"), active=True)
    with pytest.raises(DomainError, match="该服务机构的服务目录中没有此服务类别"):
        contract(voucher, provider, users["enterprise_a_user"], users["provider"],
                 kind="consulting")


# ---- county allocations ------------------------------------------------------------------


def _apply(policy, enterprise, user, county_user, face=FACE):
    v = services.apply_voucher(actor=user, policy=policy, enterprise=enterprise,
                               data={"face_value_fen": face})
    return services.decide_voucher(actor=county_user, voucher=v, action="review")


def test_a_county_never_issues_beyond_its_allocation(users, policy, city, enterprise_a,
                                                     enterprise_a2, enterprise_b, county_a):
    alloc = services.save_allocation(actor=city, policy=policy, county=county_a,
                                     amount_fen=8_000_000)
    assert audited(alloc, "县区预算分配")
    county = users["county_a_staff"]
    first = _apply(policy, enterprise_a, users["enterprise_a_user"], county)
    second = _apply(policy, enterprise_a2, city, county)
    services.decide_voucher(actor=city, voucher=first, action="approve")
    with pytest.raises(DomainError) as exc:
        services.decide_voucher(actor=city, voucher=second, action="approve")
    assert exc.value.message == "不能发放：潞州区的分配额度余额 ¥30,000.00，不足面额 ¥50,000.00"
    second.refresh_from_db()
    assert second.status == "reviewed" and not second.number  # nothing written
    # a county without an allocation draws on the city's unallocated budget
    other = _apply(policy, enterprise_b, users["enterprise_b_user"], users["county_b_staff"])
    services.decide_voucher(actor=city, voucher=other, action="approve")
    budget = ledger.account(policy, ledger.K.BUDGET).balance_fen
    assert budget == 1_000_000_000 - 8_000_000 - FACE
    # raising the allocation lets the second voucher through
    services.save_allocation(actor=city, policy=policy, county=county_a, amount_fen=10_000_000)
    services.decide_voucher(actor=city, voucher=second, action="approve")
    assert ledger.account(policy, ledger.K.COUNTY_BUDGET, county=county_a).balance_fen == 0
    assert ledger.verify() == []


def test_allocation_cannot_be_cut_below_issued_nor_exceed_the_city_budget(
        users, policy, city, voucher, county_a, county_b):
    # the fixture voucher (¥50,000, county A) was issued before the allocation: counted
    alloc = services.save_allocation(actor=city, policy=policy, county=county_a,
                                     amount_fen=20_000_000)
    assert alloc.opening_fen == FACE
    with pytest.raises(DomainError) as exc:
        services.save_allocation(actor=city, policy=policy, county=county_a,
                                 amount_fen=4_999_999)
    assert exc.value.message == "潞州区已发放 ¥50,000.00，分配额度不能调减到该金额以下"
    alloc.refresh_from_db()
    assert alloc.amount_fen == 20_000_000
    cut = services.save_allocation(actor=city, policy=policy, county=county_a, amount_fen=FACE)
    assert cut.amount_fen == FACE and audited(cut, "调整县区预算分配")
    record = ChangeRecord.objects.filter(object_id=str(cut.pk),
                                         reason="调整县区预算分配").latest("pk")
    assert record.before["amount_fen"] == 20_000_000 and record.after["amount_fen"] == FACE
    with pytest.raises(DomainError, match="不能为负数"):
        services.save_allocation(actor=city, policy=policy, county=county_a, amount_fen=-1)
    left = ledger.account(policy, ledger.K.BUDGET).balance_fen
    with pytest.raises(DomainError, match="市级尚未分配的预算只有"):
        services.save_allocation(actor=city, policy=policy, county=county_b,
                                 amount_fen=left + 1)
    assert not CountyAllocation.objects.filter(county=county_b).exists()
    services.save_allocation(actor=city, policy=policy, county=county_b, amount_fen=left)
    assert ledger.account(policy, ledger.K.BUDGET).balance_fen == 0
    assert ledger.verify() == []


def test_allocation_pages_city_manages_county_reads_its_own(client_for, users, policy, city,
                                                           voucher, county_a, county_b):
    c = client_for(city)
    resp = c.post(reverse("vouchers:allocation_add", args=[policy.pk]),
                  {"county": county_a.pk, "amount_yuan": "123456.78"})
    assert resp.status_code == 302
    services.save_allocation(actor=city, policy=policy, county=county_b, amount_fen=7_654_300)
    a = CountyAllocation.objects.get(county=county_a)
    assert a.amount_fen == 12_345_678
    body = c.get(reverse("vouchers:allocation_list", args=[policy.pk])).content.decode()
    # allocation / issued / remaining
    assert "123,456.78" in body and "50,000.00" in body and "73,456.78" in body
    assert "76,543.00" in body and 'data-testid="edit-allocation"' in body
    body = c.post(reverse("vouchers:allocation_edit", args=[a.pk]),
                  {"amount_yuan": "40000", "version": a.version}).content.decode()
    assert "潞州区已发放 ¥50,000.00，分配额度不能调减到该金额以下" in body
    # the county reads its own row, without edit buttons; not the other county's
    cc = client_for(users["county_a_staff"])
    body = cc.get(reverse("vouchers:allocation_list", args=[policy.pk])).content.decode()
    assert "123,456.78" in body and "76,543.00" not in body
    assert "edit-allocation" not in body and "add-allocation" not in body
    assert cc.get(reverse("vouchers:allocation_edit", args=[a.pk])).status_code == 403
    xlsx = cc.get(reverse("vouchers:allocation_export", args=[policy.pk]))
    text = _cells(xlsx.content)
    assert "潞州区" in text and "襄垣县" not in text and "123456.78" in text
    assert client_for(users["enterprise_a_user"]).get(
        reverse("vouchers:allocation_list", args=[policy.pk])).status_code == 403


def test_reconciliation_shows_allocation_issued_remaining(client_for, users, policy, city,
                                                          voucher, county_a):
    services.save_allocation(actor=city, policy=policy, county=county_a, amount_fen=20_000_000)
    c = client_for(city)
    body = c.get(reverse("vouchers:reconciliation") + "?year=2025").content.decode()
    assert 'data-testid="recon-allocations"' in body and 'data-testid="ledger-ok"' in body
    assert "200,000.00" in body and "150,000.00" in body  # allocated, remaining
    assert "9,800,000.00" in body  # the city's unallocated rest: ¥10m − ¥200k
    resp = c.get(reverse("vouchers:reconciliation_export") + "?year=2025")
    text = _cells(resp.content, sheet="县区预算分配")
    assert "潞州区" in text and "200000" in text and "150000" in text


def test_ledger_check_reports_an_allocation_out_of_step(policy, city, county_a):
    alloc = services.save_allocation(actor=city, policy=policy, county=county_a,
                                     amount_fen=20_000_000)
    CountyAllocation.objects.filter(pk=alloc.pk).update(amount_fen=30_000_000)
    assert any("分配额度" in p and "不一致" in p for p in ledger.verify())


def test_two_vouchers_of_one_enterprise_get_one_cap_grant(policy, city, enterprise_a, users):
    for _ in range(2):
        issue_voucher(policy, enterprise_a, users["enterprise_a_user"],
                      users["county_a_staff"], city)
    cap = ledger.account(policy, ledger.K.CAP_AVAILABLE, enterprise=enterprise_a.pk)
    assert cap.balance_fen == policy.annual_cap_fen


def _cells(content: bytes, sheet: str | None = None) -> str:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    ws = wb.get_sheet_by_name(sheet) if sheet else wb.get_sheet_by_index(0)
    return "\n".join(str(c) for row in ws.to_python() for c in row)
