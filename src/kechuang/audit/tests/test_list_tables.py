"""The sign-in and access event lists render their rows from audit/tables.py with no query
per row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.audit.models import AccessEvent, AuthEvent
from kechuang.core.tests.listqueries import assert_flat

pytestmark = pytest.mark.django_db


def test_authevent_list_queries_do_not_grow_with_rows(client_for, users):
    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            AuthEvent.objects.create(kind="login_failed", username=f"zzuser{i}", ip="10.0.0.2",
                                     user_agent="Mozilla <x>")

    client = client_for(users["auditor"])
    assert_flat(client, reverse("audit:authevent_list") + "?username=zzuser", "authevent-row", add)
    html = client.get(reverse("audit:authevent_list")).content.decode()
    assert 'title="Mozilla &lt;x&gt;"' in html and "text-bg-warning" in html


def test_accessevent_list_queries_do_not_grow_with_rows(client_for, users):
    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            AccessEvent.objects.create(kind="denied", username=f"u{i}", path=f"/x/{i}/",
                                       method="GET", status=403, request_id="a" * 32)

    client = client_for(users["auditor"])
    assert_flat(client, reverse("audit:accessevent_list") + "?kind=denied", "accessevent-row",
                add)
    html = client.get(reverse("audit:accessevent_list")).content.decode()
    assert f'href="/audit/changes/?request_id={"a" * 32}">aaaaaaaaa…</a>' in html
