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


# ---- former employers (曾任职单位) ---------------------------------------------------------

def test_the_former_employers_cell_is_parsed_or_named_wrong():
    from kechuang.projects.imports import Job, parse_former_employers

    jobs, errors = parse_former_employers(
        "单位A:2019-2022； 单位B：2015.03-2019.06;单位C\n单位D:2010至2012", this_year=2025)
    assert not errors
    assert jobs == [Job("单位A", D(2019, 1, 1), D(2022, 12, 31)),
                    Job("单位B", D(2015, 3, 1), D(2019, 6, 30)), Job("单位C", None, None),
                    Job("单位D", D(2010, 1, 1), D(2012, 12, 31))]
    _jobs, errors = parse_former_employers(
        "单位A:2019；:2019-2020；单位B:2022-2019；单位C:2019.13-2020；单位D:2019-2031",
        this_year=2025)
    assert errors == [
        "曾任职单位第 1 项“单位A:2019”的任职时间格式不正确，应为“单位:2019-2022”"
        "或“单位:2015.03-2019.06”",
        "曾任职单位第 2 项“:2019-2020”缺少单位名称",
        "曾任职单位第 3 项“单位B:2022-2019”的起始时间晚于结束时间",
        "曾任职单位第 4 项“单位C:2019.13-2020”的月份须在 1 至 12 之间",
        "曾任职单位第 5 项“单位D:2019-2031”的年份须在 1950 年至今年之间"]


def test_former_employers_import_replace_and_reimport_changes_nothing(
        client_for, users, enterprise_a, enterprise_b, do_upload, do_commit):
    from kechuang.projects.models import FormerEmployment

    client = client_for(users["city_staff"])
    cell = f"{enterprise_b.name}:2015-2019；{enterprise_a.credit_code}:2012.03-2014.06"
    content = _book(EXPERT_SPEC, [_expert("专家甲", enterprise_a, former_employers=cell)])
    run = do_commit(client, do_upload(client, content, EXPERT_KIND, "专家.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    jia = Expert.objects.get(name="专家甲")
    jobs = sorted((f.organisation_id, f.started, f.ended)
                  for f in FormerEmployment.objects.filter(expert_profile=jia))
    assert jobs == [(enterprise_a.pk, D(2012, 3, 1), D(2014, 6, 30)),
                    (enterprise_b.pk, D(2015, 1, 1), D(2019, 12, 31))]
    assert jia.former_employers_text == (f"{enterprise_b.name}:2015-2019；"
                                         f"{enterprise_a.name}:2012.03-2014.06")
    audits = ChangeRecord.objects.count()
    again = do_commit(client, do_upload(client, content, EXPERT_KIND, "专家.xlsx"))
    assert again.status == "committed" and again.unchanged_count == 1
    assert FormerEmployment.objects.count() == 2 and ChangeRecord.objects.count() == audits
    # a blank cell leaves them; a new list replaces them (audited)
    blank = _book(EXPERT_SPEC, [_expert("专家甲", enterprise_a)])
    assert do_commit(client, do_upload(client, blank, EXPERT_KIND)).unchanged_count == 1
    assert FormerEmployment.objects.count() == 2
    changed = _book(EXPERT_SPEC, [_expert("专家甲", enterprise_a,
                                          former_employers=f"{enterprise_b.name}:2016-2020")])
    run = do_commit(client, do_upload(client, changed, EXPERT_KIND))
    assert run.status == "committed" and run.update_count == 1
    assert list(FormerEmployment.objects.values_list("organisation_id", "started")) == [
        (enterprise_b.pk, D(2016, 1, 1))]
    assert ChangeRecord.objects.filter(reason="Excel导入曾任职单位").count() == 2


def test_former_employer_errors_per_row_write_nothing(client_for, users, enterprise_a,
                                                      do_upload):
    client = client_for(users["city_staff"])
    rows = [_expert("专家甲", enterprise_a, former_employers="不存在的单位:2015-2019"),
            _expert("专家乙", enterprise_a, former_employers="单位:2015/2019")]
    run = do_upload(client, _book(EXPERT_SPEC, rows), EXPERT_KIND)
    assert run.status == "invalid"
    errors = {e[0]: (e[1], e[2]) for e in run.errors}
    assert errors[2] == ("曾任职单位", "曾任职单位“不存在的单位”不在系统中，"
                                       "请填写统一社会信用代码或与系统一致的单位全称")
    assert errors[3][0] == "曾任职单位" and "任职时间格式不正确" in errors[3][1]
    assert Expert.objects.count() == 0


def test_the_export_cell_reads_back_as_the_same_former_employers(enterprise_a, enterprise_b):
    from kechuang.projects.imports import Job, parse_former_employers
    from kechuang.projects.models import FormerEmployment
    from kechuang.projects.selectors import expert_list
    from kechuang.projects.tables import EXPERTS

    expert = fx.expert("专家戊", org=enterprise_a)
    FormerEmployment.objects.create(expert_profile=expert, organisation=enterprise_b,
                                    started=D(2015, 3, 1), ended=D(2019, 6, 30))
    FormerEmployment.objects.create(expert_profile=expert, organisation=enterprise_a)
    cell = expert.former_employers_cell()
    assert cell == f"{enterprise_a.name}；{enterprise_b.name}:2015.03-2019.06"
    jobs, errors = parse_former_employers(cell, this_year=2025)
    assert not errors and jobs == [Job(enterprise_a.name, None, None),
                                   Job(enterprise_b.name, D(2015, 3, 1), D(2019, 6, 30))]
    column = next(c for c in EXPERTS.excel_columns() if str(c.header) == "曾任职单位")
    from kechuang.accounts.models import User

    staff = User.objects.create_user(username="ex_staff", password="Kc-test-Pass-2025",
                                     role="city_staff")
    assert [column.value(e) for e in expert_list(user=staff)] == [cell]
