"""The annual evaluation: opened for a year, filled in by the host with evidence, graded or
returned by the bureau; reminders to the hosts who have not submitted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kechuang.audit.models import ChangeRecord
from kechuang.carriers import services
from kechuang.carriers.models import Evaluation
from kechuang.carriers.tests.conftest import make_platform
from kechuang.core.errors import DomainError, ScopeError
from kechuang.notices.models import Notice

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
FIGURES = {"rd_staff": 30, "rd_spend_yuan": Decimal("2500000"), "projects": 4, "patents": 2,
           "achievements": 1, "services": 25, "summary": "完成年度目标"}


def pdf():
    return SimpleUploadedFile("审计报告.pdf", PDF, "application/pdf")


@pytest.fixture
def campaign(users, enterprise_a, enterprise_b):
    bureau = users["city_staff"]
    make_platform(bureau, enterprise_a, name="甲实验室", level="provincial",
                  on=dt.date(2022, 1, 1))
    make_platform(bureau, enterprise_b, name="乙中心", kind_code="tech_innovation_centre")
    make_platform(bureau, enterprise_b, name="新建中心", established_on=dt.date(2025, 2, 1))
    return services.open_campaign(actor=bureau, data={
        "year": 2024, "title": "2024年度创新平台绩效评价", "due_on": dt.date(2025, 3, 31)})


def test_open_creates_one_evaluation_per_platform_of_the_year(campaign):
    names = set(Evaluation.objects.filter(campaign=campaign).values_list("platform__name",
                                                                          flat=True))
    assert names == {"甲实验室", "乙中心"}  # the 2025 platform is not evaluated for 2024


def test_host_submits_with_evidence_and_bureau_grades(campaign, users):
    host = users["enterprise_a_user"]
    ev = Evaluation.objects.get(platform__name="甲实验室")
    with pytest.raises(DomainError):  # no evidence yet
        services.fill_evaluation(evaluation=ev, actor=host, data=FIGURES)
    ev.refresh_from_db()
    assert ev.status == "pending"
    ev = services.fill_evaluation(evaluation=ev, actor=host, data=FIGURES, files=[pdf()])
    assert ev.status == "submitted" and ev.submitted_by == host and ev.evidence.count() == 1
    with pytest.raises(DomainError):  # submitted: no more changes
        services.fill_evaluation(evaluation=ev, actor=host, data=FIGURES)
    with pytest.raises(PermissionDenied):
        services.grade_evaluation(evaluation=ev, actor=host, grade="excellent")
    ev = services.return_evaluation(evaluation=ev, actor=users["city_staff"],
                                    reason="研发投入请附审计报告")
    assert ev.status == "returned"
    ev = services.fill_evaluation(evaluation=ev, actor=host, data={"rd_staff": 32})
    ev = services.grade_evaluation(evaluation=ev, actor=users["city_staff"], grade="good",
                                   score=Decimal("85.5"), comment="数据属实")
    assert (ev.status, ev.grade, ev.score) == ("graded", "good", Decimal("85.5"))
    assert ChangeRecord.objects.filter(object_id=str(ev.pk)).count() >= 5


def test_another_host_cannot_fill_in(campaign, users):
    ev = Evaluation.objects.get(platform__name="甲实验室")
    with pytest.raises(ScopeError):
        services.fill_evaluation(evaluation=ev, actor=users["enterprise_b_user"], data=FIGURES,
                                 files=[pdf()])


def test_reminders_go_to_hosts_that_have_not_submitted(campaign, users):
    ev = Evaluation.objects.get(platform__name="甲实验室")
    services.fill_evaluation(evaluation=ev, actor=users["enterprise_a_user"], data=FIGURES,
                             files=[pdf()])
    sent = services.remind_hosts(campaign=campaign, actor=users["city_staff"])
    assert sent == 1
    assert Notice.objects.filter(recipient=users["enterprise_b_user"]).count() == 1
    assert not Notice.objects.filter(recipient=users["enterprise_a_user"]).exists()
    assert services.remind_hosts(campaign=campaign, actor=users["city_staff"]) == 0  # same day


def test_pages_host_fills_and_bureau_grades(campaign, users, client_for):
    ev = Evaluation.objects.get(platform__name="甲实验室")
    host = client_for(users["enterprise_a_user"])
    page = host.get(reverse("carriers:evaluation_list")).content.decode()
    assert "甲实验室" in page and "乙中心" not in page
    data = {k: str(v) for k, v in FIGURES.items()} | {"version": ev.version, "submit": "1",
                                                      "files": pdf()}
    resp = host.post(ev.get_absolute_url(), data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    ev.refresh_from_db()
    assert ev.status == "submitted"
    bureau = client_for(users["city_staff"])
    page = bureau.get(ev.get_absolute_url()).content.decode()
    assert 'data-testid="grade-card"' in page
    bureau.post(reverse("carriers:evaluation_grade", args=[ev.pk]),
                {"grade": "excellent", "score": "93", "comment": "成效显著"})
    ev.refresh_from_db()
    assert ev.grade == "excellent"
    page = bureau.get(campaign.get_absolute_url()).content.decode()
    assert "已评定 1" in page


def test_scheduled_reminders_a_week_before_the_due_date(campaign, users):
    from kechuang.carriers.services import _scheduled_reminders

    assert "0 条" in _scheduled_reminders(campaign.due_on - dt.timedelta(days=3))
    assert "2 条" in _scheduled_reminders(campaign.due_on - dt.timedelta(days=7))
    assert Notice.objects.filter(recipient=users["enterprise_a_user"]).count() == 1


def test_campaign_page_pages_its_evaluations_and_counts_all(campaign, users, client_for,
                                                            monkeypatch):
    """The campaign's evaluations are paged like every list; the status counts cover all of
    them, not only the page shown."""
    from kechuang.carriers import views
    from kechuang.core.shortcuts import paginate

    monkeypatch.setattr(views, "paginate", lambda request, qs: paginate(request, qs, 1))
    resp = client_for(users["city_staff"]).get(campaign.get_absolute_url(), {"page": 2})
    page = resp.context["page_obj"]
    assert page.number == 2 and page.paginator.count == 2 and len(page.object_list) == 1
    assert resp.context["total"] == 2 and resp.context["counts"]["pending"] == 2
