"""/api/v1/ for organisations, enterprises, chains and annual reports.

Scoping per role (rows, 403 vs 404), writes through the audited services, validation
errors in the one error format, and constant query counts for lists.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conftest import make_enterprise, make_report
from kechuang.audit.models import ChangeRecord
from kechuang.orgs import selectors
from kechuang.orgs.models import (
    ChainMembership,
    Enterprise,
    EnterpriseAnnualReport,
    IndustrialChain,
)
from kechuang.policy.credit_code import make_code

ROLES = ["city_admin", "city_staff", "county_a_staff", "county_b_staff", "enterprise_a_user",
         "enterprise_b_user", "expert", "provider", "auditor"]

# Written out from the role definitions, not computed with restrict() (which is under test).
# None: the role has no right at all → 403.
ENTERPRISES_VISIBLE = {
    "city_admin": {"a", "a2", "b"}, "city_staff": {"a", "a2", "b"},
    "county_a_staff": {"a", "a2"}, "county_b_staff": {"b"},
    "enterprise_a_user": {"a"}, "enterprise_b_user": {"b"},
    "expert": None, "provider": None, "auditor": None,
}
ORGANISATIONS_VISIBLE = {
    "city_admin": {"a", "a2", "b", "p"}, "city_staff": {"a", "a2", "b", "p"},
    "county_a_staff": {"a", "a2", "p"}, "county_b_staff": {"b"},
    "enterprise_a_user": {"a"}, "enterprise_b_user": {"b"},
    "provider": {"p"}, "expert": None, "auditor": None,
}
READERS = [r for r in ROLES if ENTERPRISES_VISIBLE[r] is not None]
REPORTS_VISIBLE = {
    "city_admin": {"a", "b"}, "city_staff": {"a", "b"},
    "county_a_staff": {"a"}, "county_b_staff": {"b"},
    "enterprise_a_user": {"a"}, "enterprise_b_user": {"b"},
    "expert": None, "provider": None, "auditor": None,
}


@pytest.fixture
def api():
    def for_user(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return for_user


@pytest.fixture
def orgs(users, enterprise_a, enterprise_a2, enterprise_b, provider_org):
    return {"a": enterprise_a, "a2": enterprise_a2, "b": enterprise_b, "p": provider_org}


@pytest.fixture
def reports(report_a, report_b):
    return {"a": report_a, "b": report_b}


def records_for(obj):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk))


def ids(resp) -> set[int]:
    return {row["id"] for row in resp.json()["results"]}


def new_enterprise_data(county, serial=77, **extra):
    data = {"name": "长治新创科技有限公司",
            "credit_code": make_code(f"91{county.code}MA{serial:07d}"),
            "county": county.pk, "industry_code": "C39", "established_on": "2021-03-15"}
    data.update(extra)
    return data


def report_data(enterprise, **extra):
    data = {"enterprise": enterprise.pk, "year": 2023, "employees": 50, "st_staff": 10,
            "revenue_yuan": "12000000.00", "total_income_yuan": "12500000.00",
            "rd_expense_yuan": "800000.00", "rd_domestic_yuan": "800000.00"}
    data.update(extra)
    return data


# --- scoping: rows, 403 vs 404 ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_enterprise_list_shows_exactly_the_roles_rows(api, users, orgs, role):
    resp = api(users[role]).get("/api/v1/enterprises/")
    expected = ENTERPRISES_VISIBLE[role]
    if expected is None:
        assert resp.status_code == 403
        assert resp.json()["code"] == "permission_denied"
        return
    assert resp.status_code == 200
    assert ids(resp) == {orgs[k].pk for k in expected}


@pytest.mark.django_db
@pytest.mark.parametrize("role", READERS)
def test_enterprise_list_is_the_selectors_rows_in_order(api, users, orgs, role):
    user = users[role]
    for params, filters in [({}, {}), ({"q": "长治"}, {"q": "长治"}),
                            ({"ordering": "-name"}, {"sort": "-name"}),
                            ({"county": orgs["a"].county_id}, {"county": orgs["a"].county_id})]:
        resp = api(user).get("/api/v1/enterprises/", params)
        rows = [r["id"] for r in resp.json()["results"]]
        assert rows == list(selectors.enterprise_list(user=user, filters=filters)
                            .values_list("id", flat=True)), params


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_enterprise_detail_403_404_200(api, users, orgs, role):
    client = api(users[role])
    expected = ENTERPRISES_VISIBLE[role]
    for key in ("a", "b"):
        resp = client.get(f"/api/v1/enterprises/{orgs[key].pk}/")
        if expected is None:
            assert resp.status_code == 403, key
        elif key in expected:
            assert resp.status_code == 200, key
            assert resp.json()["name"] == orgs[key].name
        else:
            assert resp.status_code == 404, key
            assert resp.json() == {"code": "not_found", "message": "记录不存在或无权查看",
                                   "errors": []}


@pytest.mark.django_db
@pytest.mark.parametrize("role", READERS)
def test_search_never_reaches_outside_the_scope(api, users, orgs, role):
    for key in ("a", "b"):
        for term in (orgs[key].name, orgs[key].credit_code.lower()):
            resp = api(users[role]).get("/api/v1/enterprises/", {"q": term})
            found = orgs[key].pk in ids(resp)
            assert found == (key in ENTERPRISES_VISIBLE[role]), (key, term)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_organisation_list_and_detail_scoped(api, users, orgs, role):
    client = api(users[role])
    expected = ORGANISATIONS_VISIBLE[role]
    resp = client.get("/api/v1/organisations/")
    if expected is None:
        assert resp.status_code == 403
        return
    assert ids(resp) == {orgs[k].pk for k in expected}
    for key, org in orgs.items():
        status = client.get(f"/api/v1/organisations/{org.pk}/").status_code
        assert status == (200 if key in expected else 404), key


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_report_list_and_detail_scoped(api, users, reports, role):
    client = api(users[role])
    expected = REPORTS_VISIBLE[role]
    resp = client.get("/api/v1/annual-reports/")
    if expected is None:
        assert resp.status_code == 403
        assert client.get(f"/api/v1/annual-reports/{reports['a'].pk}/").status_code == 403
        return
    assert ids(resp) == {reports[k].pk for k in expected}
    for key, report in reports.items():
        status = client.get(f"/api/v1/annual-reports/{report.pk}/").status_code
        assert status == (200 if key in expected else 404), key


@pytest.mark.django_db
def test_anonymous_gets_401_with_token_challenge(api, orgs):
    for url in ("/api/v1/enterprises/", f"/api/v1/enterprises/{orgs['a'].pk}/",
                "/api/v1/organisations/", "/api/v1/annual-reports/", "/api/v1/chains/"):
        resp = api().get(url)
        assert resp.status_code == 401, url
        assert resp["WWW-Authenticate"] == "Token"
        assert resp.json()["code"] == "not_authenticated"
        assert resp.json()["message"] == "身份认证信息未提供。"


@pytest.mark.django_db
def test_chains_readable_by_every_signed_in_role(api, users):
    for role in ROLES:
        resp = api(users[role]).get("/api/v1/chains/")
        assert resp.status_code == 200, role
        assert resp.json()["count"] == IndustrialChain.objects.count() == 10
        first = resp.json()["results"][0]
        detail = api(users[role]).get(f"/api/v1/chains/{first['id']}/")
        assert detail.json() == {"id": first["id"], "code": "coal_chemical", "name": "现代煤化工",
                                 "sort_order": 1}
    assert api(users["city_admin"]).post("/api/v1/chains/", {}).status_code == 405


# --- filters ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enterprise_filters(api, users, orgs):
    chain = IndustrialChain.objects.get(code="coal_chemical")
    ChainMembership.objects.create(organisation=orgs["a"], chain=chain, role="chain_leader")
    Enterprise.objects.filter(pk=orgs["a2"].pk).update(tier="high_tech", above_scale=True)
    client = api(users["city_staff"])

    def found(**params):
        return ids(client.get("/api/v1/enterprises/", params))

    assert found(county=orgs["b"].county_id) == {orgs["b"].pk}
    assert found(industry="C30") == {orgs["a2"].pk}
    assert found(industry="C") == {orgs["a"].pk, orgs["a2"].pk, orgs["b"].pk}
    assert found(chain=chain.pk) == {orgs["a"].pk}
    assert found(chain_role="chain_leader") == {orgs["a"].pk}
    assert found(tier="high_tech") == {orgs["a2"].pk}
    assert found(tier="none") == {orgs["a"].pk, orgs["b"].pk}
    assert found(above_scale="true") == {orgs["a2"].pk}
    assert found(above_scale="false") == {orgs["a"].pk, orgs["b"].pk}
    names = [r["name"] for r in client.get("/api/v1/enterprises/",
                                           {"ordering": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)
    row = client.get("/api/v1/enterprises/", {"chain": chain.pk}).json()["results"][0]
    assert row["chains"] == [{"chain": chain.pk, "chain_name": "现代煤化工",
                              "role": "chain_leader"}]


@pytest.mark.django_db
def test_bad_filter_value_is_400_with_field(api, users, orgs):
    resp = api(users["city_staff"]).get("/api/v1/enterprises/", {"county": "abc",
                                                                  "ordering": "salary"})
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "invalid"
    assert {e["field"] for e in body["errors"]} == {"county", "ordering"}
    assert any(e["message"] == "请填写合法的整数值。" for e in body["errors"])


@pytest.mark.django_db
def test_organisation_and_report_filters(api, users, orgs, reports):
    client = api(users["city_staff"])
    resp = client.get("/api/v1/organisations/", {"kind": "service_provider"})
    assert ids(resp) == {orgs["p"].pk}
    resp = client.get("/api/v1/organisations/", {"county": orgs["b"].county_id})
    assert ids(resp) == {orgs["b"].pk}
    make_report(orgs["a"], 2023)
    resp = client.get("/api/v1/annual-reports/", {"enterprise": orgs["a"].pk})
    assert {r["year"] for r in resp.json()["results"]} == {2023, 2024}
    resp = client.get("/api/v1/annual-reports/", {"year": 2024})
    assert ids(resp) == {reports["a"].pk, reports["b"].pk}
    resp = client.get("/api/v1/annual-reports/", {"year": 2023, "enterprise": orgs["b"].pk})
    assert ids(resp) == set()


# --- enterprise writes ----------------------------------------------------------------------


@pytest.mark.django_db
def test_county_staff_creates_enterprise_in_own_county_audited(api, users, county_a):
    actor = users["county_a_staff"]
    data = new_enterprise_data(county_a)
    data["credit_code"] = " " + data["credit_code"].lower()[:9] + " " + data["credit_code"][9:]
    resp = api(actor).post("/api/v1/enterprises/", data, format="json")
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    obj = Enterprise.objects.get(pk=body["id"])
    assert obj.credit_code == new_enterprise_data(county_a)["credit_code"]  # normalised
    assert body["kind"] == "enterprise" and body["county_name"] == "潞州区"
    rec = records_for(obj).get()
    assert rec.action == "create" and rec.actor == actor and rec.source == "api"
    assert rec.after["name"] == "长治新创科技有限公司" and rec.before is None


@pytest.mark.django_db
def test_county_staff_cannot_create_in_other_county(api, users, county_b):
    resp = api(users["county_a_staff"]).post("/api/v1/enterprises/",
                                              new_enterprise_data(county_b), format="json")
    assert resp.status_code == 400
    err = resp.json()["errors"]
    assert err == [{"field": "county", "message": f"编号为 {county_b.pk} 的县区不存在，或不在您的"
                    "管辖范围内（县区工作人员只能选择本县区）"}]
    assert not Enterprise.objects.filter(name="长治新创科技有限公司").exists()
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["enterprise_a_user", "expert", "provider", "auditor"])
def test_roles_without_add_right_get_403_on_create(api, users, county_a, role):
    resp = api(users[role]).post("/api/v1/enterprises/", new_enterprise_data(county_a),
                                  format="json")
    assert resp.status_code == 403
    assert resp.json()["message"] == "您的角色无权执行该操作"
    assert not Enterprise.objects.filter(name="长治新创科技有限公司").exists()


@pytest.mark.django_db
def test_invalid_credit_code_is_400_and_nothing_written(api, users, county_a):
    data = new_enterprise_data(county_a)
    good = data["credit_code"]
    wrong = "0" if good[17] != "0" else "1"
    data["credit_code"] = good[:17] + wrong
    resp = api(users["city_staff"]).post("/api/v1/enterprises/", data, format="json")
    assert resp.status_code == 400
    body = resp.json()
    assert body["errors"] == [{"field": "credit_code",
                               "message": f"统一社会信用代码校验位错误：第18位应为“{good[17]}”，"
                                          f"实际为“{wrong}”"}]
    assert body["message"] == body["errors"][0]["message"]
    assert not Enterprise.objects.filter(name=data["name"]).exists()
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_duplicate_credit_code_is_400_from_the_model(api, users, orgs):
    data = new_enterprise_data(orgs["a"].county, credit_code=orgs["a"].credit_code.lower())
    resp = api(users["city_staff"]).post("/api/v1/enterprises/", data, format="json")
    assert resp.status_code == 400
    assert [e["field"] for e in resp.json()["errors"]] == ["credit_code"]
    assert "已存在" in resp.json()["message"]
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_missing_fields_in_chinese_with_field_paths(api, users):
    resp = api(users["city_staff"]).post("/api/v1/enterprises/", {"name": "x"}, format="json")
    assert resp.status_code == 400
    errors = {e["field"]: e["message"] for e in resp.json()["errors"]}
    assert set(errors) == {"credit_code", "county", "industry_code", "established_on"}
    assert set(errors.values()) == {"该字段是必填项。"}
    assert resp.json()["message"] == "提交的数据有误，请检查后重试"


@pytest.mark.django_db
def test_update_audited_with_before_and_after(api, users, orgs):
    actor = users["county_a_staff"]
    resp = api(actor).patch(f"/api/v1/enterprises/{orgs['a'].pk}/",
                            {"address": "潞州区英雄南路1号"}, format="json")
    assert resp.status_code == 200, resp.json()
    assert resp.json()["address"] == "潞州区英雄南路1号"
    rec = records_for(orgs["a"]).get()
    assert rec.action == "update" and rec.actor == actor and rec.source == "api"
    assert rec.changed_fields == [("address", "", "潞州区英雄南路1号")]


@pytest.mark.django_db
def test_put_replaces_the_profile(api, users, orgs):
    ent = orgs["a"]
    data = {"name": "长治甲科技股份有限公司", "credit_code": ent.credit_code,
            "county": ent.county_id, "industry_code": "C26", "established_on": "2015-05-01",
            "tier": "tech_sme"}
    resp = api(users["city_staff"]).put(f"/api/v1/enterprises/{ent.pk}/", data, format="json")
    assert resp.status_code == 200, resp.json()
    ent.refresh_from_db()
    # the tier is read-only: it follows the cultivation records
    assert ent.name == "长治甲科技股份有限公司" and ent.tier == ""
    assert {f for f, _, _ in records_for(ent).get().changed_fields} == {"name"}


@pytest.mark.django_db
def test_county_staff_cannot_touch_other_county(api, users, orgs, county_b):
    client = api(users["county_a_staff"])
    resp = client.patch(f"/api/v1/enterprises/{orgs['b'].pk}/", {"address": "x"}, format="json")
    assert resp.status_code == 404
    resp = client.patch(f"/api/v1/enterprises/{orgs['a'].pk}/", {"county": county_b.pk},
                        format="json")
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["field"] == "county"
    orgs["a"].refresh_from_db()
    assert orgs["a"].county.code == "140403"
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_enterprise_user_edits_own_profile_not_locked_fields(api, users, orgs):
    client = api(users["enterprise_a_user"])
    url = f"/api/v1/enterprises/{orgs['a'].pk}/"
    resp = client.patch(url, {"contact_name": "王经理"}, format="json")
    assert resp.status_code == 200
    resp = client.patch(url, {"above_scale": True}, format="json")
    assert resp.status_code == 400
    errors = {e["field"]: e["message"] for e in resp.json()["errors"]}
    assert errors["above_scale"] == "企业用户不能修改“规模以上”，如需变更请联系所在县区科技部门"
    assert set(errors) == {"above_scale"}
    # the unchanged values may be sent back (a PUT of the whole profile)
    resp = client.patch(url, {"above_scale": False, "credit_code": orgs["a"].credit_code},
                        format="json")
    assert resp.status_code == 200
    assert client.patch(f"/api/v1/enterprises/{orgs['b'].pk}/", {"contact_name": "x"},
                        format="json").status_code == 404
    orgs["a"].refresh_from_db()
    assert orgs["a"].contact_name == "王经理" and orgs["a"].tier == ""
    assert records_for(orgs["a"]).count() == 1


@pytest.mark.django_db
def test_chain_memberships_written_through_the_service(api, users, orgs):
    coal, leds = IndustrialChain.objects.filter(code__in=["coal_chemical", "led"]).order_by("code")
    url = f"/api/v1/enterprises/{orgs['a'].pk}/"
    resp = api(users["county_a_staff"]).patch(url, {"chains": [
        {"chain": coal.pk, "role": "chain_core"}, {"chain": leds.pk}]}, format="json")
    assert resp.status_code == 200, resp.json()
    assert {(c["chain"], c["role"]) for c in resp.json()["chains"]} == {
        (coal.pk, "chain_core"), (leds.pk, "member")}
    ct = ContentType.objects.get_for_model(ChainMembership)
    assert ChangeRecord.objects.filter(content_type=ct, action="create").count() == 2


@pytest.mark.django_db
def test_chain_errors_have_nested_paths(api, users, orgs):
    coal = IndustrialChain.objects.get(code="coal_chemical")
    url = f"/api/v1/enterprises/{orgs['a'].pk}/"
    resp = api(users["city_staff"]).patch(url, {"chains": [
        {"chain": coal.pk}, {"chain": 99999, "role": "boss"}]}, format="json")
    assert resp.status_code == 400
    assert {e["field"] for e in resp.json()["errors"]} == {"chains[1].chain", "chains[1].role"}
    resp = api(users["city_staff"]).patch(url, {"chains": [{"chain": coal.pk},
                                                           {"chain": coal.pk}]}, format="json")
    assert resp.json()["errors"] == [{"field": "chains", "message": "产业链“现代煤化工”重复出现"}]


@pytest.mark.django_db
def test_enterprise_user_cannot_claim_chain_roles(api, users, orgs):
    coal = IndustrialChain.objects.get(code="coal_chemical")
    resp = api(users["enterprise_a_user"]).patch(
        f"/api/v1/enterprises/{orgs['a'].pk}/",
        {"chains": [{"chain": coal.pk, "role": "chain_leader"}]}, format="json")
    assert resp.status_code == 400
    assert resp.json()["errors"] == [{"field": "chains",
                                      "message": "您的角色不能修改产业链成员关系"}]
    assert not ChainMembership.objects.exists()


@pytest.mark.django_db
def test_no_delete_on_enterprises(api, users, orgs):
    resp = api(users["city_admin"]).delete(f"/api/v1/enterprises/{orgs['a'].pk}/")
    assert resp.status_code == 405
    assert resp.json()["code"] == "method_not_allowed"
    assert resp.json()["message"] == "方法 “DELETE” 不被允许。"


# --- organisations -------------------------------------------------------------------------


@pytest.mark.django_db
def test_city_staff_creates_university_audited(api, users, county_a):
    data = new_enterprise_data(county_a, serial=88, kind="university", name="长治学院",
                               industry_code="P83")
    data["credit_code"] = make_code(f"12{county_a.code}MA{88:07d}")
    resp = api(users["city_staff"]).post("/api/v1/organisations/", data, format="json")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["kind"] == "university"
    rec = ChangeRecord.objects.get()
    assert rec.action == "create" and rec.after["kind"] == "university"
    # the kind is fixed once created
    resp = api(users["city_staff"]).patch(f"/api/v1/organisations/{resp.json()['id']}/",
                                          {"kind": "enterprise", "address": "x"}, format="json")
    assert resp.status_code == 400 and resp.json()["errors"][0]["field"] == "kind"


@pytest.mark.django_db
def test_organisation_update_of_an_enterprise_keeps_its_locks(api, users, orgs):
    client = api(users["enterprise_a_user"])
    resp = client.patch(f"/api/v1/organisations/{orgs['a'].pk}/", {"above_scale": True},
                        format="json")
    assert resp.status_code == 400
    resp = client.patch(f"/api/v1/organisations/{orgs['a'].pk}/", {"address": "新地址"},
                        format="json")
    assert resp.status_code == 200
    assert records_for(orgs["a"]).get().after["address"] == "新地址"


@pytest.mark.django_db
def test_provider_reads_its_own_organisation_but_cannot_change_it(api, users, orgs):
    client = api(users["provider"])
    assert client.get(f"/api/v1/organisations/{orgs['p'].pk}/").status_code == 200
    resp = client.patch(f"/api/v1/organisations/{orgs['p'].pk}/", {"address": "x"},
                        format="json")
    assert resp.status_code == 403
    county_staff = api(users["county_a_staff"])
    resp = county_staff.patch(f"/api/v1/organisations/{orgs['p'].pk}/", {"address": "检测路"},
                              format="json")
    assert resp.status_code == 200
    assert records_for(orgs["p"]).get().after["address"] == "检测路"


# --- annual reports ------------------------------------------------------------------------


@pytest.mark.django_db
def test_money_is_decimal_strings(api, users, reports):
    body = api(users["city_staff"]).get(f"/api/v1/annual-reports/{reports['a'].pk}/").json()
    assert body["revenue_yuan"] == "30000000.00"
    assert body["net_assets_yuan"] == "15000000.00"
    assert body["rd_categories_total_yuan"] == "1500000.00"
    assert body["enterprise_name"] == "长治甲科技有限公司"
    assert isinstance(body["employees"], int)


@pytest.mark.django_db
def test_enterprise_user_files_own_report_audited(api, users, orgs):
    actor = users["enterprise_a_user"]
    resp = api(actor).post("/api/v1/annual-reports/", report_data(orgs["a"]), format="json")
    assert resp.status_code == 201, resp.json()
    report = EnterpriseAnnualReport.objects.get(pk=resp.json()["id"])
    assert report.revenue_yuan == Decimal("12000000.00")
    rec = records_for(report).get()
    assert rec.action == "create" and rec.actor == actor and rec.after["year"] == 2023


@pytest.mark.django_db
@pytest.mark.parametrize("enterprise", ["other", "unknown"])
def test_report_for_unknown_or_foreign_enterprise_is_400(api, users, orgs, enterprise):
    target = orgs["b"].pk if enterprise == "other" else 999999
    data = report_data(orgs["a"])
    data["enterprise"] = target
    resp = api(users["enterprise_a_user"]).post("/api/v1/annual-reports/", data, format="json")
    assert resp.status_code == 400
    assert resp.json()["errors"] == [{
        "field": "enterprise", "message": f"编号为 {target} 的记录不存在，或不在您的管辖范围内"}]
    assert not EnterpriseAnnualReport.objects.exists()
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"st_staff": 51}, "st_staff", "科技人员数（51）不能大于职工总数（50）"),
    ({"rd_domestic_yuan": "900000.00"}, "rd_domestic_yuan",
     "境内研发费用（900000.00 元）不能大于研发费用总额（800000.00 元）"),
    ({"revenue_yuan": "-1.00"}, "revenue_yuan", "请确保该值大于或者等于 0。"),
    ({"revenue_yuan": "1.001"}, "revenue_yuan", "请确保总计不超过 2 个小数位。"),
    ({"year": 1999}, "year", "请确保该值大于或者等于 2000。"),
    ({"employees": -3}, "employees", "请确保该值大于或者等于 0。"),
])
def test_invalid_report_is_400_with_field_and_nothing_written(api, users, orgs, extra, field,
                                                              message):
    resp = api(users["county_a_staff"]).post("/api/v1/annual-reports/",
                                             report_data(orgs["a"], **extra), format="json")
    assert resp.status_code == 400
    assert resp.json()["errors"] == [{"field": field, "message": message}]
    assert resp.json()["message"] == message
    assert not EnterpriseAnnualReport.objects.exists()
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_model_rule_on_update_reaches_client(api, users, reports):
    resp = api(users["city_staff"]).patch(f"/api/v1/annual-reports/{reports['a'].pk}/",
                                          {"st_staff": 101}, format="json")
    assert resp.status_code == 400
    assert resp.json()["errors"] == [{"field": "st_staff",
                                      "message": "科技人员数（101）不能大于职工总数（100）"}]
    reports["a"].refresh_from_db()
    assert reports["a"].st_staff == 20


@pytest.mark.django_db
def test_second_report_for_the_same_year_is_400(api, users, reports):
    resp = api(users["city_staff"]).post("/api/v1/annual-reports/",
                                         report_data(reports["a"].enterprise, year=2024),
                                         format="json")
    assert resp.status_code == 400
    assert resp.json()["message"] == "包含 企业 和 年度 的 企业年度报表 已经存在。"
    assert EnterpriseAnnualReport.objects.count() == 2


@pytest.mark.django_db
def test_report_update_audited_and_enterprise_fixed(api, users, orgs, reports):
    client = api(users["enterprise_a_user"])
    url = f"/api/v1/annual-reports/{reports['a'].pk}/"
    resp = client.patch(url, {"revenue_yuan": "31000000"}, format="json")
    assert resp.status_code == 200 and resp.json()["revenue_yuan"] == "31000000.00"
    rec = records_for(reports["a"]).get()
    assert rec.changed_fields == [("revenue_yuan", "30000000.00", "31000000.00")]
    resp = client.patch(url, {"enterprise": orgs["a2"].pk}, format="json")
    assert resp.status_code == 400  # a2 is not the enterprise user's: not even a choice
    resp = api(users["city_staff"]).patch(url, {"enterprise": orgs["a2"].pk}, format="json")
    assert resp.json()["errors"] == [{"field": "enterprise", "message": "年度报表所属企业不能修改"}]
    assert client.patch(f"/api/v1/annual-reports/{reports['b'].pk}/", {"employees": 1},
                        format="json").status_code == 404


@pytest.mark.django_db
def test_report_delete_rights(api, users, reports):
    assert api(users["enterprise_a_user"]).delete(
        f"/api/v1/annual-reports/{reports['a'].pk}/").status_code == 403
    assert api(users["county_a_staff"]).delete(
        f"/api/v1/annual-reports/{reports['b'].pk}/").status_code == 404
    assert EnterpriseAnnualReport.objects.count() == 2
    pk = reports["a"].pk
    resp = api(users["county_a_staff"]).delete(f"/api/v1/annual-reports/{pk}/")
    assert resp.status_code == 204
    assert not EnterpriseAnnualReport.objects.filter(pk=pk).exists()
    rec = ChangeRecord.objects.get()
    assert rec.action == "delete" and rec.before["year"] == 2024 and rec.source == "api"


# --- query counts --------------------------------------------------------------------------


@pytest.mark.django_db
def test_enterprise_list_uses_constant_queries(users, county_a, county_b,
                                               django_assert_max_num_queries):
    chains = list(IndustrialChain.objects.all()[:2])
    client = APIClient()
    client.force_authenticate(users["city_staff"])

    def add(n, start):
        for i in range(n):
            ent = make_enterprise(county_a if i % 2 else county_b, f"企业{start + i:03d}",
                                  100 + start + i)
            for chain in chains:
                ChainMembership.objects.create(organisation=ent, chain=chain)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get("/api/v1/enterprises/", {"page_size": 100})
        assert resp.status_code == 200
        return len(ctx.captured_queries)

    add(3, 0)
    few = count()
    add(27, 3)
    with django_assert_max_num_queries(4):  # count, page, chain memberships (+ savepoint-free)
        resp = client.get("/api/v1/enterprises/", {"page_size": 100})
    assert len(resp.json()["results"]) >= 30
    assert count() == few


@pytest.mark.django_db
def test_report_list_uses_constant_queries(users, county_a, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(users["city_staff"])
    for i in range(30):
        make_report(make_enterprise(county_a, f"填报企业{i:02d}", 200 + i), 2024)
    with django_assert_max_num_queries(3):
        resp = client.get("/api/v1/annual-reports/", {"page_size": 100})
    assert resp.json()["count"] >= 30


@pytest.mark.django_db
def test_browsable_api_and_options_render_with_scoped_choices(api, users, orgs, reports):
    client = api(users["county_a_staff"])
    for url in ("/api/v1/enterprises/", f"/api/v1/enterprises/{orgs['a'].pk}/",
                "/api/v1/organisations/", "/api/v1/annual-reports/",
                f"/api/v1/annual-reports/{reports['a'].pk}/"):
        resp = client.get(url, HTTP_ACCEPT="text/html")
        assert resp.status_code == 200, url
        html = resp.content.decode()
        assert orgs["b"].name not in html, url  # not even as a form choice
        assert client.options(url).status_code == 200, url
    html = client.get("/api/v1/enterprises/", HTTP_ACCEPT="text/html").content.decode()
    assert "潞州区" in html and "襄垣县" not in html  # county choices: only the clerk's own
