"""One write path: an import goes through the domain service's bulk hook, so a rule the
service enforces holds for imports too — here ``update_annual_report``'s "a report never
moves to another enterprise", which no database constraint keeps (a direct write moves it).

The spec below has a faulty lookup that hands a row the report of another enterprise (the
bug the rule exists for); the service's rule, not the lookup, stops it.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.db import transaction

from conftest import make_report
from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError
from kechuang.core.services import BulkItem, audit_snapshot
from kechuang.imports import engine
from kechuang.imports.spec import ImportContext, ImportRow
from kechuang.imports.tests.helpers import report_row, report_workbook
from kechuang.orgs.imports import SPEC
from kechuang.orgs.models import EnterpriseAnnualReport
from kechuang.orgs.services import bulk_save_annual_reports

pytestmark = pytest.mark.django_db


def _moving_spec(report: EnterpriseAnnualReport, target) -> object:
    def resolve(ctx: ImportContext, rows: list[ImportRow]) -> None:
        for row in rows:
            row.instance = EnterpriseAnnualReport.objects.get(pk=report.pk)
            row.values["enterprise"] = target  # moves the report: the service refuses
    return dataclasses.replace(SPEC, kind="test.moving_reports", resolve=resolve)


def _state() -> tuple[list, int]:
    return (list(EnterpriseAnnualReport.objects.order_by("pk").values_list(
        "pk", "enterprise_id", "year", "employees")), ChangeRecord.objects.count())


def test_a_direct_write_would_move_the_report(enterprise_a, enterprise_b):
    """Control: nothing below the service keeps the rule (so the tests below can fail)."""
    report = make_report(enterprise_a, 2023)
    with transaction.atomic():
        report.enterprise = enterprise_b
        EnterpriseAnnualReport.objects.bulk_update([report], ["enterprise"])
        assert EnterpriseAnnualReport.objects.get(pk=report.pk).enterprise_id == enterprise_b.pk
        transaction.set_rollback(True)


@pytest.mark.parametrize("write", [False, True], ids=["check", "commit"])
def test_an_import_cannot_move_a_report_to_another_enterprise(users, enterprise_a,
                                                              enterprise_b, write):
    report = make_report(enterprise_a, 2023)
    before = _state()
    with transaction.atomic():
        outcome = engine.process(spec=_moving_spec(report, enterprise_b),
                                 content=report_workbook([report_row(enterprise_a, 2023,
                                                                     employees=555)]),
                                 write=write, ctx=ImportContext(user=users["city_staff"],
                                                                committing=write))
    assert not outcome.ok
    assert outcome.errors == [(2, "统一社会信用代码",
                               "年度报表不能改到另一家企业名下；请在该企业下新增或修改报表")]
    assert _state() == before  # not moved, not changed, no change record


def test_the_service_hook_refuses_a_move_even_when_handed_one(users, enterprise_a,
                                                              enterprise_b):
    """The write itself re-applies the rule: a caller that skipped the check cannot move it."""
    report = make_report(enterprise_a, 2023)
    before = _state()
    moved = EnterpriseAnnualReport.objects.get(pk=report.pk)
    snapshot = audit_snapshot(moved)
    moved.enterprise = enterprise_b
    with pytest.raises(DomainError), transaction.atomic():
        bulk_save_annual_reports(actor=users["city_staff"], items=[
            BulkItem(obj=moved, before=snapshot, changed=["enterprise_id"])])
    assert _state() == before


def test_the_hook_writes_and_audits_like_the_single_row_service(users, enterprise_a):
    report = make_report(enterprise_a, 2023)
    with transaction.atomic():
        outcome = engine.process(spec=SPEC, write=True,
                                 content=report_workbook([report_row(enterprise_a, 2023,
                                                                     employees=555)]),
                                 ctx=ImportContext(user=users["city_staff"], committing=True))
    assert outcome.ok and outcome.updated == 1
    changed = EnterpriseAnnualReport.objects.get(pk=report.pk)
    assert (changed.employees, changed.version) == (555, report.version + 1)
    record = ChangeRecord.objects.get(action=ChangeRecord.Action.UPDATE)
    # as core.services.update_object writes it: the locking counter is not content
    assert "version" not in record.before and "version" not in record.after
    assert (record.before["employees"], record.after["employees"]) == (100, 555)
