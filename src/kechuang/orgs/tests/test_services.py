"""Writes go through services: validated, scope-checked, audited, all or nothing."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import ScopeError
from kechuang.orgs import services
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport


def records_for(obj):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk))


@pytest.mark.django_db
def test_update_records_before_and_after(users, enterprise_a):
    actor = users["county_a_staff"]
    services.update_enterprise(actor=actor, enterprise=enterprise_a,
                               data={"address": "潞州区英雄南路1号"})
    rec = records_for(enterprise_a).get()
    assert rec.action == "update" and rec.actor == actor
    assert rec.before["address"] == "" and rec.after["address"] == "潞州区英雄南路1号"
    assert rec.changed_fields == [("address", "", "潞州区英雄南路1号")]


@pytest.mark.django_db
def test_county_staff_cannot_move_enterprise_to_other_county(users, enterprise_a, county_b):
    with pytest.raises(ScopeError):
        services.update_enterprise(actor=users["county_a_staff"], enterprise=enterprise_a,
                                   data={"county": county_b})
    enterprise_a.refresh_from_db()
    assert enterprise_a.county.code == "140403"
    assert not records_for(enterprise_a).exists()


@pytest.mark.django_db
def test_county_staff_cannot_create_in_other_county(users, county_b):
    data = dict(name="外县企业", credit_code="914403001922038216", county=county_b,
                industry_code="C26", established_on="2020-01-01")
    with pytest.raises(ScopeError):
        services.create_enterprise(actor=users["county_a_staff"], data=data)
    assert not Enterprise.objects.filter(name="外县企业").exists()
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_invalid_report_writes_nothing(users, enterprise_a):
    with pytest.raises(ValidationError):
        services.create_annual_report(actor=users["city_staff"], data=dict(
            enterprise=enterprise_a, year=2024, employees=10, st_staff=11))
    assert not EnterpriseAnnualReport.objects.exists()
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_enterprise_user_edits_own_profile_but_not_locked_fields(users, enterprise_a, county_b):
    services.update_enterprise(actor=users["enterprise_a_user"], enterprise=enterprise_a,
                               data={"contact_name": "王经理", "county": county_b,
                                     "tier": "leader"})
    enterprise_a.refresh_from_db()
    assert enterprise_a.contact_name == "王经理"
    assert enterprise_a.county.code == "140403" and enterprise_a.tier == ""


@pytest.mark.django_db
def test_enterprise_user_cannot_touch_another_enterprise(users, enterprise_b):
    with pytest.raises(ScopeError):
        services.update_enterprise(actor=users["enterprise_a_user"], enterprise=enterprise_b,
                                   data={"contact_name": "x"})


@pytest.mark.django_db
def test_roles_without_the_right_are_refused(users, enterprise_a, report_a):
    with pytest.raises(PermissionDenied):
        services.update_enterprise(actor=users["auditor"], enterprise=enterprise_a, data={})
    with pytest.raises(PermissionDenied):
        services.delete_annual_report(actor=users["enterprise_a_user"], report=report_a)


@pytest.mark.django_db
def test_delete_report_is_audited(users, report_a):
    pk = report_a.pk
    services.delete_annual_report(actor=users["county_a_staff"], report=report_a)
    rec = ChangeRecord.objects.get(action="delete")
    assert rec.object_id == str(pk) and rec.before["revenue_yuan"] == "30000000.00"
    assert rec.after is None


@pytest.mark.django_db
def test_chain_memberships_are_replaced_and_audited(users, enterprise_a):
    from kechuang.orgs.models import IndustrialChain

    a, b = IndustrialChain.objects.all()[:2]
    actor = users["city_staff"]
    services.set_chain_memberships(actor=actor, organisation=enterprise_a,
                                   memberships=[(a, "chain_leader")])
    services.set_chain_memberships(actor=actor, organisation=enterprise_a,
                                   memberships=[(a, "chain_core"), (b, "member")])
    roles = dict(enterprise_a.chain_memberships.values_list("chain_id", "role"))
    assert roles == {a.pk: "chain_core", b.pk: "member"}
    assert sorted(ChangeRecord.objects.values_list("action", flat=True)) == [
        "create", "create", "update"]


@pytest.mark.django_db
def test_money_is_decimal_to_the_fen(users, enterprise_a):
    r = services.create_annual_report(actor=users["city_staff"], data=dict(
        enterprise=enterprise_a, year=2023, revenue_yuan=Decimal("1234567.89")))
    r = EnterpriseAnnualReport.objects.get(pk=r.pk)
    assert r.revenue_yuan == Decimal("1234567.89") and isinstance(r.revenue_yuan, Decimal)


@pytest.mark.django_db
def test_load_city_loads_regions_then_the_ten_chains_once():
    from django.conf import settings

    from kechuang.orgs.models import IndustrialChain
    from kechuang.orgs.services import load_city

    first = load_city(path=settings.KECHUANG_REGION_FILE)
    assert first == {"regions_created": 15, "chains_created": 10}
    assert IndustrialChain.objects.count() == 10
    assert load_city(path=settings.KECHUANG_REGION_FILE) == {"regions_created": 0,
                                                              "chains_created": 0}
