"""The importer's second line of defence: ``bulk_write`` re-reads what it wrote through
``restrict(user, action)`` and refuses the whole write when a row is outside the user's scope.

Every real spec stops such a row earlier, in its own scoped lookup, so these tests use a spec
whose lookup is deliberately unscoped (the bug the re-check exists for): only the re-check
stands between a county clerk and another county's rows.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.db import transaction

from conftest import make_report
from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import ScopeError
from kechuang.imports import engine
from kechuang.imports.spec import ImportContext, ImportRow
from kechuang.imports.tests.helpers import report_row, report_workbook
from kechuang.orgs.imports import SPEC
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport

pytestmark = pytest.mark.django_db

MESSAGE = "导入的记录超出了您的管辖范围，未写入任何数据"


def _unscoped_resolve(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """A faulty lookup: finds enterprises and reports of every county, not the user's."""
    found = {e.credit_code: e for e in Enterprise.objects.filter(
        credit_code__in={r.data["credit_code"] for r in rows})}
    reports = {(r.enterprise_id, r.year): r for r in EnterpriseAnnualReport.objects.filter(
        enterprise__in=found.values())}
    for row in rows:
        enterprise = found[row.data["credit_code"]]
        row.instance = (reports.get((enterprise.pk, row.data["year"]))
                        or EnterpriseAnnualReport(enterprise=enterprise, year=row.data["year"]))


LEAKY_SPEC = dataclasses.replace(SPEC, kind="test.leaky_reports", resolve=_unscoped_resolve)


def _commit(user, rows) -> engine.Outcome:
    """The commit pass in one transaction, as the caller without a journal runs it."""
    with transaction.atomic():
        return engine.process(spec=LEAKY_SPEC, content=report_workbook(rows), write=True,
                              ctx=ImportContext(user=user, committing=True))


def _state() -> tuple[list, int]:
    return (list(EnterpriseAnnualReport.objects.order_by("pk").values_list(
        "pk", "enterprise_id", "year", "employees")), ChangeRecord.objects.count())


@pytest.mark.parametrize("existing", [False, True], ids=["create", "update"])
def test_county_clerk_cannot_write_another_countys_row(users, enterprise_a, enterprise_b,
                                                       existing):
    if existing:
        make_report(enterprise_b, 2023)
    before = _state()
    with pytest.raises(ScopeError) as exc:
        _commit(users["county_a_staff"], [report_row(enterprise_b, 2023, employees=777)])
    assert exc.value.message == MESSAGE
    assert _state() == before  # no report created or changed, no change record


def test_one_foreign_row_stops_the_whole_chunk(users, enterprise_a, enterprise_b):
    before = _state()
    with pytest.raises(ScopeError, match=MESSAGE):
        _commit(users["county_a_staff"], [report_row(enterprise_a, 2023),
                                          report_row(enterprise_b, 2023)])
    assert _state() == before  # the clerk's own county's row is not written either


def test_the_same_spec_writes_rows_inside_the_scope(users, enterprise_a, enterprise_b):
    """Control: the spec itself works; only the foreign county made the tests above fail."""
    outcome = _commit(users["county_b_staff"], [report_row(enterprise_b, 2023, employees=777)])
    assert outcome.ok and outcome.created == 1
    report = EnterpriseAnnualReport.objects.get()
    assert (report.enterprise_id, report.employees) == (enterprise_b.pk, 777)
    assert ChangeRecord.objects.filter(action=ChangeRecord.Action.CREATE).count() == 1
