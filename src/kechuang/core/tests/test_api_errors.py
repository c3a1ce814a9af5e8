"""The one API error format: {"code", "message", "errors": [{"field", "message"}]}, in Chinese."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.test import RequestFactory
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIClient

from kechuang.core.api import Pagination, exception_handler
from kechuang.core.errors import DomainError, ScopeError


def handle(exc):
    return exception_handler(exc, {})


# --- the handler, exception by exception ---------------------------------------------------


def test_model_validation_error_keeps_field_paths():
    resp = handle(DjangoValidationError({
        "st_staff": ["科技人员数（51）不能大于职工总数（50）"],
        "__all__": ["包含 企业 和 年度 的 企业年度报表 已经存在。"],
    }))
    assert resp.status_code == 400
    assert resp.data == {"code": "invalid", "message": "提交的数据有误，请检查后重试", "errors": [
        {"field": "st_staff", "message": "科技人员数（51）不能大于职工总数（50）"},
        {"field": "", "message": "包含 企业 和 年度 的 企业年度报表 已经存在。"},
    ]}


def test_single_error_is_also_the_message():
    resp = handle(DjangoValidationError("统一社会信用代码应为18位，当前为17位"))
    assert resp.status_code == 400
    assert resp.data["message"] == "统一社会信用代码应为18位，当前为17位"
    assert resp.data["errors"] == [{"field": "",
                                    "message": "统一社会信用代码应为18位，当前为17位"}]


def test_nested_serializer_errors_flatten_to_paths():
    resp = handle(exceptions.ValidationError({
        "chains": {1: {"chain": ["不存在"], "role": ["不是合法选项"]}},
        "items": [{}, {"amount": ["必填"]}],
        "non_field_errors": ["整体有误"],
    }))
    assert [e["field"] for e in resp.data["errors"]] == [
        "chains[1].chain", "chains[1].role", "items[1].amount", ""]


def test_domain_errors():
    resp = handle(DomainError("预算不足，未保存", field="amount_yuan"))
    assert resp.status_code == 400
    assert resp.data == {"code": "invalid", "message": "预算不足，未保存",
                         "errors": [{"field": "amount_yuan", "message": "预算不足，未保存"}]}
    resp = handle(ScopeError("该记录不在您的管辖范围内，未保存"))
    assert resp.status_code == 403
    assert resp.data["code"] == "permission_denied"
    assert resp.data["message"] == "该记录不在您的管辖范围内，未保存"


def test_django_404_and_403_become_chinese():
    resp = handle(Http404("No Enterprise matches the given query."))
    assert resp.status_code == 404
    assert resp.data == {"code": "not_found", "message": "记录不存在或无权查看", "errors": []}
    resp = handle(PermissionDenied())
    assert resp.status_code == 403
    assert resp.data == {"code": "permission_denied", "message": "无权执行该操作", "errors": []}


def test_other_exceptions_are_left_to_django():
    assert handle(ValueError("boom")) is None


def test_page_size_is_capped_at_500():
    paginator = Pagination()
    request = Request(RequestFactory().get("/", {"page_size": "100000"}))
    assert paginator.get_page_size(request) == 500
    assert paginator.get_page_size(Request(RequestFactory().get("/"))) == 50
    # the schema declares an integer ≥ 1 with no maximum: any length of digits is capped
    for huge in ("59639104166112639582208", "9" * 5000, "000000000000000000007"):
        request = Request(RequestFactory().get("/", {"page_size": huge}))
        assert paginator.get_page_size(request) == (7 if huge.startswith("0") else 500)


# --- end to end -----------------------------------------------------------------------------


@pytest.fixture
def staff(users):
    client = APIClient()
    client.force_login(users["city_staff"])
    return client


def assert_error(resp, status: int, code: str, message: str | None = None):
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    if message is not None:
        assert body["message"] == message
    return body


@pytest.mark.django_db
def test_every_kind_of_error_has_the_same_shape(staff, users, enterprise_b):
    assert_error(APIClient().get("/api/v1/enterprises/"), 401, "not_authenticated",
                 "身份认证信息未提供。")
    expert = APIClient()
    expert.force_login(users["expert"])
    assert_error(expert.get("/api/v1/enterprises/"), 403, "permission_denied",
                 "您的角色无权执行该操作")
    county_a = APIClient()
    county_a.force_login(users["county_a_staff"])
    assert_error(county_a.get(f"/api/v1/enterprises/{enterprise_b.pk}/"), 404, "not_found",
                 "记录不存在或无权查看")
    assert_error(staff.delete(f"/api/v1/enterprises/{enterprise_b.pk}/"), 405,
                 "method_not_allowed", "方法 “DELETE” 不被允许。")
    assert_error(staff.get("/api/v1/enterprises/", {"page": 99}), 404, "not_found",
                 "无效页面。")
    assert_error(staff.post("/api/v1/enterprises/", "{not json", content_type="application/json"),
                 400, "parse_error")
    assert_error(staff.post("/api/v1/enterprises/", "x", content_type="text/csv"), 415,
                 "unsupported_media_type")
    body = assert_error(staff.post("/api/v1/annual-reports/", {}, format="json"), 400, "invalid")
    assert {e["field"] for e in body["errors"]} == {"enterprise", "year"}
    assert {e["message"] for e in body["errors"]} == {"该字段是必填项。"}


@pytest.mark.django_db
def test_messages_follow_the_request_language(staff):
    """Chinese by default (LANGUAGE_CODE zh-hans); LocaleMiddleware honours Accept-Language."""
    zh = staff.post("/api/v1/annual-reports/", {}, format="json")
    assert zh.json()["errors"][0]["message"] == "该字段是必填项。"
    en = staff.post("/api/v1/annual-reports/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["errors"][0]["message"] == "This field is required."


# --- hostile JSON ---------------------------------------------------------------------------


def test_json_depth_check_skips_brackets_inside_strings():
    from kechuang.core.parsers import MAX_JSON_DEPTH, json_depth_exceeds

    assert not json_depth_exceeds('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    assert not json_depth_exceeds("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    assert json_depth_exceeds("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    assert json_depth_exceeds('{"a":' * 40 + "1" + "}" * 40)
    assert not json_depth_exceeds(r'{"a\"[[[[": "\\"}')


@pytest.mark.django_db
@pytest.mark.parametrize("body", [
    "[" * 6000 + "]" * 6000,          # the 6 KB body of the report
    '{"a":' * 3000 + "1" + "}" * 3000,
    "[" * 100000,                      # unbalanced, deeper than the interpreter's stack
])
def test_deeply_nested_json_is_a_400_on_write_endpoints(staff, report_a, body):
    for method, url in [("post", "/api/v1/enterprises/"),
                        ("patch", f"/api/v1/annual-reports/{report_a.pk}/"),
                        ("post", "/api/v1/annual-reports/")]:
        resp = getattr(staff, method)(url, body, content_type="application/json")
        err = assert_error(resp, 400, "parse_error")
        assert "嵌套过深" in err["message"], err


def test_recursion_error_in_a_serializer_is_a_400():
    resp = handle(RecursionError("maximum recursion depth exceeded"))
    assert resp.status_code == 400
    assert resp.data["code"] == "parse_error"
    assert resp.data["message"] == "请求数据嵌套过深，无法处理"


# --- JSON types as the schema declares them (found by schemathesis on the live server) -----


@pytest.mark.django_db
def test_json_values_of_the_wrong_type_are_refused_by_field(staff, report_a):
    url = f"/api/v1/annual-reports/{report_a.pk}/"
    resp = staff.patch(url, {"employees": "120", "has_rd_activity": 1, "chains": None},
                       format="json")
    body = assert_error(resp, 400, "invalid")
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert fields == {"employees": "应为整数", "has_rd_activity": "应为布尔值（true 或 false）"}
    report_a.refresh_from_db()
    assert report_a.employees != 120


def test_json_numbers_with_a_fraction_are_parsed_as_decimal():
    import io
    from decimal import Decimal

    from kechuang.core.parsers import SafeJSONParser

    data = SafeJSONParser().parse(io.BytesIO(b'{"a": 99999999999999.99, "b": 5}'))
    assert data == {"a": Decimal("99999999999999.99"), "b": 5}
    assert isinstance(data["a"], Decimal) and isinstance(data["b"], int)


@pytest.mark.django_db
def test_money_may_be_a_json_number(staff, report_a):
    from decimal import Decimal

    url = f"/api/v1/annual-reports/{report_a.pk}/"
    resp = staff.patch(url, '{"total_assets_yuan": 1234567.89}', content_type="application/json")
    assert resp.status_code == 200, resp.content
    report_a.refresh_from_db()
    assert report_a.total_assets_yuan == Decimal("1234567.89")


@pytest.mark.django_db
def test_options_on_a_plain_viewset_is_not_a_server_error(staff, enterprise_a):
    assert staff.options(f"/api/v1/assessment/enterprises/{enterprise_a.pk}/").status_code == 200
    assert staff.options("/api/v1/enterprises/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", ["null", "0", "000", "1.5", "-1", ""])
def test_a_page_size_that_is_not_a_positive_integer_is_a_400(staff, page_size):
    body = assert_error(staff.get("/api/v1/enterprises/", {"page_size": page_size}), 400,
                        "invalid")
    assert body["errors"][0]["field"] == "page_size"
