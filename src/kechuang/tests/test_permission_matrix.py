"""The permission matrix: every named route × every role → allowed, denied or not found.

Each app declares its routes' expectations in its own ``tests/matrix.py`` (``ROUTES``); this
file collects them from the installed apps' manifests (``core.manifests.installed()``) plus the
project's own routes (``kechuang/tests/matrix.py``), so a new app brings its rows in its own
folder. Built against the URL conf: a route without an entry fails
``test_every_route_has_a_matrix_entry``. See kechuang/tests/matrix.py for the rules.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kechuang.core import manifests
from kechuang.tests.matrix import ROLES, SHELL_ROUTES, VISIBLE, Route


def _collect() -> dict[str, Route]:
    routes = dict(SHELL_ROUTES)
    for m in manifests.installed():
        try:
            module = importlib.import_module(f"kechuang.{m.app}.tests.matrix")
        except ModuleNotFoundError as exc:
            if exc.name != f"kechuang.{m.app}.tests.matrix":
                raise
            continue
        clash = set(routes) & set(module.ROUTES)
        assert not clash, f"{m.app} declares routes declared elsewhere: {sorted(clash)}"
        routes.update(module.ROUTES)
    return routes


ROUTES = _collect()

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


@pytest.fixture
def ctx(users, enterprise_a, enterprise_b, report_a, report_b):
    return {"users": users, "enterprise_a": enterprise_a, "enterprise_b": enterprise_b,
            "report_a": report_a, "report_b": report_b}


def _request(client, route: Route, url: str, method: str):
    if route.api:
        return getattr(client, method.lower())(url, HTTP_ACCEPT="application/json")
    return getattr(client, method.lower())(url)


def _export_text(user) -> str:
    """Every cell of the newest job's Excel file, as one string."""
    from python_calamine import CalamineWorkbook

    from kechuang.jobs.models import Job

    job = Job.objects.filter(owner=user).latest("pk")
    assert job.status == "succeeded", job.error
    with job.result_file.open("rb") as fh:
        wb = CalamineWorkbook.from_filelike(fh)
        rows = wb.get_sheet_by_index(0).to_python()
    return "\n".join(str(c) for row in rows for c in row)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_matrix(client, ctx, name, django_capture_on_commit_callbacks):
    """One route, every role. The route's rows are built once; each role's requests run in a
    savepoint rolled back after it, so no role sees what another's POST did, and every
    role's mismatch is reported, not only the first."""
    route = ROUTES[name]
    if route.skip_reason:
        pytest.skip(route.skip_reason)
    places = ["a", "b"] if route.kwargs else [None]
    urls = {place: reverse(name, kwargs=route.kwargs(ctx, place) if route.kwargs else None)
            for place in places}
    problems = []
    for role in ROLES:
        with transaction.atomic():
            try:
                _check(client, ctx, route, role, urls, django_capture_on_commit_callbacks)
            except AssertionError as exc:
                problems.append(f"{role}: {exc}")
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def _check(client, ctx, route: Route, role: str, urls: dict, capture) -> None:
    client.logout()
    if role != "anonymous":
        client.force_login(ctx["users"][role])
    methods = [route.method] + (["POST"] if route.also_post and route.method != "POST" else [])
    for place, url in urls.items():
        for method in methods:
            with capture(execute=True):
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
            visible = route.visible if route.visible is not None else VISIBLE
            if (route.scoped and place is not None
                    and place not in visible.get(role, {"a", "b"})):
                assert resp.status_code == 404, f"{where}: {resp.status_code}, expected 404"
                continue
            if method == route.method:
                assert resp.status_code in route.ok, f"{where}: {resp.status_code}"
                if route.list_marker and role in VISIBLE and resp.status_code == 200:
                    body = resp.content.decode()
                    for p in ("a", "b"):
                        shown = route.list_marker(ctx, p) in body
                        assert shown == (p in VISIBLE[role]), f"{where}: rows of {p} shown={shown}"
                if route.export_marker and role in VISIBLE:
                    text = _export_text(ctx["users"][role])
                    for p in ("a", "b"):
                        shown = route.export_marker(ctx, p) in text
                        assert shown == (p in VISIBLE[role]), f"{where}: export of {p}={shown}"
