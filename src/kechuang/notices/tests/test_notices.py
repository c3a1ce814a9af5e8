"""Notices: idempotent sending, own notices only, read marks, the unread badge."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kechuang.core.errors import ScopeError
from kechuang.notices import selectors, services
from kechuang.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_notify_bulk_and_idempotent_per_dedupe_key(users, django_assert_num_queries):
    a, b = users["county_a_staff"], users["county_b_staff"]
    with django_assert_num_queries(4):  # savepoint, existing keys, bulk insert, release
        assert services.notify(recipients=[a, b], title="指标滞后", level="warning",
                               dedupe_key="lag:1:2025-10") == 2
    assert services.notify(recipients=[a.pk, b], title="指标滞后", dedupe_key="lag:1:2025-10") == 0
    assert services.notify(recipients=[a], title="另一条", dedupe_key="lag:1:2025-11") == 1
    # without a key every call sends
    assert services.notify(recipients=[a], title="提示") == 1
    assert services.notify(recipients=[a], title="提示") == 1
    assert Notice.objects.filter(recipient=a).count() == 4
    assert services.notify(recipients=[], title="无人") == 0


def test_notify_refuses_foreign_links(users):
    with pytest.raises(ValidationError):
        services.notify(recipients=[users["city_staff"]], title="x", url="https://evil.example/")
    with pytest.raises(ValidationError):
        services.notify(recipients=[users["city_staff"]], title="x", url="//evil.example/")
    assert services.notify(recipients=[users["city_staff"]], title="x", url="/reported/") == 1


def test_users_see_and_mark_only_their_own(users):
    a, b = users["county_a_staff"], users["county_b_staff"]
    services.notify(recipients=[a, b], title="提醒")
    na = Notice.objects.get(recipient=a)
    nb = Notice.objects.get(recipient=b)
    assert list(selectors.notice_list(user=a)) == [na]
    assert list(selectors.notice_list(user=users["city_admin"])) == []  # not even the admin
    with pytest.raises(ScopeError):
        services.mark_read(notice=nb, actor=a)
    services.mark_read(notice=na, actor=a)
    assert Notice.objects.get(pk=na.pk).read_at is not None
    assert Notice.objects.get(pk=nb.pk).read_at is None
    assert services.mark_all_read(actor=b) == 1
    assert selectors.unread_count(user=b) == 0


def test_list_page_unread_first_and_badge(users, client_for):
    a = users["county_a_staff"]
    services.notify(recipients=[a], title="旧的已读")
    services.mark_all_read(actor=a)
    services.notify(recipients=[a], title="新的未读", url="/reported/", level="warning")
    client = client_for(a)
    resp = client.get(reverse("notices:notice_list"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.index("新的未读") < html.index("旧的已读")
    assert 'data-testid="notice-unread">1<' in html


def test_badge_is_one_query(users, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = users["county_a_staff"]
    services.notify(recipients=[a], title="提醒")
    client = client_for(a)
    client.get(reverse("jobs:job_list"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("jobs:job_list"))
    notice_queries = [q for q in ctx.captured_queries if "notices_notice" in q["sql"]]
    assert len(notice_queries) == 1


def test_read_view_marks_and_follows_the_link(users, client_for):
    a, b = users["county_a_staff"], users["county_b_staff"]
    services.notify(recipients=[a, b], title="去看看", url="/reported/")
    na = Notice.objects.get(recipient=a)
    nb = Notice.objects.get(recipient=b)
    client = client_for(a)
    resp = client.post(reverse("notices:notice_read", args=[na.pk]), {"go": "1"})
    assert resp.status_code == 302 and resp["Location"] == "/reported/"
    assert Notice.objects.get(pk=na.pk).read_at is not None
    assert client.post(reverse("notices:notice_read", args=[nb.pk])).status_code == 404
    assert client.get(reverse("notices:notice_read", args=[na.pk])).status_code == 405
    resp = client.post(reverse("notices:notice_read_all"))
    assert resp.status_code == 302
