"""Excel import of the reform measures: created with their supervision (units, deadline),
re-import changes nothing, unknown units are row errors and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.imports.tests.helpers import workbook
from kechuang.supervision.imports import KIND, MEASURE_SPEC
from kechuang.supervision.models import ReformMeasure, SupervisedItem

pytestmark = pytest.mark.django_db


def _book(rows):
    headers = [str(c.label) for c in MEASURE_SPEC.columns]
    fields = [c.field for c in MEASURE_SPEC.columns]
    return workbook(headers, [[r.get(f) for f in fields] for r in rows])


def _row(n, **extra):
    row = {"year": 2025, "number": n, "title": f"措施{n}", "area": "增加科技成果供给",
           "mechanism": "重点研发项目支撑", "lead_unit": "成果转化科",
           "cooperating": "市财政局、潞州区科技局", "due_date": dt.date(2025, 12, 31)}
    row.update(extra)
    return row


def test_import_measures(client_for, users, units, plan, do_upload, do_commit):
    client = client_for(users["city_staff"])
    content = _book([_row(1), _row(2, cooperating="")])
    run = do_commit(client, do_upload(client, content, KIND, "措施.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    m = ReformMeasure.objects.get(number=1)
    assert m.plan == plan and m.area == "supply"
    assert m.item.lead_unit == units["division"]
    assert set(m.item.units.all()) == {units["division"], units["department"], units["a"]}
    assert SupervisedItem.objects.filter(kind="measure").count() == 2
    again = do_commit(client, do_upload(client, content, KIND, "措施.xlsx"))
    assert again.create_count == 0 and again.update_count == 0

    bad = do_upload(client, _book([_row(3, lead_unit="不存在的科")]), KIND, "措施.xlsx")
    assert bad.error_count == 1
    assert not ReformMeasure.objects.filter(number=3).exists()
