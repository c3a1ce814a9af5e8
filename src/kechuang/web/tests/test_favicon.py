"""Every page names an icon, and /favicon.ico answers (no 404 in every browser's log)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders


def test_favicon_ico_redirects_to_the_svg(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301
    assert resp["Location"].endswith("web/favicon.svg")
    path = finders.find("web/favicon.svg")
    assert path and open(path, encoding="utf-8").read().startswith("<svg ")


@pytest.mark.django_db
def test_pages_link_the_icon(client, users, client_for):
    login = client.get("/accounts/login/").content.decode()  # base_plain
    assert 'rel="icon" href="/static/web/favicon.svg"' in login
    home = client_for(users["city_staff"]).get("/plan/").content.decode()  # base
    assert 'rel="icon" href="/static/web/favicon.svg"' in home
