"""Import of the expert pool and of historical projects: idempotent re-import, Chinese per-row
errors with nothing written, county scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.audit.models import ChangeRecord
from kechuang.imports.tests.helpers import workbook
from kechuang.policy.credit_code import make_code
from kechuang.projects.imports import EXPERT_KIND, EXPERT_SPEC, PROJECT_KIND, PROJECT_SPEC
from kechuang.projects.models import Expert, Project
from kechuang.projects.tests import fixtures as fx

D = dt.date
UNKNOWN = make_code("91140400MA0000001")  # valid, not on record
pytestmark = pytest.mark.django_db


def _book(spec, rows):
    headers = [str(c.label) for c in spec.columns]
    fields = [c.field for c in spec.columns]
    return workbook(headers, [[r.get(f) for f in fields] for r in rows])


def _project(code, lead, **extra):
    row = {"code": code, "title": f"项目{code}", "programme_name": "测试计划-key_rd_project",
           "year": 2024, "lead_code": lead.credit_code, "pi_name": "王工", "stage": "实施中",
           "approved_on": D(2024, 6, 1), "ends_on": D(2026, 5, 31),
           "approved_city_yuan": Decimal("500000.50"), "approved_province_yuan": Decimal(0),
           "approved_enterprise_yuan": Decimal("1000000")}
    row.update(extra)
    return row


def test_projects_import_and_reimport_changes_nothing(client_for, users, enterprise_a,
                                                       enterprise_b, do_upload, do_commit):
    fx.programme()
    client = client_for(users["city_staff"])
    content = _book(PROJECT_SPEC, [
        _project("CZ2024-001", enterprise_a),
        _project("CZ2024-002", enterprise_b, lead_code=None, lead_name=enterprise_b.name,
                 stage="中期检查")])
    run = do_commit(client, do_upload(client, content, PROJECT_KIND, "项目.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    assert run.create_count == 2
    first = Project.objects.get(code="CZ2024-001")
    assert first.lead == enterprise_a and first.county == enterprise_a.county
    assert first.level == "key_rd_project" and first.carried_over
    assert first.approved_city_yuan == Decimal("500000.50")
    second = Project.objects.get(code="CZ2024-002")
    assert second.lead == enterprise_b and second.stage == "midterm"
    audits = ChangeRecord.objects.count()

    again = do_commit(client, do_upload(client, content, PROJECT_KIND, "项目.xlsx"))
    assert again.status == "committed" and again.create_count == 0
    assert again.update_count == 0 and again.unchanged_count == 2
    assert Project.objects.count() == 2 and ChangeRecord.objects.count() == audits


def test_project_row_errors_write_nothing(client_for, users, enterprise_a, do_upload):
    fx.programme()
    client = client_for(users["city_staff"])
    rows = [_project("E1", enterprise_a),
            _project("E2", enterprise_a, lead_code=UNKNOWN),
            _project("E3", enterprise_a, approved_city_yuan=Decimal("-1")),
            _project("E4", enterprise_a, title=None)]
    run = do_upload(client, _book(PROJECT_SPEC, rows), PROJECT_KIND)
    assert run.status == "invalid"
    errors = {e[0]: (e[1], e[2]) for e in run.errors}
    assert set(errors) == {3, 4, 5}, run.errors
    assert errors[3][0] == "承担单位统一社会信用代码" and "不在系统中" in errors[3][1]
    assert errors[4][0] == "市财政资助（元）"
    assert errors[5][0] == "项目名称"
    assert Project.objects.count() == 0


def test_county_staff_may_not_import_projects(client_for, users):
    """Projects are entered by the city bureau: county staff get neither the page nor the
    kind (the spec's lookups go through restrict() all the same)."""
    from kechuang.imports.spec import may_import

    assert not may_import(users["county_a_staff"], PROJECT_SPEC)
    assert may_import(users["city_staff"], PROJECT_SPEC)
    client = client_for(users["county_a_staff"])
    assert client.get(f"/imports/new/{PROJECT_KIND}/").status_code == 403


def _expert(name, org, **extra):
    row = {"name": name, "org_code": org.credit_code, "org_name": org.name, "title": "正高级",
           "fields": "人工智能,煤炭智能开采", "available": "是"}
    row.update(extra)
    return row


def test_experts_import_and_reimport_changes_nothing(client_for, users, enterprise_a,
                                                      enterprise_b, do_upload, do_commit):
    client = client_for(users["city_staff"])
    content = _book(EXPERT_SPEC, [_expert("专家甲", enterprise_a),
                                  _expert("专家乙", enterprise_b, title="副高级",
                                          available="否")])
    run = do_commit(client, do_upload(client, content, EXPERT_KIND, "专家.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    assert run.create_count == 2
    yi = Expert.objects.get(name="专家乙")
    assert yi.organisation == enterprise_b and yi.title == "associate" and not yi.available
    again = do_commit(client, do_upload(client, content, EXPERT_KIND, "专家.xlsx"))
    assert again.status == "committed" and again.unchanged_count == 2
    assert Expert.objects.count() == 2


def test_expert_row_errors_write_nothing(client_for, users, enterprise_a, do_upload):
    client = client_for(users["city_staff"])
    rows = [_expert("专家甲", enterprise_a),
            _expert("专家丙", enterprise_a, org_code=UNKNOWN),
            _expert("专家丁", enterprise_a, fields=None)]
    run = do_upload(client, _book(EXPERT_SPEC, rows), EXPERT_KIND)
    assert run.status == "invalid"
    errors = {e[0]: (e[1], e[2]) for e in run.errors}
    assert set(errors) == {3, 4}, run.errors
    assert errors[3][0] == "工作单位统一社会信用代码" and "不在系统中" in errors[3][1]
    assert errors[4][0] == "专业领域"
    assert Expert.objects.count() == 0
