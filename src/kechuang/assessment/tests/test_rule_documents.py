"""Rule versions are shown to people as the policy documents they implement, not as ids."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.assessment.tests.helpers import docs_report
from kechuang.web.templatetags.kc import rule_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("version", "full", "short"), [
    ("tech_sme/2017-115", "国科发政〔2017〕115号《科技型中小企业评价办法》",
     "国科发政〔2017〕115号"),
    ("high_tech/2016-32",
     "国科发火〔2016〕32号《高新技术企业认定管理办法》、国科发火〔2016〕195号《工作指引》",
     "国科发火〔2016〕32号"),
    ("rd_deduction/2023-7", "财政部 税务总局公告2023年第7号", "财政部 税务总局公告2023年第7号"),
])
def test_rule_document_names_the_document(version, full, short):
    assert rule_document(version) == full
    assert rule_document(version, True) == short


def test_an_unregistered_version_keeps_the_rule_name():
    assert rule_document("tech_sme/1999-1") == "科技型中小企业评价（tech_sme/1999-1）"
    assert rule_document("") == ""


def test_the_self_assessment_page_shows_documents_not_rule_ids(client, users, enterprise_a):
    docs_report(enterprise_a)
    client.force_login(users["enterprise_a_user"])
    resp = client.get(reverse("assessment:enterprise_assessment", args=[enterprise_a.pk]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "国科发政〔2017〕115号《科技型中小企业评价办法》" in html
    assert "tech_sme/2017-115" not in html and "high_tech/2016-32" not in html
    assert "rd_deduction/20" not in html
