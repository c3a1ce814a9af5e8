"""The OpenAPI schema: valid, warning-free, truthful about errors, and committed as generated."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "openapi.yaml"
REGENERATE = ("DJANGO_SETTINGS_MODULE=kechuang.settings_test .venv/bin/python manage.py "
              "spectacular --lang zh-hans --validate --fail-on-warn --file docs/openapi.yaml")
TOKEN_PATH = "/api/v1/auth/token"


@pytest.fixture(scope="module")
def generated() -> str:
    out = io.StringIO()
    # --fail-on-warn and --validate raise CommandError on any warning or schema error
    call_command("spectacular", "--lang", "zh-hans", "--validate", "--fail-on-warn", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def schema(generated) -> dict:
    return yaml.safe_load(generated)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            yield path, method, op


def test_committed_schema_is_the_generated_one(generated):
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    assert committed == generated, (
        f"docs/openapi.yaml is out of date with the code; regenerate it with:\n  {REGENERATE}")


def test_every_operation_declares_the_error_format(schema):
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, method, op in operations(schema):
        codes = {"400", "403"} if path == TOKEN_PATH and method == "post" else (
            {"401"} if path == TOKEN_PATH else {"400", "401", "403", "404"})
        for code in codes:
            assert op["responses"][code]["content"]["application/json"]["schema"] == error_ref, (
                path, method, code)
        assert not any(k.startswith("x-") for k in op), (path, method)
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message", "errors"]


def test_money_is_a_decimal_string_in_the_schema(schema):
    props = schema["components"]["schemas"]["AnnualReport"]["properties"]
    money = [name for name in props if name.endswith("_yuan")]
    assert len(money) == 18
    for name in money:
        assert props[name]["type"] == "string" and props[name]["format"] == "decimal", name


def test_expected_operations(schema):
    ops = {(p, m) for p, m, _ in operations(schema)}
    assert ("/api/v1/enterprises/", "get") in ops
    assert ("/api/v1/enterprises/{id}/", "patch") in ops
    assert ("/api/v1/enterprises/{id}/", "delete") not in ops
    assert ("/api/v1/annual-reports/{id}/", "delete") in ops
    assert ("/api/v1/regions/", "post") not in ops
    assert (TOKEN_PATH, "post") in ops
    params = {p["name"] for p in schema["paths"]["/api/v1/enterprises/"]["get"]["parameters"]}
    assert params == {"county", "industry", "chain", "chain_role", "tier", "above_scale", "q",
                      "ordering", "page", "page_size"}


@pytest.mark.django_db
def test_schema_endpoint_serves_it():
    resp = APIClient().get("/api/v1/schema")
    assert resp.status_code == 200
    assert yaml.safe_load(resp.content)["openapi"].startswith("3.0")


@pytest.mark.django_db
def test_docs_page_loads_only_local_static_files():
    resp = APIClient().get("/api/v1/docs")
    assert resp.status_code == 200
    html = resp.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    # the init script comes from the docs URL itself (?script): the CSP allows no inline script
    init = "/api/v1/docs?script="
    assert init in urls
    static = [u for u in urls if u != init]
    assert static and all(u.startswith(("/static/drf_spectacular_sidecar/", "/static/web/"))
                          for u in static), urls
    for url in static:
        assert finders.find(url.removeprefix("/static/")), url
    script = APIClient().get(init).content.decode()
    for text in (html, script):
        assert "http://" not in text and "https://" not in text
    assert '"validatorUrl": null' in script  # no badge fetched from validator.swagger.io


def test_schema_says_what_the_server_does(schema):
    """Mismatches schemathesis found against the live server (test_api_live), pinned."""
    ok = schema["paths"]["/api/v1/kpi/dashboard/"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Dashboard"}  # one object, not an array
    for path in ("/api/v1/enterprises/{id}/", "/api/v1/annual-reports/{id}/",
                 "/api/v1/organisations/{id}/"):
        for method in ("put", "patch"):
            assert "409" in schema["paths"][path][method]["responses"], (path, method)
    assert "409" not in schema["paths"]["/api/v1/enterprises/"]["post"]["responses"]
    params = {p["name"]: p["schema"] for p in
              schema["paths"]["/api/v1/organisations/"]["get"]["parameters"]}
    assert params["county"]["minimum"] == 1 and params["page_size"]["minimum"] == 1
    # Bodies are JSON. The one exception is a body that carries a file (a property of format
    # binary, e.g. supervision's evidence upload): JSON cannot carry one, so such an operation
    # also takes multipart/form-data — JSON first, and nothing else. An accidental multipart
    # or form body anywhere else (a parser_classes or request= left over) still fails here.
    schemas = schema["components"]["schemas"]
    for path, method, op in operations(schema):
        if "requestBody" not in op:
            continue
        content = op["requestBody"]["content"]
        if _carries_a_file(content.get("multipart/form-data", {}).get("schema"), schemas):
            assert list(content) == ["application/json", "multipart/form-data"], (path, method)
        else:
            assert list(content) == ["application/json"], (path, method)


def _carries_a_file(body: dict | None, schemas: dict) -> bool:
    """Whether a request body's schema has a file property (format binary, or a list of them)."""
    if not body:
        return False
    if "$ref" in body:
        body = schemas[body["$ref"].rsplit("/", 1)[-1]]
    for prop in body.get("properties", {}).values():
        if prop.get("format") == "binary" or prop.get("items", {}).get("format") == "binary":
            return True
    return False
