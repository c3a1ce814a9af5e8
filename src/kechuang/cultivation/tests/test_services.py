"""Writes through the services: validation, scope, audit, workflow, evidence, the tier rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError, ScopeError
from kechuang.cultivation import selectors, services
from kechuang.cultivation.models import CandidateEntry, HighTechCertificate, RecordFile
from kechuang.cultivation.tests.conftest import (
    make_certificate,
    make_leader,
    make_registration,
    pdf_file,
)
from kechuang.workflow.models import Transition
from kechuang.workflow.services import TransitionError

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


def reg_data(enterprise, **kw):
    return {"enterprise": enterprise, "year": 2025, "registration_no": "2025140403a0000009",
            "registered_on": dt.date(2025, 5, 6), "note": "", **kw}


def test_county_clerk_registers_with_evidence_audited(users, enterprise_a, settings):
    clerk = users["county_a_staff"]
    reg = services.register_tech_sme(actor=clerk, data=reg_data(enterprise_a),
                                     files=[pdf_file()])
    assert reg.registration_no == "2025140403A0000009"  # normalised to upper case
    assert reg.status == "registered" and reg.created_by == clerk
    f = RecordFile.objects.get(registration=reg)
    assert f.original_name == "入库通知.pdf" and f.file.path.startswith(
        str(settings.PRIVATE_MEDIA_ROOT))
    actions = set(ChangeRecord.objects.filter(actor=clerk).values_list(
        "content_type__model", "action"))
    assert {("techsmeregistration", "create"), ("recordfile", "create"),
            ("organisation", "update")} <= actions
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == "tech_sme"


def test_bad_file_rolls_everything_back(users, enterprise_a):
    with pytest.raises(ValidationError, match="内容与扩展名"):
        services.register_tech_sme(actor=users["county_a_staff"], data=reg_data(enterprise_a),
                                   files=[pdf_file(content=b"MZ not a pdf")])
    assert not RecordFile.objects.exists()
    assert not enterprise_a.tech_sme_registrations.exists()


def test_county_clerk_cannot_register_other_county(users, enterprise_b):
    with pytest.raises(ScopeError):
        services.register_tech_sme(actor=users["county_a_staff"],
                                   data=reg_data(enterprise_b))
    assert not enterprise_b.tech_sme_registrations.exists()


def test_enterprise_users_and_others_cannot_write(users, enterprise_a):
    for role in ("enterprise_a_user", "expert", "provider", "auditor"):
        with pytest.raises(PermissionDenied):
            services.register_tech_sme(actor=users[role], data=reg_data(enterprise_a))


def test_duplicate_year_and_number_refused_in_chinese(users, enterprise_a):
    services.register_tech_sme(actor=users["city_staff"], data=reg_data(enterprise_a))
    with pytest.raises(ValidationError) as exc:
        services.register_tech_sme(actor=users["city_staff"], data=reg_data(
            enterprise_a, registration_no="2025140403A0000010"))
    assert "该企业在该评价年度已有入库登记" in str(exc.value)


def test_certificate_expiry_is_computed_not_taken(users, enterprise_a):
    cert = services.record_certificate(actor=users["city_staff"], data={
        "enterprise": enterprise_a, "certificate_no": "gr202414000123",
        "issued_on": dt.date(2024, 2, 29), "batch": "2024年第一批", "kind": "new",
        "expires_on": dt.date(2099, 1, 1)})
    assert cert.certificate_no == "GR202414000123"
    assert cert.expires_on == dt.date(2027, 2, 28)
    cert = services.update_certificate(actor=users["city_staff"], certificate=cert, data={
        "enterprise": enterprise_a, "certificate_no": "GR202414000123",
        "issued_on": dt.date(2024, 12, 10), "batch": "", "kind": "new"})
    assert cert.expires_on == dt.date(2027, 12, 9)


def test_revoke_through_the_workflow(users, enterprise_a):
    clerk = users["county_a_staff"]
    reg = services.register_tech_sme(actor=clerk, data=reg_data(enterprise_a))
    with pytest.raises(TransitionError, match="请填写撤销登记的原因"):
        services.revoke_registration(actor=clerk, registration=reg, reason=" ")
    reg = services.revoke_registration(actor=clerk, registration=reg, reason="未按期更新信息表",
                                       revoked_on=dt.date(2025, 7, 1))
    assert reg.status == "revoked" and reg.revoked_on == dt.date(2025, 7, 1)
    assert reg.revoke_reason == "未按期更新信息表"
    t = Transition.objects.get()
    assert (t.from_state, t.to_state, t.actor) == ("registered", "revoked", clerk)
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == ""
    with pytest.raises(TransitionError, match="当前状态为“已撤销”"):
        services.revoke_registration(actor=clerk, registration=reg, reason="again")


def test_county_clerk_cannot_revoke_other_county(users, enterprise_b):
    cert = make_certificate(enterprise_b)
    with pytest.raises(ScopeError):
        services.revoke_certificate(actor=users["county_a_staff"], certificate=cert,
                                    reason="x")
    cert = services.revoke_certificate(actor=users["county_b_staff"], certificate=cert,
                                       reason="弄虚作假")
    assert cert.status == HighTechCertificate.Status.REVOKED


def test_tier_rule(users, enterprise_a):
    ids = [enterprise_a.pk]

    def tier(day):
        return selectors.tiers_for(ids, as_of=day)[enterprise_a.pk]

    assert tier(TODAY) == ""
    make_registration(enterprise_a, year=2024, registered_on=dt.date(2024, 5, 1))
    assert tier(dt.date(2025, 6, 1)) == "tech_sme"  # last evaluation year still counts
    assert tier(dt.date(2026, 1, 1)) == ""  # two years ago does not
    cert = make_certificate(enterprise_a, issued_on=dt.date(2023, 12, 8))
    assert tier(dt.date(2026, 12, 7)) == "high_tech"
    assert tier(dt.date(2026, 12, 8)) == ""  # expired the day after its last day
    make_leader(enterprise_a, year=2025)
    assert tier(dt.date(2025, 9, 2)) == "leader"
    assert tier(dt.date(2025, 8, 31)) == "high_tech"  # not designated yet
    assert tier(dt.date(2027, 1, 1)) == ""
    cert.status = "revoked"
    cert.save()
    assert tier(dt.date(2024, 6, 1)) == "tech_sme"


def test_refresh_tier_audits_and_daily_check_moves_expired(users, enterprise_a):
    make_certificate(enterprise_a, issued_on=dt.date(2023, 12, 8))
    assert services.refresh_tier(enterprise=enterprise_a, actor=None,
                                 as_of=dt.date(2026, 1, 1)) == "high_tech"
    rec = ChangeRecord.objects.get(content_type__model="organisation")
    assert rec.after["tier"] == "high_tech" and "自动更新" in rec.reason
    assert services.refresh_all_tiers(as_of=dt.date(2026, 12, 8)) == 1
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == ""
    assert services.refresh_all_tiers(as_of=dt.date(2026, 12, 8)) == 0


def test_leader_designation_sets_the_top_tier(users, enterprise_a):
    d = services.designate_leader(actor=users["city_staff"], data={
        "enterprise": enterprise_a, "year": 2025, "designated_on": dt.date(2025, 9, 18),
        "document_no": "长科发〔2025〕36号"})
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == "leader" and d.created_by == users["city_staff"]


def test_add_files_to_record_in_scope_only(users, enterprise_a, enterprise_b):
    reg_a, reg_b = make_registration(enterprise_a), make_registration(enterprise_b)
    files = services.add_files(actor=users["county_a_staff"], record=reg_a,
                               files=[pdf_file("证书.pdf")])
    assert files[0].registration == reg_a
    with pytest.raises(ScopeError):
        services.add_files(actor=users["county_a_staff"], record=reg_b, files=[pdf_file()])
    with pytest.raises(PermissionDenied):
        services.add_files(actor=users["enterprise_a_user"], record=reg_a, files=[pdf_file()])


# ---- candidate pool ------------------------------------------------------------------------


def test_candidate_add_visit_remove(users, enterprise_a):
    clerk = users["county_a_staff"]
    entry = services.add_candidate(actor=clerk, data={
        "enterprise": enterprise_a, "target_rung": "high_tech", "year": 2026, "note": "重点"})
    assert entry.status == "active" and entry.added_by == clerk
    with pytest.raises(ValidationError, match="已在本年度同一培育目标的后备库中"):
        services.add_candidate(actor=clerk, data={
            "enterprise": enterprise_a, "target_rung": "high_tech", "year": 2026})
    visit = services.record_visit(actor=clerk, entry=entry, data={
        "visited_on": dt.date(2026, 3, 2), "visitor": "张三", "notes": "讲解政策"})
    assert visit.recorded_by == clerk
    with pytest.raises(TransitionError, match="原因"):
        services.remove_candidate(actor=clerk, entry=entry, reason="")
    entry = services.remove_candidate(actor=clerk, entry=entry, reason="企业迁出")
    assert entry.status == "removed" and entry.close_reason == "企业迁出" and entry.closed_at
    with pytest.raises(DomainError, match="已不在后备库"):
        services.record_visit(actor=clerk, entry=entry, data={
            "visited_on": dt.date(2026, 3, 3), "visitor": "张三", "notes": "x"})
    # a removed entry does not block adding the enterprise again
    again = services.add_candidate(actor=clerk, data={
        "enterprise": enterprise_a, "target_rung": "high_tech", "year": 2026})
    again = services.promote_candidate(actor=clerk, entry=again)
    assert again.status == "promoted"
    assert ChangeRecord.objects.filter(content_type__model="candidateentry").count() == 4


@pytest.mark.parametrize(("tier", "refused", "allowed"), [
    ("", [], ["tech_sme", "high_tech", "leader"]),
    ("tech_sme", ["tech_sme"], ["high_tech", "leader"]),
    ("high_tech", ["tech_sme", "high_tech"], ["leader"]),
    ("leader", ["tech_sme", "high_tech", "leader"], []),
])
def test_candidate_target_must_be_above_the_current_tier(users, enterprise_a, tier, refused,
                                                          allowed):
    enterprise_a.tier = tier
    enterprise_a.save(update_fields=["tier"])
    clerk = users["county_a_staff"]
    for rung in refused:
        with pytest.raises(DomainError, match="培育目标须高于当前梯队|最高梯队") as err:
            services.add_candidate(actor=clerk, data={
                "enterprise": enterprise_a, "target_rung": rung, "year": 2026})
        assert err.value.field == "target_rung"
    assert not CandidateEntry.objects.exists()
    for rung in allowed:
        services.add_candidate(actor=clerk, data={
            "enterprise": enterprise_a, "target_rung": rung, "year": 2026})
    assert sorted(CandidateEntry.objects.values_list("target_rung", flat=True)) == sorted(allowed)


def test_candidate_target_message_names_the_tier_and_the_options(users, enterprise_a):
    enterprise_a.tier = "tech_sme"
    enterprise_a.save(update_fields=["tier"])
    with pytest.raises(DomainError) as err:
        services.add_candidate(actor=users["county_a_staff"], data={
            "enterprise": enterprise_a.pk, "target_rung": "tech_sme", "year": 2026})
    assert err.value.message == ("该企业当前已是“科技型中小企业”，培育目标须高于当前梯队，"
                                 "可选：高新技术企业、高科技领军企业")


def test_candidate_scope(users, enterprise_b):
    with pytest.raises(ScopeError):
        services.add_candidate(actor=users["county_a_staff"], data={
            "enterprise": enterprise_b, "target_rung": "tech_sme", "year": 2026})
    with pytest.raises(PermissionDenied):
        services.add_candidate(actor=users["enterprise_b_user"], data={
            "enterprise": enterprise_b, "target_rung": "tech_sme", "year": 2026})
    assert not CandidateEntry.objects.exists()
