"""The pages: lists, forms, detail, evidence, masking on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.cooperation import services
from kechuang.cooperation.models import Achievement, CooperationProject, Talent
from kechuang.cooperation.tests.conftest import pdf, project, talent

D = dt.date
pytestmark = pytest.mark.django_db


def test_bureau_registers_a_project_and_adds_a_milestone(client_for, users, county_a,
                                                         enterprise_a, enterprise_a2):
    client = client_for(users["city_staff"])
    resp = client.post(reverse("cooperation:project_add"), {
        "name": "太行研究院", "kind": "institute", "partner_name": "太原理工大学",
        "local_partners": f"{enterprise_a.credit_code}\n{enterprise_a2.name}",
        "county": county_a.pk, "agreement_on": "2024-06-01", "provincial": "on",
        "status": "building"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    p = CooperationProject.objects.get()
    assert set(p.local_partners.all()) == {enterprise_a, enterprise_a2}
    resp = client.post(reverse("cooperation:milestone_add", args=[p.pk]),
                       {"title": "完成挂牌", "due_on": "2024-09-01"})
    assert resp.status_code == 302
    page = client.get(p.get_absolute_url()).content.decode()
    assert "完成挂牌" in page and 'data-testid="milestone-overdue"' in page
    listing = client.get(reverse("cooperation:project_list")).content.decode()
    assert "太行研究院" in listing and "滞后" in listing


def test_unknown_local_partner_is_a_form_error(client_for, users, county_a):
    client = client_for(users["city_staff"])
    resp = client.post(reverse("cooperation:project_add"), {
        "name": "X", "kind": "institute", "partner_name": "某大学",
        "local_partners": "不存在的公司", "county": county_a.pk,
        "agreement_on": "2024-06-01", "status": "building"})
    assert resp.status_code == 200 and "找不到单位" in resp.content.decode()


def test_partner_files_evidence_through_the_page(client_for, users, county_a, enterprise_a,
                                                 settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    p = project(users["city_staff"], county_a, [enterprise_a])
    m = services.add_milestone(project=p, actor=users["city_staff"],
                               data={"title": "中试线建成", "due_on": D(2025, 3, 1)})
    client = client_for(users["enterprise_a_user"])
    resp = client.post(reverse("cooperation:milestone_evidence", args=[m.pk]),
                       {"done_on": "2025-02-20", "note": "已建成", "files": [pdf()]})
    assert resp.status_code == 302
    page = client.get(p.get_absolute_url()).content.decode()
    assert 'data-testid="milestone-done"' in page and "按计划推进" in page
    ev = m.evidence.get()
    assert client.get(ev.get_absolute_url()).status_code == 200


def test_talent_list_masks_names_for_county_staff(client_for, users, enterprise_a):
    talent(users["city_staff"], enterprise_a, name="司马相如")
    page = client_for(users["county_a_staff"]).get(
        reverse("cooperation:talent_list")).content.decode()
    assert "司马相如" not in page and "司***" in page and 'data-testid="masked-note"' in page
    page = client_for(users["city_staff"]).get(
        reverse("cooperation:talent_list")).content.decode()
    assert "司马相如" in page


def test_enterprise_adds_its_talent_and_bureau_adds_an_achievement(client_for, users,
                                                                   enterprise_a):
    client = client_for(users["enterprise_a_user"])
    resp = client.post(reverse("cooperation:talent_add"), {
        "category": "young", "mode": "full_time", "name": "李青", "members": "1",
        "host": enterprise_a.credit_code, "field": "材料", "started_on": "2025-05-01"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    assert Talent.objects.get().host == enterprise_a
    client = client_for(users["city_staff"])
    resp = client.post(reverse("cooperation:achievement_add"), {
        "title": "成果", "source": "山西大学", "receiver": enterprise_a.credit_code,
        "mode": "transfer", "amount_yuan": "120000.50", "transferred_on": "2025-05-01"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    assert str(Achievement.objects.get().amount_yuan) == "120000.50"
    assert "成果" in client.get(reverse("cooperation:achievement_list")).content.decode()


def test_lists_are_flat(client_for, users, county_a, enterprise_a, django_assert_max_num_queries):
    for n in range(6):
        p = project(users["city_staff"], county_a, [enterprise_a], name=f"项目{n}")
        services.add_milestone(project=p, actor=users["city_staff"],
                               data={"title": "节点", "due_on": D(2025, 1, 1)})
        talent(users["city_staff"], enterprise_a, name=f"人{n}")
    client = client_for(users["city_staff"])
    client.get(reverse("cooperation:project_list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("cooperation:project_list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("cooperation:talent_list"))


def test_edit_pages_keep_values_and_refuse_a_stale_version(client_for, users, county_a,
                                                           enterprise_a):
    staff = users["city_staff"]
    p = project(staff, county_a, [enterprise_a], name="旧名")
    client = client_for(staff)
    page = client.get(reverse("cooperation:project_edit", args=[p.pk])).content.decode()
    assert "旧名" in page and enterprise_a.credit_code in page
    data = {"name": "新名", "kind": "joint_lab", "partner_name": "北京大学",
            "local_partners": enterprise_a.credit_code, "county": county_a.pk,
            "agreement_on": "2024-05-01", "status": "operating", "version": "1"}
    assert client.post(reverse("cooperation:project_edit", args=[p.pk]), data).status_code == 302
    p.refresh_from_db()
    assert p.name == "新名" and p.version == 2
    resp = client.post(reverse("cooperation:project_edit", args=[p.pk]), data)  # version 1
    assert resp.status_code == 200 and "已被" in resp.content.decode()
    t = talent(staff, enterprise_a, name="王五")
    page = client.get(reverse("cooperation:talent_edit", args=[t.pk])).content.decode()
    assert "王五" in page and enterprise_a.credit_code in page


def test_talent_export_rows_are_masked_for_readers(users, enterprise_a):
    from kechuang.cooperation import selectors, tables

    talent(users["city_staff"], enterprise_a, name="上官婉儿", id_number="140402199001011234")
    columns = tables.TALENTS.excel_columns()

    def cells(user):
        row = selectors.talent_list(user=user, action="export").get()
        return [c.value(row) for c in columns]

    reader = cells(users["county_a_staff"])
    assert "上官婉儿" not in reader and "140402199001011234" not in reader
    assert "上官婉儿" in cells(users["city_staff"])
