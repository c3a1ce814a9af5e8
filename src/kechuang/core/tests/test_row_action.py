"""row_action (core.shortcuts): a row's POST button — 403 without the right, 404 outside the
scope, a service's refusal shown as a message with nothing written, else the success message
and back to the row. Exercised through a real pair: the project's 任务书签订 button
(projects:project_sign → services.sign_contract)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from kechuang.audit.models import ChangeRecord
from kechuang.core.shortcuts import row_action
from kechuang.projects import selectors, services
from kechuang.projects.models import Project
from kechuang.projects.tests import fixtures as fx


@pytest.fixture
def project(db, enterprise_a):
    return fx.project(enterprise_a)


def _messages(resp):
    return [(m.level_tag, str(m)) for m in get_messages(resp.wsgi_request)]


@pytest.mark.django_db
def test_success_writes_says_so_and_goes_back_to_the_row(project, users, client):
    client.force_login(users["city_staff"])
    resp = client.post(reverse("projects:project_sign", args=[project.pk]))
    assert resp.status_code == 302 and resp["Location"] == project.get_absolute_url()
    assert _messages(resp) == [("success", "已登记任务书签订，首期资金可以拨付。")]
    project.refresh_from_db()
    assert project.contract_signed_on is not None
    assert ChangeRecord.objects.filter(reason="任务书签订").count() == 1


@pytest.mark.django_db
def test_a_refusal_is_an_error_message_and_nothing_is_written(project, users, client):
    services.sign_contract(project=project, actor=users["city_staff"], on=dt.date(2025, 7, 1))
    records = ChangeRecord.objects.count()
    client.force_login(users["city_staff"])
    resp = client.post(reverse("projects:project_sign", args=[project.pk]))
    assert resp.status_code == 302 and resp["Location"] == project.get_absolute_url()
    assert _messages(resp) == [("error", "任务书已于 2025-07-01 签订")]
    project.refresh_from_db()
    assert project.contract_signed_on == dt.date(2025, 7, 1)
    assert ChangeRecord.objects.count() == records


@pytest.mark.django_db
def test_without_the_right_403_and_nothing_written(project, users, client):
    client.force_login(users["enterprise_a_user"])
    resp = client.post(reverse("projects:project_sign", args=[project.pk]))
    assert resp.status_code == 403
    project.refresh_from_db()
    assert project.contract_signed_on is None


@pytest.mark.django_db
def test_outside_the_scope_404_before_the_service_runs(project, users):
    """enterprise_b_user may view projects, but not enterprise a's: 404, ``do`` never called."""
    called = []
    request = RequestFactory().post("/")
    request.user = users["enterprise_b_user"]
    with pytest.raises(Http404):
        row_action(request, model=Project, action="view", read=selectors.project_detail,
                   pk=project.pk, do=lambda obj, user: called.append(obj), done="-")
    assert called == []


@pytest.mark.django_db
def test_to_picks_the_redirect(project, users):
    request = RequestFactory().post("/")
    request.user = users["city_staff"]
    request._messages = CookieStorage(request)
    resp = row_action(request, model=Project, action="change", read=selectors.project_detail,
                      pk=project.pk, do=lambda obj, user: None, done="好",
                      to=lambda obj: "/elsewhere/")
    assert resp.status_code == 302 and resp["Location"] == "/elsewhere/"
    assert [str(m) for m in request._messages] == ["好"]
