"""Services: scope, validation, audit (with the talent's personal data only as a digest)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kechuang.audit.models import ChangeRecord
from kechuang.cooperation import selectors, services
from kechuang.cooperation.models import CooperationProject, Talent
from kechuang.cooperation.tests.conftest import achievement, pdf, project, talent
from kechuang.core.errors import DomainError, ScopeError

D = dt.date
pytestmark = pytest.mark.django_db


def test_partner_files_evidence_and_the_project_is_back_on_schedule(
        office, users, county_a, enterprise_a, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    p = project(office, county_a, [enterprise_a])
    m = services.add_milestone(project=p, actor=office,
                               data={"title": "完成挂牌", "due_on": D(2024, 9, 1)})
    assert selectors.project_detail(user=office, pk=p.pk).overdue_n == 1
    partner = users["enterprise_a_user"]
    with pytest.raises(DomainError):  # evidence is required
        services.file_evidence(milestone=m, actor=partner, done_on=D(2024, 10, 1), files=[])
    services.file_evidence(milestone=m, actor=partner, done_on=D(2024, 10, 1), files=[pdf()],
                           note="已挂牌")
    seen = selectors.project_detail(user=office, pk=p.pk)
    assert seen.overdue_n == 0
    assert [x.late for x in selectors.milestones_of(project=p, user=office)] == [True]
    # another enterprise cannot touch it
    with pytest.raises(ScopeError):
        services.file_evidence(milestone=m, actor=users["enterprise_b_user"],
                               done_on=D(2024, 10, 1), files=[pdf()])


def test_county_staff_add_only_in_their_county(users, county_a, county_b, enterprise_a):
    with pytest.raises(ScopeError):
        project(users["county_a_staff"], county_b, [enterprise_a])
    assert project(users["county_a_staff"], county_a, [enterprise_a]).pk
    with pytest.raises(PermissionDenied):
        project(users["enterprise_a_user"], county_a, [enterprise_a])


def test_scopes(office, users, county_a, county_b, enterprise_a, enterprise_b):
    pa = project(office, county_a, [enterprise_a], name="甲")
    pb = project(office, county_b, [enterprise_b], name="乙")
    for who, expected in (("city_admin", {pa, pb}), ("county_a_staff", {pa}),
                          ("enterprise_b_user", {pb}), ("provider", set()),
                          ("expert", set())):
        assert set(CooperationProject.objects.restrict(users[who])) == expected, who


def test_project_needs_a_partner_and_a_local_partner(office, county_a, enterprise_a):
    with pytest.raises(DomainError):
        project(office, county_a, [])
    with pytest.raises(DomainError):
        project(office, county_a, [enterprise_a], partner_name="")


def test_talent_personal_data_masked_for_readers_and_never_in_the_audit_trail(
        office, users, county_a, enterprise_a):
    t = talent(office, enterprise_a, name="欧阳明华", id_number="140402199001011234")
    rec = ChangeRecord.objects.filter(object_id=str(t.pk),
                                      content_type__model="talent").get()
    text = str(rec.after) + rec.object_repr
    assert "欧阳明华" not in text and "140402199001011234" not in text
    assert rec.after["name"].startswith("secret:")
    reader = selectors.talent_list(user=users["county_a_staff"]).get()
    assert selectors.shown_name(reader) == "欧***"
    assert selectors.shown_id(reader) == "140***********1234"
    keeper = selectors.talent_list(user=users["enterprise_a_user"]).get()
    assert selectors.shown_name(keeper) == "欧阳明华"
    # a reader cannot find the person by name either
    assert not selectors.talent_list(user=users["county_a_staff"], filters={"q": "欧阳"})


def test_talent_rules(office, enterprise_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        talent(office, enterprise_a, category="team", team_name="")
    with pytest.raises(ValidationError):
        talent(office, enterprise_a, ended_on=D(2024, 1, 1))


def test_enterprise_registers_talents_only_for_itself(users, enterprise_a, enterprise_b):
    assert talent(users["enterprise_a_user"], enterprise_a).host == enterprise_a
    with pytest.raises(ScopeError):
        talent(users["enterprise_a_user"], enterprise_b)
    with pytest.raises(PermissionDenied):
        talent(users["county_a_staff"], enterprise_a)
    assert Talent.objects.count() == 1


def test_achievement_amount_is_decimal_and_contract_no_text(office, enterprise_a):
    a = achievement(office, enterprise_a, contract_no=" 2025140400000123 ")
    a.refresh_from_db()
    assert a.contract_no == "2025140400000123" and str(a.amount_yuan) == "500000.00"


def test_done_date_not_in_the_future(office, users, county_a, enterprise_a):
    p = project(office, county_a, [enterprise_a])
    m = services.add_milestone(project=p, actor=office,
                               data={"title": "节点", "due_on": D(2025, 1, 1)})
    with pytest.raises(DomainError):
        services.file_evidence(milestone=m, actor=office, files=[pdf()],
                               done_on=timezone.localdate() + dt.timedelta(days=3))


def test_milestone_reminders_reach_partners_and_county_once(office, users, county_a,
                                                            enterprise_a):
    from kechuang.notices.models import Notice

    p = project(office, county_a, [enterprise_a])
    services.add_milestone(project=p, actor=office, data={"title": "挂牌", "due_on": D(2025, 3, 1)})
    services.add_milestone(project=p, actor=office, data={"title": "验收", "due_on": D(2025, 9, 1)})
    today = D(2025, 3, 5)
    assert services.send_milestone_reminders(today=today) == 2  # partner user + county staff
    assert services.send_milestone_reminders(today=today) == 0  # idempotent
    got = set(Notice.objects.values_list("recipient__username", flat=True))
    assert got == {"enterprise_a_user", "county_a_staff"}
    assert "已逾期" in Notice.objects.first().title
