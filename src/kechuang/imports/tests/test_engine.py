"""The engine on its own: bounded queries, chunks, specs of other shapes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kechuang.audit.models import ChangeRecord
from kechuang.imports import engine
from kechuang.imports.spec import Column, ImportContext, ImportSpec
from kechuang.imports.tests.helpers import report_row, report_workbook
from kechuang.orgs.imports import SPEC
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
from kechuang.policy.credit_code import make_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_enterprises(county_a):
    Enterprise.objects.bulk_create([
        Enterprise(kind="enterprise", name=f"批量企业{i:04d}",
                   credit_code=make_code(f"91140403MB{i:07d}"), county=county_a,
                   industry_code="C26", established_on=dt.date(2015, 1, 1))
        for i in range(2000)])
    return list(Enterprise.objects.filter(name__startswith="批量企业").order_by("name"))


def _commit(user, content):
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        outcome = engine.process(spec=SPEC, ctx=ImportContext(user=user, committing=True),
                                 content=content, write=True)
    assert outcome.ok, outcome.errors[:3]
    # the audit chain's PostgreSQL advisory lock is a SELECT but reads nothing
    reads = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
             and "pg_advisory_xact_lock" not in q["sql"]]
    writes = [q for q in ctx.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    return outcome, len(reads), len(writes)


def test_queries_do_not_grow_per_row(users, many_enterprises):
    user = users["county_a_staff"]
    small = report_workbook([report_row(e, 2023) for e in many_enterprises[:200]])
    big = report_workbook([report_row(e, 2024) for e in many_enterprises])
    out_small, reads_small, writes_small = _commit(user, small)
    out_big, reads_big, writes_big = _commit(user, big)
    assert (out_small.created, out_big.created) == (200, 2000)
    # look-ups: a fixed number per chunk of engine.CHUNK rows, never per row (three of the
    # spec, the new rows' ids drawn by core.services.insert_new, and the audit hash chain's
    # head read by each bulk write of change records)
    chunks = -(-2000 // engine.CHUNK)
    assert reads_big - reads_small <= 5 * (chunks - 1), (reads_small, reads_big)
    # writes: batched INSERTs (SQLite's 999-parameter limit makes batches of ~35 rows)
    assert writes_big <= 2000 / 20, writes_big
    assert EnterpriseAnnualReport.objects.filter(year=2024).count() == 2000
    assert ChangeRecord.objects.filter(action="create").count() == 2200

    # updating all 2000 in one go: same bounds, one update record each
    changed = report_workbook([report_row(e, 2024, employees=101) for e in many_enterprises])
    out, reads, writes = _commit(user, changed)
    assert (out.updated, out.created, out.unchanged) == (2000, 0, 0)
    assert reads <= reads_big + 1 and writes <= 2000 / 20, (reads, writes)
    assert ChangeRecord.objects.filter(action="update").count() == 2000
    assert set(EnterpriseAnnualReport.objects.filter(year=2024).values_list(
        "employees", flat=True)) == {101}


def test_duplicates_across_chunks_are_reported_on_both_rows(users, many_enterprises,
                                                            monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 10)
    rows = [report_row(e, 2024) for e in many_enterprises[:25]]
    rows.append(report_row(many_enterprises[3], 2024))  # row 27 repeats row 5
    outcome = engine.process(spec=SPEC, ctx=ImportContext(user=users["city_staff"]),
                             content=report_workbook(rows))
    assert [e[0] for e in outcome.errors] == [5, 27]
    assert outcome.error_rows == {5, 27}


def test_writing_stops_at_the_first_error_and_the_caller_rolls_back(users, many_enterprises,
                                                                     monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 10)
    rows = [report_row(e, 2024) for e in many_enterprises[:30]]
    rows[25]["employees"] = -1
    with transaction.atomic():
        outcome = engine.process(spec=SPEC, ctx=ImportContext(user=users["city_staff"]),
                                 content=report_workbook(rows), write=True)
        assert [e[0] for e in outcome.errors] == [27]
        assert EnterpriseAnnualReport.objects.count() == 20  # the first two chunks
        transaction.set_rollback(True)
    assert EnterpriseAnnualReport.objects.count() == 0


def test_a_spec_with_its_own_columns_and_resolve(users, enterprise_a):
    """The API other apps use: a choice, a date and a text column on Organisation."""
    from kechuang.orgs.models import Organisation

    def resolve(ctx, rows):
        found = {e.credit_code: e for e in Organisation.objects.restrict(ctx.user, "change")
                 .filter(credit_code__in={r.data["credit_code"] for r in rows})}
        for row in rows:
            org = found.get(row.data["credit_code"])
            if org is None:
                row.add_error("credit_code", "未找到")
            else:
                row.instance = org

    spec = ImportSpec(
        kind="test.tier", title="梯队", model=Organisation, key=("credit_code",),
        columns=[Column("统一社会信用代码", "credit_code", "credit_code", required=True),
                 Column("培育梯队", "tier", "choice",
                        choices=[c for c in Organisation.Tier.choices if c[0]]),
                 Column("成立日期", "established_on", "date"),
                 Column("联系人", "contact_name")],
        resolve=resolve, clean_exclude=("county",))
    from kechuang.imports.tests.helpers import workbook

    content = workbook(["统一社会信用代码", "培育梯队", "成立日期", "联系人"],
                       [[enterprise_a.credit_code, "高新技术企业", 45000.0, 13800138000.0]])
    with transaction.atomic():
        outcome = engine.process(spec=spec, ctx=ImportContext(user=users["county_a_staff"]),
                                 content=content, write=True)
    assert outcome.ok and outcome.updated == 1, outcome.errors
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == "high_tech"
    assert enterprise_a.established_on == dt.date(2023, 3, 15)
    assert enterprise_a.contact_name == "13800138000"
    record = ChangeRecord.objects.get(object_id=str(enterprise_a.pk), action="update")
    assert record.before["tier"] == "" and record.after["tier"] == "high_tech"


def test_spec_definitions_are_checked():
    with pytest.raises(ValueError):
        Column("金额", "amount", "float")
    with pytest.raises(ValueError):
        Column("类别", "kind", "choice")
    with pytest.raises(ValueError):
        ImportSpec(kind="x", title="x", model=Enterprise, columns=[Column("A", "a")],
                   key=("b",), resolve=lambda ctx, rows: None)


def test_labels_for_errors_on_non_columns():
    assert SPEC.label_for("enterprise") == "统一社会信用代码"
    assert SPEC.label_for("__all__") == "统一社会信用代码"
    assert SPEC.label_for("rd_expense_yuan") == "研发费用总额（元）"


def test_annual_report_columns_follow_the_form_and_model():
    from kechuang.orgs.forms import REPORT_SECTIONS

    fields = [c.field for c in SPEC.columns]
    assert fields[:3] == ["credit_code", "enterprise_name", "year"]
    assert fields[3:] == [n for _t, names in REPORT_SECTIONS for n in names if n != "year"]
    kinds = {c.field: c.kind for c in SPEC.columns}
    assert kinds["revenue_yuan"] == "money" and kinds["employees"] == "int"
    assert kinds["has_rd_activity"] == "bool"
    mins = {c.field: c.min_value for c in SPEC.columns}
    assert mins["year"] == 2000 and mins["rd_expense_yuan"] == Decimal("0")
    assert mins["net_assets_yuan"] is None  # may be negative
