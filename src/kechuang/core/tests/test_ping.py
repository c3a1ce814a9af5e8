"""The bare /healthz endpoint (load balancers, the benchmark baseline)."""

import pytest
from django.urls import reverse


def test_ping_url():
    assert reverse("core:ping") == "/healthz"


@pytest.mark.django_db
def test_ping_answers_ok_without_login_or_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.content == b"ok"
    assert resp["Content-Type"].startswith("text/plain")
    assert "no-cache" in resp["Cache-Control"]
    assert client.post("/healthz").status_code == 405
