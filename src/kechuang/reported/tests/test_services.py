"""Submit / approve / reject through the services: scope, workflow, audit, evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import ScopeError
from kechuang.reported import selectors, services
from kechuang.reported.models import Evidence, ReportedValue
from kechuang.reported.tests.conftest import PDF, pdf_file
from kechuang.workflow.models import Transition
from kechuang.workflow.services import TransitionError

pytestmark = pytest.mark.django_db

JUNE = dt.date(2025, 6, 30)


def data(indicators, county=None, key="county_fiscal_st_spending", value="120.5", **kw):
    return {"indicator": indicators[key], "county": county, "period_end": JUNE,
            "value": value, **kw}


def test_county_submits_city_approves(indicators, users, county_a, settings):
    clerk, staff = users["county_a_staff"], users["city_staff"]
    obj = services.submit_value(actor=clerk, data=data(indicators, county_a),
                                files=[pdf_file()])
    assert obj.status == "submitted" and obj.submitted_by == clerk
    ev = Evidence.objects.get(reported_value=obj)
    assert ev.original_name == "统计公报.pdf" and ev.size == len(PDF)
    assert ev.content_type == "application/pdf"
    assert ev.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert ChangeRecord.objects.filter(action="create", actor=clerk).count() == 2
    obj = services.approve_value(value=obj, actor=staff)
    assert obj.status == "approved" and obj.reviewed_by == staff and obj.reviewed_at
    assert Transition.objects.get().to_state == "approved"


def test_submitter_cannot_approve_own(indicators, users):
    staff = users["city_staff"]
    obj = services.submit_value(actor=staff, data=data(indicators, key="rd_intensity"))
    with pytest.raises(TransitionError, match="本人"):
        services.approve_value(value=obj, actor=staff)
    with pytest.raises(TransitionError, match="本人"):
        services.reject_value(value=obj, actor=staff, reason="x")


def test_county_staff_cannot_approve(indicators, users, county_a):
    obj = services.submit_value(actor=users["city_staff"], data=data(indicators, county_a))
    with pytest.raises(PermissionDenied):
        services.approve_value(value=obj, actor=users["county_a_staff"])


def test_reject_needs_a_reason(indicators, users, county_a):
    obj = services.submit_value(actor=users["county_a_staff"], data=data(indicators, county_a))
    with pytest.raises(TransitionError, match="原因"):
        services.reject_value(value=obj, actor=users["city_staff"], reason="")
    obj = services.reject_value(value=obj, actor=users["city_staff"], reason="缺少佐证材料")
    assert obj.status == "rejected" and obj.review_note == "缺少佐证材料"


def test_county_staff_submit_only_for_own_county(indicators, users, county_b):
    clerk = users["county_a_staff"]
    with pytest.raises(ScopeError):
        services.submit_value(actor=clerk, data=data(indicators, county_b))
    with pytest.raises(ScopeError):  # city-level figures are the city's
        services.submit_value(actor=clerk, data=data(indicators, key="rd_intensity"))
    assert not ReportedValue.objects.exists()


@pytest.mark.parametrize("role", ["enterprise_a_user", "expert", "provider", "auditor"])
def test_other_roles_cannot_submit(indicators, users, role):
    with pytest.raises(PermissionDenied):
        services.submit_value(actor=users[role], data=data(indicators, key="rd_intensity"))


def test_bad_evidence_refuses_the_whole_submission(indicators, users, county_a, settings):
    bad = SimpleUploadedFile("报表.pdf", b"MZ\x90 this is an exe")
    with pytest.raises(ValidationError) as exc:
        services.submit_value(actor=users["county_a_staff"], data=data(indicators, county_a),
                              files=[pdf_file(), bad])
    assert "报表.pdf" in str(exc.value.message_dict["files"])
    assert not ReportedValue.objects.exists() and not Evidence.objects.exists()
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="超过上限"):
        services.submit_value(actor=users["county_a_staff"], data=data(indicators, county_a),
                              files=[pdf_file()])


def test_invalid_value_leaves_no_file_behind(indicators, users, county_a, settings):
    import os

    with pytest.raises(ValidationError):
        services.submit_value(actor=users["county_a_staff"],
                              data=data(indicators, county_a, period_end=dt.date(2030, 1, 31)),
                              files=[pdf_file()])
    root = settings.PRIVATE_MEDIA_ROOT
    assert not os.path.exists(root) or not any(f for _, _, f in os.walk(root))


def test_resubmission_keeps_history_latest_approved_wins(indicators, users, county_a):
    clerk, staff = users["county_a_staff"], users["city_staff"]
    first = services.submit_value(actor=clerk, data=data(indicators, county_a, value="100"))
    services.approve_value(value=first, actor=staff)
    second = services.submit_value(actor=clerk, data=data(indicators, county_a, value="110"))
    ind = indicators["county_fiscal_st_spending"]
    got = selectors.approved_values(indicator_ids=[ind.pk], as_of=JUNE)
    assert got[(ind.pk, county_a.pk)].value == 100  # the pending correction does not count
    services.approve_value(value=second, actor=users["city_admin"])
    got = selectors.approved_values(indicator_ids=[ind.pk], as_of=JUNE)
    assert got[(ind.pk, county_a.pk)].value == 110
    assert got[(ind.pk, county_a.pk)].reported_value_id == second.pk
    assert got[(ind.pk, county_a.pk)].approved_by == "city_admin"
    assert ReportedValue.objects.filter(indicator=ind).count() == 2
    assert [v.pk for v in selectors.history_of(value=first)] == [second.pk, first.pk]
