"""The pages: apply through the form, register and cancel from the detail, list and warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kechuang.techmarket.models import TechContract
from kechuang.techmarket.tests.conftest import apply, register

D = dt.date
pytestmark = pytest.mark.django_db


def _form(seller, buyer, **extra):
    data = {"contract_type": "development", "sub_type": "commissioned",
            "subject": "焦化废水深度处理技术开发", "seller": seller.credit_code,
            "buyer": buyer.credit_code, "turnover_yuan": "3000000", "signed_on": "2026-09-01",
            "applied_on": "2026-09-21", "costs-TOTAL_FORMS": "3", "costs-INITIAL_FORMS": "0",
            "costs-MIN_NUM_FORMS": "0", "costs-MAX_NUM_FORMS": "20",
            "costs-0-description": "中试设备", "costs-0-kind": "equipment",
            "costs-0-amount_yuan": "500000", "costs-1-kind": "materials",
            "costs-2-kind": "materials"}
    data.update(extra)
    return data


def test_enterprise_applies_and_the_office_registers(client_for, users, enterprise_a,
                                                     enterprise_b):
    client = client_for(users["enterprise_a_user"])
    resp = client.post(reverse("techmarket:contract_add"), _form(enterprise_a, enterprise_b))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    c = TechContract.objects.get()
    assert c.tech_transaction_yuan == Decimal("2500000") and c.deadline_on == D(2026, 10, 19)
    assert c.submitted_by == users["enterprise_a_user"]
    page = client.get(c.get_absolute_url()).content.decode()
    assert "焦化废水深度处理技术开发" in page and 'data-testid="decision-card"' not in page

    office = client_for(users["city_staff"])
    page = office.get(c.get_absolute_url()).content.decode()
    assert 'data-testid="action-register"' in page
    resp = office.post(reverse("techmarket:contract_register", args=[c.pk]),
                       {"registration_no": "2026140400000001", "registered_on": "2026-10-12"})
    assert resp.status_code == 302
    c.refresh_from_db()
    assert c.status == "registered" and c.registered_on == D(2026, 10, 12)
    page = office.get(c.get_absolute_url()).content.decode()
    assert page.count('data-testid="history-row"') == 2
    assert 'data-testid="action-cancel"' in page

    resp = office.post(reverse("techmarket:contract_cancel", args=[c.pk]), {"reason": ""})
    c.refresh_from_db()
    assert c.status == "registered"  # no reason: refused with a message


def test_enterprise_cannot_name_two_foreign_parties(client_for, users, enterprise_a,
                                                    enterprise_b, enterprise_a2):
    client = client_for(users["enterprise_b_user"])
    resp = client.post(reverse("techmarket:contract_add"), _form(enterprise_a, enterprise_a2))
    assert resp.status_code == 200
    assert "只能为本单位作为卖方或买方的合同申请登记" in resp.content.decode()
    assert not TechContract.objects.exists()


def test_unknown_party_is_a_form_error(client_for, users, enterprise_a):
    client = client_for(users["city_staff"])
    resp = client.post(reverse("techmarket:contract_add"),
                       _form(enterprise_a, enterprise_a) | {"buyer": "不存在的公司"})
    assert "找不到单位" in resp.content.decode()


def test_a_hidden_organisation_by_name_answers_like_an_unknown_one(client_for, users,
                                                                  enterprise_a, enterprise_b):
    """An enterprise naming a counterparty it may not see by name gets the message an unknown
    name gets — the form does not reveal that the organisation is on record."""
    client = client_for(users["enterprise_a_user"])
    hidden = client.post(reverse("techmarket:contract_add"),
                         _form(enterprise_a, enterprise_b) | {"buyer": enterprise_b.name})
    unknown = client.post(reverse("techmarket:contract_add"),
                          _form(enterprise_a, enterprise_b) | {"buyer": "不存在的公司"})
    assert not TechContract.objects.exists()
    msg = "找不到单位“%s”：请填写完整的统一社会信用代码"
    assert msg % enterprise_b.name in hidden.content.decode()
    assert msg % "不存在的公司" in unknown.content.decode()


def test_correction_from_the_edit_page_restarts_the_deadline(client_for, users, office,
                                                             enterprise_a, enterprise_b):
    c = apply(office, enterprise_a, enterprise_b, applied_on=D(2026, 9, 21))
    client = client_for(users["enterprise_a_user"])
    data = _form(enterprise_a, enterprise_b, corrected_on="2026-10-09",
                 version=str(c.version), turnover_yuan="1000000")
    data.pop("costs-0-description"), data.pop("costs-0-amount_yuan")
    resp = client.post(reverse("techmarket:contract_edit", args=[c.pk]), data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    c.refresh_from_db()
    assert c.deadline_on == D(2026, 10, 29) and c.turnover_yuan == Decimal("1000000")


def test_overdue_warning_on_list_and_detail(client_for, users, office, enterprise_a,
                                            enterprise_b):
    late = apply(office, enterprise_a, enterprise_b, applied_on=D(2025, 3, 3),
                 subject="超期合同")
    done = register(apply(office, enterprise_a, enterprise_b, applied_on=D(2025, 3, 3),
                          subject="已登记合同"), office, D(2025, 3, 5))
    client = client_for(users["county_a_staff"])
    page = client.get(reverse("techmarket:contract_list") + "?status=overdue").content.decode()
    assert "超期合同" in page and "已登记合同" not in page
    assert 'data-testid="overdue-warning"' in client.get(late.get_absolute_url()).content.decode()
    assert 'data-testid="overdue-warning"' not in client.get(
        done.get_absolute_url()).content.decode()
    # county staff read only: no decision card
    assert 'data-testid="decision-card"' not in client.get(
        late.get_absolute_url()).content.decode()


def test_list_sorts_and_filters_by_county(client_for, users, office, enterprise_a,
                                          enterprise_b, county_b):
    apply(office, enterprise_a, enterprise_b, subject="甲县卖出", turnover="100")
    apply(office, enterprise_b, enterprise_a, subject="乙县卖出", turnover="900")
    client = client_for(users["city_admin"])
    page = client.get(reverse("techmarket:contract_list") + f"?county={county_b.pk}"
                      ).content.decode()
    assert "乙县卖出" in page and "甲县卖出" not in page
    page = client.get(reverse("techmarket:contract_list") + "?sort=-turnover_yuan"
                      ).content.decode()
    assert page.index("乙县卖出") < page.index("甲县卖出")


def test_conversion_list_is_scoped_paged_and_flat(client_for, users, enterprise_a, enterprise_b):
    """Every platform-to-enterprise conversion, not only the coverage page's latest 20: county
    staff see their county's, the page does one query however many rows it shows."""
    from kechuang.core.tests.listqueries import assert_flat
    from kechuang.techmarket import services

    city = users["city_staff"]

    def add(start, n):
        for i in range(start, start + n):
            services.record_conversion(actor=city, data={
                "platform_name": f"转制平台{i}", "enterprise": enterprise_a if i % 2 else
                enterprise_b, "converted_on": dt.date(2025, 1 + i % 12, 1)})

    assert_flat(client_for(city), reverse("techmarket:conversion_list"), "conversion-row", add)
    page = client_for(users["county_b_staff"]).get(
        reverse("techmarket:conversion_list")).content.decode()
    assert enterprise_b.name in page and enterprise_a.name not in page
    services.record_conversion(actor=city, data={
        "platform_name": "去年转制平台", "enterprise": enterprise_a,
        "converted_on": dt.date(2024, 6, 1)})
    page = client_for(city).get(reverse("techmarket:conversion_list"), {"year": "2024"})
    assert page.content.decode().count('data-testid="conversion-row"') == 1
