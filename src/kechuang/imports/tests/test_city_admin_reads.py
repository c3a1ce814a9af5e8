"""The city administrator opens the import runs of city staff (read only) — issue #12."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from kechuang.accounts.scoping import scope_q
from kechuang.imports import selectors
from kechuang.imports.models import ImportRun

pytestmark = pytest.mark.django_db


def _run(owner) -> ImportRun:
    run = ImportRun(owner=owner, kind="orgs.annual_report", title="企业年度报表",
                    original_name="年报.xlsx", status="valid", errors=[])
    run.file.save("u.xlsx", ContentFile(b"PK"), save=False)
    run.save()
    return run


def test_city_admin_reads_city_staff_runs_only(users):
    staff_run = _run(users["city_staff"])
    county_run = _run(users["county_a_staff"])
    own = _run(users["city_admin"])
    admin = users["city_admin"]
    assert set(selectors.import_runs(user=admin)) == {staff_run, own}
    assert selectors.import_run(user=admin, pk=staff_run.pk) == staff_run
    with pytest.raises(ImportRun.DoesNotExist):
        selectors.import_run(user=admin, pk=county_run.pk)
    # committing and cancelling stay with the owner
    with pytest.raises(ImportRun.DoesNotExist):
        selectors.import_run(user=admin, pk=staff_run.pk, action="change")
    # nobody else gains anything: city staff still see only their own
    assert set(selectors.import_runs(user=users["city_staff"])) == {staff_run}


def test_city_admin_opens_but_cannot_commit(client_for, users):
    staff_run = _run(users["city_staff"])
    client = client_for(users["city_admin"])
    page = client.get(reverse("imports:run_detail", args=[staff_run.pk]))
    assert page.status_code == 200
    assert 'data-testid="commit-button"' not in page.content.decode()  # no button that 404s
    resp = client.post(reverse("imports:run_commit", args=[staff_run.pk]))
    assert resp.status_code == 404
    staff_run.refresh_from_db()
    assert staff_run.committed_at is None and staff_run.status == "valid"
    own = client_for(users["city_staff"]).get(reverse("imports:run_detail", args=[staff_run.pk]))
    assert 'data-testid="commit-button"' in own.content.decode()


def test_scope_rule_only_widens_reads(users):
    admin = users["city_admin"]
    assert "owner__role__in" in str(scope_q(admin, "view", ImportRun))
    assert "owner__role__in" not in str(scope_q(admin, "change", ImportRun))
    assert "owner__role__in" not in str(scope_q(users["city_staff"], "view", ImportRun))
