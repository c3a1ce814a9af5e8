"""Enterprise and annual-report pages: scoping, filters, forms, audit, query counts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import _user, make_enterprise, make_report
from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import ScopeError
from kechuang.orgs import services
from kechuang.orgs.models import (
    ChainMembership,
    Enterprise,
    EnterpriseAnnualReport,
    IndustrialChain,
)
from kechuang.policy.credit_code import make_code

pytestmark = pytest.mark.django_db

LIST = reverse("orgs:enterprise_list")
REPORTS = reverse("orgs:report_list")


def records_for(obj):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk))


def body(resp) -> str:
    return resp.content.decode()


def names_in_table(resp) -> list[str]:
    """Enterprise names in the list table, in page order."""
    html = body(resp)
    table = html.split('data-testid="enterprise-table"', 1)
    if len(table) < 2:
        return []
    return re.findall(r'class="fw-semibold text-decoration-none" href="[^"]+">([^<]+)</a>',
                      table[1])


def enterprise_post(county, serial=42, **extra):
    data = {"name": "长治新创科技有限公司",
            "credit_code": make_code(f"91{county.code}MA{serial:07d}"),
            "county": county.pk, "industry_code": "C39", "established_on": "2021-03-15",
            "tier": "", "address": "", "contact_name": "", "contact_phone": ""}
    data.update(extra)
    return data


REPORT_POST = {
    "year": 2025, "employees": 120, "st_staff": 30, "revenue_yuan": "50000000",
    "total_income_yuan": "51000000", "high_tech_revenue_yuan": "30000000",
    "total_costs_yuan": "45000000", "total_assets_yuan": "60000000",
    "net_assets_yuan": "20000000", "rd_expense_yuan": "2500000", "rd_domestic_yuan": "2400000",
    "rd_personnel_yuan": "1500000", "rd_direct_input_yuan": "700000",
    "rd_depreciation_yuan": "100000", "rd_amortization_yuan": "0", "rd_design_yuan": "100000",
    "rd_other_yuan": "100000", "rd_entrusted_domestic_yuan": "0",
    "rd_entrusted_overseas_yuan": "0", "rd_reserve_fund_yuan": "0", "ip_class_1_count": 2,
    "ip_class_2_count": 5, "achievements_converted": 1, "has_rd_activity": "on",
}


@pytest.fixture
def chains(regions):
    return {c.code: c for c in IndustrialChain.objects.all()}


# ---- access ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, enterprise_a):
    for url in (LIST, REPORTS, reverse("orgs:enterprise_detail", args=[enterprise_a.pk]),
                reverse("orgs:enterprise_add")):
        resp = client.get(url)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


@pytest.mark.parametrize("role", ["expert", "auditor", "provider"])
def test_roles_without_enterprise_rights_get_403(client_for, users, enterprise_a, report_a,
                                                 role):
    client = client_for(users[role])
    urls = [LIST, REPORTS, reverse("orgs:enterprise_detail", args=[enterprise_a.pk]),
            reverse("orgs:enterprise_add"), reverse("orgs:enterprise_edit", args=[enterprise_a.pk]),
            reverse("orgs:report_add", args=[enterprise_a.pk]),
            reverse("orgs:report_edit", args=[report_a.pk]),
            reverse("orgs:report_delete", args=[report_a.pk])]
    for url in urls:
        assert client.get(url).status_code == 403, url
    for url in (reverse("orgs:enterprise_export"), reverse("orgs:report_export")):
        assert client.post(url).status_code == 403, url


def test_enterprise_user_cannot_add_enterprises_or_delete_reports(client_for, users, report_a):
    client = client_for(users["enterprise_a_user"])
    assert client.get(reverse("orgs:enterprise_add")).status_code == 403
    assert client.get(reverse("orgs:report_delete", args=[report_a.pk])).status_code == 403
    assert client.post(reverse("orgs:report_delete", args=[report_a.pk])).status_code == 403
    assert EnterpriseAnnualReport.objects.filter(pk=report_a.pk).exists()


def test_objects_outside_the_scope_are_404(client_for, users, enterprise_b, report_b):
    client = client_for(users["county_a_staff"])
    for url in (reverse("orgs:enterprise_detail", args=[enterprise_b.pk]),
                reverse("orgs:enterprise_edit", args=[enterprise_b.pk]),
                reverse("orgs:report_add", args=[enterprise_b.pk]),
                reverse("orgs:report_edit", args=[report_b.pk]),
                reverse("orgs:report_delete", args=[report_b.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("orgs:report_delete", args=[report_b.pk])).status_code == 404
    assert EnterpriseAnnualReport.objects.filter(pk=report_b.pk).exists()


def test_export_needs_post(client_for, users):
    client = client_for(users["city_staff"])
    assert client.get(reverse("orgs:enterprise_export")).status_code == 405
    assert client.get(reverse("orgs:report_export")).status_code == 405


# ---- list: scope, filters, search, sort --------------------------------------------------


def test_list_rows_are_the_users_scope(client_for, users, enterprise_a, enterprise_a2,
                                       enterprise_b):
    expected = {
        "city_staff": {enterprise_a.name, enterprise_a2.name, enterprise_b.name},
        "county_a_staff": {enterprise_a.name, enterprise_a2.name},
        "county_b_staff": {enterprise_b.name},
        "enterprise_a_user": {enterprise_a.name},
    }
    for role, names in expected.items():
        resp = client_for(users[role]).get(LIST)
        assert resp.status_code == 200
        assert set(names_in_table(resp)) == names, role


def test_county_staff_search_never_reaches_other_county(client_for, users, enterprise_a,
                                                        enterprise_b, county_b):
    client = client_for(users["county_a_staff"])
    for params in ({"q": "襄垣"}, {"q": enterprise_b.credit_code},
                   {"county": county_b.pk}, {"county": county_b.pk, "q": "乙化工"}):
        resp = client.get(LIST, params)
        assert resp.status_code == 200
        assert enterprise_b.name not in body(resp), params


def test_county_filter_offers_only_counties_in_scope(client_for, users, county_a, county_b):
    html = body(client_for(users["county_a_staff"]).get(LIST))
    select = html.split('name="county"', 1)[1].split("</select>", 1)[0]
    assert county_a.name in select and county_b.name not in select
    html = body(client_for(users["city_staff"]).get(LIST))
    select = html.split('name="county"', 1)[1].split("</select>", 1)[0]
    assert county_a.name in select and county_b.name in select


def test_search_by_name_and_credit_code(client_for, users, enterprise_a, enterprise_a2,
                                        enterprise_b):
    client = client_for(users["city_staff"])
    assert names_in_table(client.get(LIST, {"q": "丙材料"})) == [enterprise_a2.name]
    lower = enterprise_b.credit_code.lower()
    assert names_in_table(client.get(LIST, {"q": lower})) == [enterprise_b.name]


def test_filters(client_for, users, enterprise_a, enterprise_a2, enterprise_b, county_a,
                 chains):
    Enterprise.objects.filter(pk=enterprise_a.pk).update(tier="high_tech", above_scale=True)
    ChainMembership.objects.create(organisation=enterprise_a, chain=chains["new_materials"],
                                   role="chain_leader")
    ChainMembership.objects.create(organisation=enterprise_b, chain=chains["new_materials"],
                                   role="member")
    client = client_for(users["city_staff"])

    def names(**params):
        return set(names_in_table(client.get(LIST, params)))

    assert names(county=county_a.pk) == {enterprise_a.name, enterprise_a2.name}
    assert names(industry="C30") == {enterprise_a2.name}  # 大类
    assert names(industry="C") == {enterprise_a.name, enterprise_a2.name, enterprise_b.name}
    assert names(industry="B") == set()  # 门类 without enterprises
    assert names(chain=chains["new_materials"].pk) == {enterprise_a.name, enterprise_b.name}
    assert names(chain_role="chain_leader") == {enterprise_a.name}
    assert names(tier="high_tech") == {enterprise_a.name}
    assert names(tier="none") == {enterprise_a2.name, enterprise_b.name}
    assert names(above_scale="1") == {enterprise_a.name}
    assert names(above_scale="0") == {enterprise_a2.name, enterprise_b.name}
    assert names(county=county_a.pk, chain=chains["new_materials"].pk) == {enterprise_a.name}


def test_sorting_and_sort_headers(client_for, users, enterprise_a, enterprise_a2, enterprise_b):
    client = client_for(users["city_staff"])
    by_name = names_in_table(client.get(LIST, {"sort": "name"}))
    assert by_name == sorted(by_name)
    assert names_in_table(client.get(LIST, {"sort": "-name"})) == by_name[::-1]
    Enterprise.objects.filter(pk=enterprise_a2.pk).update(established_on="2001-01-01")
    assert names_in_table(client.get(LIST, {"sort": "established_on"}))[0] == enterprise_a2.name
    # the header of the current sort toggles to descending and keeps the filters
    html = body(client.get(LIST, {"sort": "name", "q": "长治"}))
    link = re.search(r'href="([^"]*)" data-sort="name"', html).group(1)
    assert "sort=-name" in link and "q=" in link
    # an unknown sort key is ignored, not an error
    assert client.get(LIST, {"sort": "password"}).status_code == 200


def test_pagination_keeps_filters(client_for, users, county_a):
    for i in range(55):
        make_enterprise(county_a, f"分页测试企业{i:02d}", 100 + i)
    client = client_for(users["city_staff"])
    resp = client.get(LIST, {"q": "分页测试"})
    assert len(names_in_table(resp)) == 50
    assert "page=2" in body(resp) and "q=%E5%88%86" in body(resp)
    assert len(names_in_table(client.get(LIST, {"q": "分页测试", "page": 2}))) == 5


def test_empty_states_say_what_to_do(client_for, users, regions):
    lonely = _user("pingshun_staff", "county_staff", county=regions["140425"])
    html = body(client_for(lonely).get(LIST))
    assert "还没有企业。" in html and "make run" in html
    assert reverse("orgs:enterprise_add") in html
    html = body(client_for(users["city_staff"]).get(LIST, {"q": "不存在的企业"}))
    assert "没有符合条件的企业" in html


def test_list_query_count_does_not_grow_with_rows(client_for, users, county_a, chains,
                                                  django_assert_max_num_queries):
    client = client_for(users["city_staff"])
    chain_list = list(chains.values())

    def add(n, start):
        for i in range(n):
            e = make_enterprise(county_a, f"计数企业{start + i:03d}", 200 + start + i)
            ChainMembership.objects.create(organisation=e, chain=chain_list[i % len(chain_list)])
            ChainMembership.objects.create(organisation=e,
                                           chain=chain_list[(i + 1) % len(chain_list)])

    add(3, 0)
    client.get(LIST)  # warm the session / content types
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    add(47, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = client.get(LIST)
    assert len(names_in_table(resp)) == 50


# ---- detail ------------------------------------------------------------------------------


def test_detail_shows_profile_chains_and_reports(client_for, users, enterprise_a, report_a,
                                                 chains):
    ChainMembership.objects.create(organisation=enterprise_a, chain=chains["semiconductor"],
                                   role="chain_core")
    html = body(client_for(users["county_a_staff"]).get(
        reverse("orgs:enterprise_detail", args=[enterprise_a.pk])))
    assert enterprise_a.credit_code in html
    assert "半导体" in html and "链核" in html
    assert "2024" in html and "3,000.00" in html  # revenue in 万元
    assert reverse("orgs:report_add", args=[enterprise_a.pk]) in html
    assert reverse("orgs:report_edit", args=[report_a.pk]) in html
    assert reverse("orgs:report_delete", args=[report_a.pk]) in html


def test_detail_hides_links_the_user_may_not_follow(client_for, users, enterprise_a, report_a):
    html = body(client_for(users["enterprise_a_user"]).get(
        reverse("orgs:enterprise_detail", args=[enterprise_a.pk])))
    assert reverse("orgs:report_edit", args=[report_a.pk]) in html
    assert reverse("orgs:report_delete", args=[report_a.pk]) not in html


# ---- enterprise forms --------------------------------------------------------------------


def test_add_enterprise_with_chains(client_for, users, county_a, chains):
    client = client_for(users["county_a_staff"])
    data = enterprise_post(county_a, credit_code=" " + make_code("91140403MA0000042").lower())
    data[f"chain_{chains['equipment'].pk}"] = "chain_leader"
    resp = client.post(reverse("orgs:enterprise_add"), data)
    assert resp.status_code == 302
    e = Enterprise.objects.get(name="长治新创科技有限公司")
    assert resp["Location"] == reverse("orgs:enterprise_detail", args=[e.pk])
    assert e.credit_code == make_code("91140403MA0000042")  # normalised
    assert [(m.chain.code, m.role) for m in e.chain_memberships.all()] == [
        ("equipment", "chain_leader")]
    rec = records_for(e).get()
    assert rec.action == "create" and rec.actor == users["county_a_staff"]


def test_invalid_credit_code_names_the_check_character_and_writes_nothing(client_for, users,
                                                                          county_a):
    client = client_for(users["city_staff"])
    good = make_code("91140403MA0000042")
    wrong_last = "0" if good[-1] != "0" else "1"
    resp = client.post(reverse("orgs:enterprise_add"),
                       enterprise_post(county_a, credit_code=good[:17] + wrong_last))
    assert resp.status_code == 200
    assert f"统一社会信用代码校验位错误：第18位应为“{good[-1]}”" in body(resp)
    assert not Enterprise.objects.filter(name="长治新创科技有限公司").exists()
    assert not ChangeRecord.objects.exists()


def test_duplicate_credit_code_is_a_form_error(client_for, users, county_a, enterprise_a):
    resp = client_for(users["city_staff"]).post(
        reverse("orgs:enterprise_add"),
        enterprise_post(county_a, credit_code=enterprise_a.credit_code))
    assert resp.status_code == 200
    assert 'data-testid="error-credit_code"' in body(resp)
    assert not Enterprise.objects.filter(name="长治新创科技有限公司").exists()
    assert not ChangeRecord.objects.exists()


def test_county_staff_can_only_pick_own_county(client_for, users, county_a, county_b):
    client = client_for(users["county_a_staff"])
    html = body(client.get(reverse("orgs:enterprise_add")))
    select = html.split('name="county"', 1)[1].split("</select>", 1)[0]
    assert county_a.name in select and county_b.name not in select
    resp = client.post(reverse("orgs:enterprise_add"), enterprise_post(county_b))
    assert resp.status_code == 200 and 'data-testid="error-county"' in body(resp)
    assert not Enterprise.objects.filter(name="长治新创科技有限公司").exists()
    assert not ChangeRecord.objects.exists()


def test_edit_through_ui_records_before_and_after(client_for, users, enterprise_a, county_a):
    client = client_for(users["county_a_staff"])
    url = reverse("orgs:enterprise_edit", args=[enterprise_a.pk])
    assert client.get(url).status_code == 200
    data = enterprise_post(county_a, name=enterprise_a.name, credit_code=enterprise_a.credit_code,
                           industry_code="C26", established_on="2015-05-01",
                           address="潞州区英雄南路1号", tier="tech_sme")
    resp = client.post(url, data)
    assert resp.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.address == "潞州区英雄南路1号"
    assert enterprise_a.tier == ""  # the tier follows the cultivation records, not the form
    rec = records_for(enterprise_a).get()
    assert rec.action == "update" and rec.actor == users["county_a_staff"]
    assert rec.before["address"] == "" and rec.after["address"] == "潞州区英雄南路1号"


def test_edit_with_errors_writes_nothing(client_for, users, enterprise_a, county_a):
    url = reverse("orgs:enterprise_edit", args=[enterprise_a.pk])
    data = enterprise_post(county_a, name="", credit_code=enterprise_a.credit_code)
    resp = client_for(users["city_staff"]).post(url, data)
    assert resp.status_code == 200 and 'data-testid="error-name"' in body(resp)
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "长治甲科技有限公司"
    assert not records_for(enterprise_a).exists()


def test_enterprise_user_edits_own_profile_only(client_for, users, enterprise_a, county_b):
    client = client_for(users["enterprise_a_user"])
    url = reverse("orgs:enterprise_edit", args=[enterprise_a.pk])
    html = body(client.get(url))
    assert 'name="credit_code"' not in html and 'name="county"' not in html
    assert 'name="tier"' not in html and 'name="chain_' not in html
    assert enterprise_a.credit_code in html  # shown read-only
    resp = client.post(url, {"name": enterprise_a.name, "industry_code": "C26",
                             "established_on": "2015-05-01", "contact_name": "王经理",
                             "county": county_b.pk, "tier": "leader"})
    assert resp.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.contact_name == "王经理"
    assert enterprise_a.county.code == "140403" and enterprise_a.tier == ""


def test_service_refusal_is_shown_on_the_form(client_for, users, enterprise_a, county_a,
                                              monkeypatch):
    def refuse(**kwargs):
        raise ScopeError("该记录不在您的管辖范围内，未保存")

    monkeypatch.setattr(services, "update_enterprise", refuse)
    url = reverse("orgs:enterprise_edit", args=[enterprise_a.pk])
    data = enterprise_post(county_a, name=enterprise_a.name, credit_code=enterprise_a.credit_code)
    resp = client_for(users["county_a_staff"]).post(url, data)
    assert resp.status_code == 200
    assert "该记录不在您的管辖范围内，未保存" in body(resp)


def test_enterprise_user_cannot_edit_another_enterprise(client_for, users, enterprise_b):
    client = client_for(users["enterprise_a_user"])
    assert client.get(reverse("orgs:enterprise_edit", args=[enterprise_b.pk])).status_code == 404


# ---- annual reports ----------------------------------------------------------------------


def test_add_report(client_for, users, enterprise_a):
    client = client_for(users["enterprise_a_user"])
    url = reverse("orgs:report_add", args=[enterprise_a.pk])
    html = body(client.get(url))
    for section in ("人员", "收入与资产", "研发费用（六类）", "知识产权与成果"):
        assert section in html
    resp = client.post(url, REPORT_POST)
    assert resp.status_code == 302
    report = EnterpriseAnnualReport.objects.get(enterprise=enterprise_a, year=2025)
    assert report.revenue_yuan == Decimal("50000000") and report.has_rd_activity
    assert records_for(report).get().action == "create"


@pytest.mark.parametrize(("change", "field", "fragment"), [
    ({"revenue_yuan": "-1"}, "revenue_yuan", "0"),
    ({"st_staff": 121}, "st_staff", "不能大于职工总数"),
    ({"rd_domestic_yuan": "2600000"}, "rd_domestic_yuan", "不能大于研发费用总额"),
    ({"year": 2024}, "year", "已存在"),
    ({"year": "abc"}, "year", ""),
])
def test_report_form_errors_write_nothing(client_for, users, enterprise_a, report_a, change,
                                          field, fragment):
    client = client_for(users["county_a_staff"])
    resp = client.post(reverse("orgs:report_add", args=[enterprise_a.pk]),
                       REPORT_POST | change)
    assert resp.status_code == 200
    html = body(resp)
    errors = re.findall(rf'data-testid="error-{field}">([^<]*)<', html)
    assert errors and fragment in errors[0], errors
    assert "未保存" in html
    assert EnterpriseAnnualReport.objects.filter(enterprise=enterprise_a).count() == 1
    assert not ChangeRecord.objects.exists()


def test_report_for_unknown_enterprise_is_404(client_for, users):
    resp = client_for(users["city_staff"]).post(reverse("orgs:report_add", args=[999999]),
                                                REPORT_POST)
    assert resp.status_code == 404
    assert not EnterpriseAnnualReport.objects.exists()


def test_edit_report_records_change(client_for, users, report_a):
    client = client_for(users["county_a_staff"])
    url = reverse("orgs:report_edit", args=[report_a.pk])
    assert client.get(url).status_code == 200
    resp = client.post(url, REPORT_POST | {"year": 2024, "employees": 150})
    assert resp.status_code == 302
    report_a.refresh_from_db()
    assert report_a.employees == 150
    rec = records_for(report_a).get()
    assert rec.before["employees"] == 100 and rec.after["employees"] == 150


def test_delete_report_confirms_then_deletes(client_for, users, report_a):
    client = client_for(users["county_a_staff"])
    url = reverse("orgs:report_delete", args=[report_a.pk])
    resp = client.get(url)
    assert resp.status_code == 200 and "确认删除" in body(resp)
    assert EnterpriseAnnualReport.objects.filter(pk=report_a.pk).exists()
    pk = report_a.pk
    resp = client.post(url)
    assert resp.status_code == 302
    assert not EnterpriseAnnualReport.objects.filter(pk=pk).exists()
    assert records_for(report_a).filter(object_id=str(pk), action="delete").exists()


def test_report_list_scope_and_filters(client_for, users, report_a, report_b, enterprise_a):
    make_report(enterprise_a, 2023)
    client = client_for(users["county_a_staff"])
    html = body(client.get(REPORTS))
    assert report_a.enterprise.name in html and report_b.enterprise.name not in html
    html = body(client_for(users["city_staff"]).get(REPORTS, {"year": 2023}))
    assert html.count(f'href="{reverse("orgs:enterprise_detail", args=[enterprise_a.pk])}"') == 1
    assert report_b.enterprise.name not in html.split('data-testid="report-table"', 1)[1]


# ---- shell -------------------------------------------------------------------------------


def test_shell_has_navigation_user_language_and_logout(client_for, users):
    html = body(client_for(users["county_a_staff"]).get(REPORTS))
    assert 'action="/i18n/setlang/"' in html
    assert f'action="{reverse("accounts:logout")}" method="post"' in html
    assert "潞州区" in html and "县区工作人员" in html
    # only the most specific menu entry is active
    active = re.findall(r'class="nav-link active" href="([^"]+)"', html)
    assert active == [REPORTS]
    assert "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
