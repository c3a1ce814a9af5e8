"""Pages: list scoping, submit form with files, detail trail, review buttons, evidence serving."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kechuang.jobs.models import Job
from kechuang.reported import services
from kechuang.reported.models import Evidence, ReportedValue
from kechuang.reported.tests.conftest import PDF, pdf_file

pytestmark = pytest.mark.django_db

LIST = reverse("reported:value_list")
NOTES = {"a": "甲县区数值", "b": "乙县区数值", "city": "全市数值"}
VISIBLE = {
    "city_admin": {"a", "b", "city"}, "city_staff": {"a", "b", "city"},
    "county_a_staff": {"a", "city"}, "county_b_staff": {"b", "city"},
}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_list_shows_exactly_the_scope(client_for, users, values, role):
    html = client_for(users[role]).get(LIST).content.decode()
    shown = {p for p, note in NOTES.items() if note in html}
    assert shown == VISIBLE[role]


@pytest.mark.parametrize("role", ["enterprise_a_user", "expert", "provider", "auditor"])
def test_other_roles_get_403(client_for, users, values, role):
    assert client_for(users[role]).get(LIST).status_code == 403


def test_list_filters(client_for, users, values, indicators):
    client = client_for(users["city_staff"])
    html = client.get(LIST, {"county": "city"}).content.decode()
    assert "全市数值" in html and "甲县区数值" not in html
    html = client.get(LIST, {"indicator": indicators["county_fiscal_st_spending"].pk,
                             "status": "submitted", "year": 2025}).content.decode()
    assert "甲县区数值" in html and "乙县区数值" in html and "全市数值" not in html


def test_list_query_count_is_constant(client_for, users, values, indicators, county_a,
                                      django_assert_max_num_queries):
    from kechuang.reported.tests.conftest import make_value

    client = client_for(users["city_staff"])
    client.get(LIST)
    for _ in range(20):
        make_value(indicators["county_fiscal_st_spending"], users["county_a_staff"],
                   county=county_a, status="approved", reviewed_by=users["city_staff"])
    with django_assert_max_num_queries(14):
        resp = client.get(LIST)
    assert resp.content.decode().count('data-testid="value-row"') == 23


def test_county_clerk_submits_with_files(client_for, users, indicators, county_a, county_b):
    client = client_for(users["county_a_staff"])
    page = client.get(reverse("reported:value_add"))
    assert page.status_code == 200
    county_choices = [c.pk for c in page.context["form"].fields["county"].queryset]
    assert county_choices == [county_a.pk]
    resp = client.post(reverse("reported:value_add"), {
        "indicator": indicators["county_fiscal_st_spending"].pk, "county": county_a.pk,
        "period_end": "2025-09-30", "value": "456.7", "note": "九月月报",
        "files": [pdf_file("月报.pdf"), pdf_file("附件.pdf")]})
    obj = ReportedValue.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("reported:value_detail",
                                                                   args=[obj.pk])
    assert obj.evidence.count() == 2
    # another county is not offered, and is refused if posted
    resp = client.post(reverse("reported:value_add"), {
        "indicator": indicators["county_fiscal_st_spending"].pk, "county": county_b.pk,
        "period_end": "2025-09-30", "value": "1"})
    assert resp.status_code == 200 and ReportedValue.objects.count() == 1


def test_bad_file_is_shown_on_the_form(client_for, users, indicators, county_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["county_a_staff"])
    resp = client.post(reverse("reported:value_add"), {
        "indicator": indicators["county_fiscal_st_spending"].pk, "county": county_a.pk,
        "period_end": "2025-09-30", "value": "1",
        "files": [SimpleUploadedFile("病毒.docx", b"MZ\x90")]})
    assert resp.status_code == 200
    assert "病毒.docx" in resp.content.decode() and not ReportedValue.objects.exists()


def test_detail_shows_trail_and_buttons_only_to_allowed(client_for, users, values):
    value = values["a"]
    url = reverse("reported:value_detail", args=[value.pk])
    html = client_for(users["county_a_staff"]).get(url).content.decode()
    assert 'data-testid="review-card"' not in html
    client = client_for(users["city_staff"])
    html = client.get(url).content.decode()
    assert 'data-testid="action-approve"' in html and 'data-testid="action-reject"' in html
    resp = client.post(reverse("reported:value_reject", args=[value.pk]), {"reason": ""})
    assert resp.status_code == 302
    assert ReportedValue.objects.get(pk=value.pk).status == "submitted"
    client.post(reverse("reported:value_reject", args=[value.pk]), {"reason": "口径不符"})
    html = client.get(url).content.decode()
    assert "口径不符" in html and 'data-testid="trail-row"' in html
    assert 'data-testid="review-card"' not in html
    assert ReportedValue.objects.get(pk=value.pk).status == "rejected"


def test_own_submission_has_no_review_buttons(client_for, users, values):
    html = client_for(users["city_admin"]).get(
        reverse("reported:value_detail", args=[values["city"].pk])).content.decode()
    assert 'data-testid="review-card"' not in html
    resp = client_for(users["city_admin"]).post(
        reverse("reported:value_approve", args=[values["city"].pk]))
    assert resp.status_code == 302
    assert ReportedValue.objects.get(pk=values["city"].pk).status == "submitted"


def test_county_staff_cannot_approve(client_for, users, values):
    resp = client_for(users["county_a_staff"]).post(
        reverse("reported:value_approve", args=[values["a"].pk]))
    assert resp.status_code == 403


def test_evidence_served_only_within_scope(client_for, users, indicators, county_a):
    obj = services.submit_value(actor=users["county_a_staff"], data={
        "indicator": indicators["county_fiscal_st_spending"], "county": county_a,
        "period_end": "2025-06-30", "value": "1"}, files=[pdf_file("公报.pdf")])
    ev = Evidence.objects.get(reported_value=obj)
    url = reverse("reported:evidence_download", args=[ev.pk])
    for role in ("county_a_staff", "city_staff"):
        resp = client_for(users[role]).get(url)
        assert resp.status_code == 200
        assert b"".join(resp.streaming_content) == PDF
        assert resp["Content-Type"] == "application/pdf"
        assert resp["X-Content-Type-Options"] == "nosniff"
    assert client_for(users["county_b_staff"]).get(url).status_code == 404
    assert client_for(users["enterprise_a_user"]).get(url).status_code == 403
    assert "公报.pdf" in client_for(users["city_staff"]).get(
        reverse("reported:value_detail", args=[obj.pk])).content.decode()


def _export(client, capture, data=None):
    with capture(execute=True):
        resp = client.post(reverse("reported:value_export"), data or {})
    assert resp.status_code == 302
    job = Job.objects.latest("id")
    assert job.status == Job.Status.SUCCEEDED, job.error
    with job.result_file.open("rb") as fh:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
    return wb.get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_export_has_exactly_the_scoped_rows(client_for, users, values, role,
                                            django_capture_on_commit_callbacks):
    rows = _export(client_for(users[role]), django_capture_on_commit_callbacks)
    assert rows[0][0] == "指标"
    text = "\n".join(str(c) for r in rows for c in r)
    assert {p for p, note in NOTES.items() if note in text} == VISIBLE[role]


def test_export_keeps_the_filters(client_for, users, values, django_capture_on_commit_callbacks):
    rows = _export(client_for(users["city_staff"]), django_capture_on_commit_callbacks,
                   {"county": "city"})
    assert len(rows) == 2 and rows[1][2] == "全市"
