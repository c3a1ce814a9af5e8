"""The statistics page, GDP share, tech-service coverage, candidates, tax links, attachments
and the party lookup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_enterprise, make_report
from kechuang import metrics
from kechuang.techmarket import selectors, services
from kechuang.techmarket.models import ContractAttachment
from kechuang.techmarket.tests.conftest import apply, register

D = dt.date
pytestmark = pytest.mark.django_db


def test_gdp_share_uses_the_entered_gdp(office, enterprise_a, enterprise_b, county_a):
    register(apply(office, enterprise_a, enterprise_b, turnover="50000000",
                   applied_on=D(2025, 3, 1)), office, D(2025, 3, 10))
    m = metrics.get("tech_contract_turnover_gdp_share")
    assert m.figures(year=2025, as_of=D(2025, 12, 31)).city is None  # no GDP yet
    services.save_gdp(actor=office, data={"county": county_a, "year": 2024,
                                          "gdp_yi": Decimal("100"), "source": "公报"})
    services.save_gdp(actor=office, data={"county": None, "year": 2024,
                                          "gdp_yi": Decimal("1000"), "source": "公报"})
    # 0.5 亿元 / 100 亿元 = 0.50 %; the city 0.5 / 1000 = 0.05 %
    assert m.by_county(year=2025, as_of=D(2025, 12, 31))[county_a.pk] == Decimal("0.50")
    assert m.figures(year=2025, as_of=D(2025, 12, 31)).city == Decimal("0.05")
    # a correction replaces the figure (same county and year), audited by update_object
    services.save_gdp(actor=office, data={"county": None, "year": 2024,
                                          "gdp_yi": Decimal("500"), "source": "年鉴"})
    assert m.value(year=2025, as_of=D(2025, 12, 31)) == Decimal("0.10")


def test_statistics_page_breaks_down_and_lists_top(client_for, users, office, enterprise_a,
                                                  enterprise_b, plan):
    c = register(apply(office, enterprise_a, enterprise_b, turnover="3000000",
                       applied_on=D(2025, 3, 1)), office, D(2025, 3, 10))
    register(apply(office, enterprise_b, enterprise_a, turnover="1000000",
                   contract_type="consulting", sub_type="", applied_on=D(2025, 5, 1)),
             office, D(2025, 5, 10))
    stats = selectors.statistics(user=office, year=2025, as_of=D(2025, 12, 31))
    assert [r["label"] for r in stats["by_type"]] == ["技术开发", "技术咨询"]
    assert stats["monthly"][2]["cumulative"] == Decimal("0.0300")
    assert stats["monthly"][-1]["cumulative"] == Decimal("0.0400")
    assert [t.pk for t in stats["top"]][0] == c.pk
    rows = {r["county_id"]: r for r in stats["counties"]}
    a, b = enterprise_a.county_id, enterprise_b.county_id
    assert rows[a]["turnover"] == Decimal("0.0300") and rows[a]["bought"] == Decimal("0.0100")
    page = client_for(users["county_a_staff"]).get(
        reverse("techmarket:statistics"), {"year": 2025, "as_of": "2025-12-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert c.subject in html  # county A's contract among the top ones it may open
    assert rows[b]["turnover"] == Decimal("0.0100")


def test_coverage_follows_the_configurable_industry_list(office, regions):
    m = metrics.get("above_scale_service_county_coverage")
    make_enterprise(regions["140403"], "软件服务", 91, industry_code="I65", above_scale=True)
    assert m.value(year=2025, as_of=D(2025, 12, 31)) == 0
    services.set_industry(actor=office, code="i65", included=True, note="市局认定")
    assert m.value(year=2025, as_of=D(2025, 12, 31)) == 1
    services.set_industry(actor=office, code="I65", included=False)
    assert m.value(year=2025, as_of=D(2025, 12, 31)) == 0
    from kechuang.audit.models import ChangeRecord

    assert ChangeRecord.objects.filter(object_repr__contains="I65").count() >= 2
    with pytest.raises(Exception, match="未知的行业代码"):
        services.set_industry(actor=office, code="Z99", included=True)


def test_candidates_show_the_gap_to_the_threshold(client_for, users, regions):
    ent = make_enterprise(regions["140403"], "致奕环保", 92, industry_code="M74")
    make_report(ent, 2024, revenue_yuan=Decimal("8600000"))
    make_enterprise(regions["140403"], "规上服务", 93, industry_code="M74", above_scale=True)
    html = client_for(users["city_staff"]).get(
        reverse("techmarket:candidate_list")).content.decode()
    assert "致奕环保" in html and "规上服务" not in html
    assert "1,400,000.00" in html  # 1000万 − 860万


def test_tax_links_on_the_contract_page(client_for, users, office, enterprise_a, enterprise_b):
    c = register(apply(office, enterprise_a, enterprise_b, turnover="8000000",
                       contract_type="transfer", sub_type="", applied_on=D(2025, 3, 1)),
                 office, D(2025, 3, 10))
    client = client_for(users["city_staff"])
    html = client.get(reverse("techmarket:contract_detail", args=[c.pk]),
                      {"income": "6000000"}).content.decode()
    assert 'data-testid="tax-vat"' in html and "可免征" in html
    assert "1,000,000.00" in html or "100万" in html or "1000000" in html  # 减半部分
    dev = register(apply(office, enterprise_a, enterprise_b, turnover="1000000",
                         applied_on=D(2025, 3, 2)), office, D(2025, 3, 12))
    links = services.tax_links(dev)
    assert links["rd"].usable and links["rd"].base_yuan == Decimal("800000.00")
    pending = apply(office, enterprise_a, enterprise_b, turnover="1000000")
    assert services.tax_links(pending)["rd"].usable is False


def test_attachments_are_validated_and_scoped(client_for, users, office, enterprise_a,
                                              enterprise_b):
    c = apply(office, enterprise_a, enterprise_b)
    client = client_for(users["enterprise_a_user"])
    bad = SimpleUploadedFile("合同.pdf", b"not a pdf", content_type="application/pdf")
    client.post(reverse("techmarket:contract_attach", args=[c.pk]), {"files": bad})
    assert not ContractAttachment.objects.exists()
    pdf = SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(reverse("techmarket:contract_attach", args=[c.pk]), {"files": pdf})
    att = ContractAttachment.objects.get()
    assert client.get(reverse("techmarket:attachment_download", args=[att.pk])).status_code \
        == 200
    other = client_for(users["enterprise_b_user"])
    # enterprise B is the buyer here, a party: it reads the file too
    assert other.get(reverse("techmarket:attachment_download", args=[att.pk])).status_code \
        == 200


def test_party_lookup_does_not_reveal_hidden_organisations(users, enterprise_a, enterprise_b):
    user = users["enterprise_a_user"]
    # by name or id: only what the user may see; every miss is the same None
    assert selectors.find_organisation(enterprise_b.name, user=user) is None
    assert selectors.find_organisation(str(enterprise_b.pk), user=user) is None
    assert selectors.find_organisation("不存在的单位", user=user) is None
    assert selectors.find_organisation(enterprise_a.name, user=user) == enterprise_a
    # the full credit code (from the contract itself) names any party
    assert selectors.find_organisation(enterprise_b.credit_code, user=user) == enterprise_b


def test_statistics_default_to_the_latest_year_with_registrations(office, enterprise_a,
                                                                  enterprise_b):
    assert selectors.default_year(D(2026, 12, 5)) == 2026  # nothing registered: this year
    register(apply(office, enterprise_a, enterprise_b, applied_on=D(2025, 3, 1)), office,
             D(2025, 3, 10))
    assert selectors.default_year(D(2026, 12, 5)) == 2025
    assert selectors.default_year(D(2024, 6, 1)) == 2024  # never a later year
