"""CSRF with the enforcing client, security headers and the Content-Security-Policy.

Routes come from the permission matrix (itself built from the URL conf), so a new route is
covered without touching this file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.core.tests.test_settings import PROD, run_manage
from kechuang.tests.test_permission_matrix import ROUTES, Route, ctx  # noqa: F401 - fixture

SRC = Path(__file__).resolve().parents[1]
# the role that exercises a route: the first of these it allows (all see place "a")
ROLE_PREFERENCE = ["city_staff", "county_a_staff", "enterprise_a_user", "city_admin", "auditor",
                   "expert", "provider", "system_admin", "security_admin"]
# routes that are not authenticated by a cookie, so CSRF does not apply: the token endpoint
# takes a username and password in the body and answers a token, never a session
NOT_COOKIE_AUTHENTICATED = {"api-token"}
# DRF views rendered as HTML: DRF's CSRF refusal is shown on the generic 403 page
HTML_API_VIEWS = {"api-docs"}
# Django's CSRF failure page and DRF's "CSRF Failed: …" (in either language)
CSRF_REFUSAL = re.compile(
    r"CSRF (verification failed|验证失败|Failed|token|cookie)|CSRF ?令牌|CSRF ?验证", re.I)


def _role_for(route: Route, users: dict) -> str | None:
    for role in ROLE_PREFERENCE:
        if role in route.allowed and role in users:
            return role
    return None


def _url(name: str, route: Route, ctx: dict) -> str:  # noqa: F811 - ctx is the fixture's value
    return reverse(name, kwargs=route.kwargs(ctx, "a") if route.kwargs else None)


def _client(route: Route, ctx: dict, *, enforce_csrf: bool = False) -> Client:  # noqa: F811
    client = Client(enforce_csrf_checks=enforce_csrf)
    role = _role_for(route, ctx["users"])
    if role is not None:
        client.force_login(ctx["users"][role])
    return client


# ---- CSRF --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_state_changing_request_without_a_csrf_token_is_refused(ctx):  # noqa: F811
    """POST (and PUT/PATCH/DELETE on the API) to every route, signed in, no token → 403."""
    from kechuang.audit.models import ChangeRecord

    targets = [(name, route, _url(name, route, ctx)) for name, route in sorted(ROUTES.items())
               if not route.skip_reason and name not in NOT_COOKIE_AUTHENTICATED]
    records = ChangeRecord.objects.count()  # after the URL builders made their fixtures
    checked = 0
    for name, route, url in targets:
        client = _client(route, ctx, enforce_csrf=True)
        methods = ["post", "put", "patch", "delete"] if route.api else ["post"]
        for method in methods:
            resp = getattr(client, method)(url, {} if method == "post" else "",
                                           **({"HTTP_ACCEPT": "application/json"}
                                              if route.api else {}))
            where = f"{method.upper()} {url} ({name})"
            assert resp.status_code == 403, f"{where}: {resp.status_code}"
            assert name in HTML_API_VIEWS or CSRF_REFUSAL.search(resp.content.decode()), (
                f"{where}: refused, but not for CSRF: {resp.content[:300]!r}")
            checked += 1
    assert checked > 100
    assert ChangeRecord.objects.count() == records  # nothing was written


@pytest.mark.django_db
def test_the_same_post_with_a_token_passes_the_csrf_check(ctx):  # noqa: F811
    """The control: the refusal above is the missing token, not the route."""
    route = ROUTES["orgs:enterprise_edit"]
    client = _client(route, ctx, enforce_csrf=True)
    url = _url("orgs:enterprise_edit", route, ctx)
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    resp = client.post(url, {"csrfmiddlewaretoken": token, "name": ""})
    assert resp.status_code == 200  # the form again, with its errors — past the CSRF check
    assert not CSRF_REFUSAL.search(resp.content.decode())


# ---- headers -----------------------------------------------------------------------------


def _directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_secure_headers(resp, where: str) -> None:
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", where
    assert resp.headers.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin",
                                                   "no-referrer"), where
    csp = resp.headers.get("Content-Security-Policy", "")
    policy = _directives(csp)
    assert policy.get("script-src") == ["'self'"], f"{where}: {csp}"
    assert "'unsafe-inline'" not in policy.get("style-src", []), f"{where}: {csp}"
    assert "'unsafe-eval'" not in csp, where
    assert policy.get("object-src") == ["'none'"], where
    assert (resp.headers.get("X-Frame-Options") == "DENY"
            or policy.get("frame-ancestors") == ["'none'"]), where


@pytest.mark.django_db
def test_every_page_has_the_security_headers_and_a_strict_csp(ctx):  # noqa: F811
    checked = 0
    for name, route in sorted(ROUTES.items()):
        if route.skip_reason or route.method != "GET":
            continue
        client = _client(route, ctx)
        url = _url(name, route, ctx)
        resp = client.get(url, **({"HTTP_ACCEPT": "application/json"} if route.api else {}))
        assert resp.status_code < 500, url
        assert_secure_headers(resp, f"GET {url} ({name}): {resp.status_code}")
        checked += 1
    assert checked > 50


@pytest.mark.django_db
def test_api_docs_load_their_script_from_a_url(client):
    """Swagger UI's init script is served from the docs URL (?script), not inline."""
    resp = client.get(reverse("api-docs"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), "inline script on docs"
    assert "<style" not in html
    script = re.search(r'<script src="([^"]*script[^"]*)"', html).group(1)
    js = client.get(script.replace("&amp;", "&"))
    assert js.status_code == 200 and js["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in js.content


def test_production_adds_hsts_and_forbids_framing():
    code = ("import json; from django.test import Client; "
            "r = Client().get('/api/v1/', secure=True, HTTP_HOST='kjj.example.gov.cn'); "
            "print(json.dumps({'status': r.status_code, **dict(r.headers)}))")
    out = run_manage("shell", "-c", code, **PROD)
    assert out.returncode == 0, out.stderr
    headers = json.loads(out.stdout.strip().splitlines()[-1])
    assert headers["status"] == 401, headers  # an API page: no static files needed
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000"), headers
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


# ---- templates ---------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?P<body>.*?)</script>", re.S | re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\s(on[a-z]+)\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
# rendered to PDF by WeasyPrint, never served to a browser
NOT_SERVED = ("kpi/templates/kpi/report/",)


def test_no_template_has_an_inline_script_or_handler():
    """The CSP would block them: scripts live in static files, data goes through json_script."""
    templates = sorted(SRC.glob("*/templates/**/*.html"))
    assert len(templates) > 40
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC)
        offenders += [f"{rel}: inline <script>" for m in INLINE_SCRIPT.finditer(text)
                      if m.group("body").strip()]
        offenders += [f"{rel}: {m.group(1)}= handler" for m in INLINE_HANDLER.finditer(text)]
        offenders += [f"{rel}: javascript: URL" for _ in JS_URL.finditer(text)]
        text_without_comments = re.sub(r"{% comment %}.*?{% endcomment %}", "", text, flags=re.S)
        if STYLE_ELEMENT.search(text_without_comments) and not str(rel).startswith(NOT_SERVED):
            offenders.append(f"{rel}: <style> element (style-src allows files only)")
    assert not offenders, offenders


def test_the_lint_catches_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>\nalert(1)\n</script>').group("body").strip()
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert INLINE_HANDLER.search('<select name="y" onchange="this.form.submit()">')
    assert not INLINE_HANDLER.search('<select name="y" data-kc-autosubmit>')
    assert JS_URL.search('<a href="javascript:void(0)">')
    assert STYLE_ELEMENT.search("<style>.a{color:red}</style>")
    assert not STYLE_ELEMENT.search('<div style="width: 5%">')
