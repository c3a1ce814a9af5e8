"""The permission matrix: every named route × every role → allowed, denied or not found.

Built from the URL conf, so a new route without an entry in ROUTES fails
``test_every_route_has_a_matrix_entry``. Expectations are written by hand from
the role definitions (not computed with restrict(), which is what is under test):

* a role outside ``allowed`` gets 403 (anonymous: redirect to login, API: 401/403);
* an allowed role asking for an object outside its scope gets 404;
* otherwise 200 (or the route's ``ok`` status).

List pages, API lists and exports are also checked for rows outside the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "city_admin", "city_staff", "county_a_staff", "county_b_staff",
         "enterprise_a_user", "enterprise_b_user", "expert", "provider", "auditor"]
BUREAU = {"city_admin", "city_staff", "county_a_staff", "county_b_staff"}
ENTERPRISE_USERS = {"enterprise_a_user", "enterprise_b_user"}
SIGNED_IN = set(ROLES) - {"anonymous"}
AUDIT = {"city_admin", "auditor"}

# Which of the two fixture places ("a" = 潞州区 / enterprise_a, "b" = 襄垣县 / enterprise_b)
# each role may see. Written out, not derived.
VISIBLE = {
    "city_admin": {"a", "b"}, "city_staff": {"a", "b"},
    "county_a_staff": {"a"}, "county_b_staff": {"b"},
    "enterprise_a_user": {"a"}, "enterprise_b_user": {"b"},
}


@dataclass
class Route:
    allowed: set[str]
    # builds URL kwargs for place "a" or "b"; None for routes without an object
    kwargs: Callable[[dict, str], dict] | None = None
    method: str = "GET"
    ok: tuple[int, ...] = (200,)
    api: bool = False
    public: bool = False  # reachable without login (login page, schema docs…)
    skip_reason: str = ""
    also_post: bool = False  # also POST (empty) and expect the same denials
    list_marker: Callable[[dict, str], str] | None = None  # text that shows place's rows
    extra: dict[str, Any] = field(default_factory=dict)


def ent(ctx, place):
    return {"pk": ctx[f"enterprise_{place}"].pk}


def rep(ctx, place):
    return {"pk": ctx[f"report_{place}"].pk}


def ent_name(ctx, place):
    return ctx[f"enterprise_{place}"].name


ROUTES: dict[str, Route] = {
    "web:home": Route(allowed=SIGNED_IN),
    "accounts:login": Route(allowed=set(ROLES), public=True, ok=(200, 302)),
    "accounts:logout": Route(allowed=set(ROLES), public=True, method="POST", ok=(200, 302)),
    "set_language": Route(allowed=set(ROLES), public=True, method="POST", ok=(302,)),
    "orgs:enterprise_list": Route(allowed=BUREAU | ENTERPRISE_USERS, list_marker=ent_name),
    "orgs:enterprise_detail": Route(allowed=BUREAU | ENTERPRISE_USERS, kwargs=ent),
    "orgs:report_list": Route(allowed=BUREAU | ENTERPRISE_USERS),
}

IGNORED_PREFIXES = ("admin:",)


def route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns)
    return {n for n in names if not n.startswith(IGNORED_PREFIXES)}


def test_every_route_has_a_matrix_entry():
    missing = sorted(route_names() - set(ROUTES))
    assert not missing, f"routes without a permission-matrix entry: {missing}"


def test_no_stale_matrix_entries():
    assert not sorted(set(ROUTES) - route_names())


CASES = [(name, role) for name in sorted(ROUTES) for role in ROLES]


@pytest.fixture
def ctx(users, enterprise_a, enterprise_b, report_a, report_b):
    return {"users": users, "enterprise_a": enterprise_a, "enterprise_b": enterprise_b,
            "report_a": report_a, "report_b": report_b}


def _request(client, route: Route, url: str, method: str):
    if route.api:
        return getattr(client, method.lower())(url, HTTP_ACCEPT="application/json")
    return getattr(client, method.lower())(url)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES)
def test_matrix(client, ctx, name, role):
    route = ROUTES[name]
    if route.skip_reason:
        pytest.skip(route.skip_reason)
    if role != "anonymous":
        client.force_login(ctx["users"][role])
    places = ["a", "b"] if route.kwargs else [None]
    methods = [route.method] + (["POST"] if route.also_post and route.method != "POST" else [])
    for place in places:
        url = reverse(name, kwargs=route.kwargs(ctx, place) if route.kwargs else None)
        for method in methods:
            resp = _request(client, route, url, method)
            where = f"{method} {url} as {role}"
            if role == "anonymous" and not route.public:
                if route.api:
                    assert resp.status_code in (401, 403), where
                else:
                    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], where
                continue
            if role not in route.allowed:
                assert resp.status_code == 403, f"{where}: {resp.status_code}, expected 403"
                continue
            if place is not None and place not in VISIBLE.get(role, {"a", "b"}):
                assert resp.status_code == 404, f"{where}: {resp.status_code}, expected 404"
                continue
            if method == route.method:
                assert resp.status_code in route.ok, f"{where}: {resp.status_code}"
                if route.list_marker and role in VISIBLE:
                    body = resp.content.decode()
                    for p in ("a", "b"):
                        shown = route.list_marker(ctx, p) in body
                        assert shown == (p in VISIBLE[role]), f"{where}: rows of {p} shown={shown}"
