"""The spec's optional hooks: Column.normalize, ImportSpec.unique, ImportSpec.after_commit,
and date ranges on a column."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import transaction

from kechuang.imports import engine
from kechuang.imports.cells import CellError
from kechuang.imports.spec import Column, ImportContext, ImportSpec
from kechuang.imports.tests.helpers import report_row, report_workbook, workbook
from kechuang.orgs.imports import SPEC
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation

pytestmark = pytest.mark.django_db


def _phone(value):
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) != 11:
        raise CellError("手机号应为 11 位数字")
    return digits


def _resolve(ctx, rows):
    found = {e.credit_code: e for e in Organisation.objects.restrict(ctx.user, "change")
             .filter(credit_code__in={r.data["credit_code"] for r in rows})}
    for row in rows:
        row.instance = found[row.data["credit_code"]]


CONTACT_SPEC = ImportSpec(
    kind="test.contact", title="联系人", model=Organisation, key=("credit_code",),
    columns=[Column("统一社会信用代码", "credit_code", "credit_code", required=True),
             Column("联系电话", "contact_phone", "text", normalize=_phone),
             Column("成立日期", "established_on", "date", min_value=dt.date(1949, 10, 1),
                    max_value=dt.date(2030, 12, 31))],
    unique=(("contact_phone",),), resolve=_resolve, clean_exclude=("county",))
HEADERS = ["统一社会信用代码", "联系电话", "成立日期"]


def _check(user, rows, spec=CONTACT_SPEC):
    return engine.process(spec=spec, ctx=ImportContext(user=user),
                          content=workbook(HEADERS, rows))


def test_normalize_runs_before_the_duplicate_check(users, enterprise_a, enterprise_a2):
    outcome = _check(users["city_staff"], [
        [enterprise_a.credit_code, "138 0013 8000", None],
        [enterprise_a2.credit_code, "13800138000", None],
        [enterprise_a2.credit_code, "12345", None]])
    assert outcome.errors == [
        (2, "联系电话", "与第 3 行重复（联系电话相同）"),
        (3, "联系电话", "与第 2 行重复（联系电话相同）"),
        (3, "统一社会信用代码", "与第 4 行重复（统一社会信用代码相同）"),
        (4, "联系电话", "手机号应为 11 位数字"),
        (4, "统一社会信用代码", "与第 3 行重复（统一社会信用代码相同）"),
    ]


def test_unique_duplicates_across_chunks_are_reported_on_both_rows(users, enterprise_a,
                                                                   enterprise_a2, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 1)
    outcome = _check(users["city_staff"], [[enterprise_a.credit_code, "13800138000", None],
                                           [enterprise_a2.credit_code, "13800138000", None]])
    assert sorted(outcome.errors) == [(2, "联系电话", "与第 3 行重复（联系电话相同）"),
                                      (3, "联系电话", "与第 2 行重复（联系电话相同）")]


def test_date_ranges(users, enterprise_a):
    outcome = _check(users["city_staff"], [[enterprise_a.credit_code, None,
                                            dt.date(1940, 1, 1)]])
    assert outcome.errors == [(2, "成立日期", "不能小于 1949-10-01，当前为 1940-01-01")]
    outcome = _check(users["city_staff"], [[enterprise_a.credit_code, None, "2031-01-01"]])
    assert outcome.errors == [(2, "成立日期", "不能大于 2030-12-31，当前为 2031-01-01")]


def test_unique_fields_must_be_columns():
    with pytest.raises(ValueError):
        dataclasses.replace(CONTACT_SPEC, unique=(("contact_name",),))


def test_after_commit_gets_every_row_written_once(users, enterprise_a, enterprise_a2,
                                                  monkeypatch):
    calls = []
    spec = dataclasses.replace(SPEC, after_commit=lambda s, ctx, rows: calls.append(
        (s.kind, ctx.committing, sorted(r.number for r in rows),
         EnterpriseAnnualReport.objects.count())))
    monkeypatch.setattr(engine, "CHUNK", 2)
    user = users["city_staff"]
    content = report_workbook([report_row(enterprise_a, 2022), report_row(enterprise_a, 2023),
                               report_row(enterprise_a2, 2023)])

    def run(content, write=True):
        with transaction.atomic():
            return engine.process(spec=spec, content=content, write=write,
                                  ctx=ImportContext(user=user, committing=write))

    assert run(content, write=False).ok and calls == []  # not on the check pass
    assert run(content).created == 3
    assert calls == [(SPEC.kind, True, [2, 3, 4], 3)]  # after the last chunk, in the pass
    calls.clear()
    assert run(content).unchanged == 3 and calls == []  # nothing written: not called
    bad = report_workbook([report_row(enterprise_a, 2021), report_row(enterprise_a2, 2021),
                           report_row(enterprise_a, 2020, employees=-1)])
    with transaction.atomic():
        outcome = engine.process(spec=spec, content=bad, write=True,
                                 ctx=ImportContext(user=user, committing=True))
        transaction.set_rollback(True)
    assert not outcome.ok and calls == []  # a bad row: not called (the caller rolls back)
