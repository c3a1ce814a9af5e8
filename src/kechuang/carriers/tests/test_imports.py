"""Import of the existing platform registry: platforms with their recognitions, a re-import
changes nothing, a higher level is a promotion with history; row errors; evaluation figures."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.carriers.imports import EVALUATION_SPEC, PLATFORM_SPEC
from kechuang.carriers.models import Evaluation, Platform, Recognition
from kechuang.imports.tests.helpers import workbook

D = dt.date
pytestmark = pytest.mark.django_db


def _book(spec, rows):
    headers = [str(c.label) for c in spec.columns]
    fields = [c.field for c in spec.columns]
    return workbook(headers, [[r.get(f) for f in fields] for r in rows])


def _row(name, host, **extra):
    row = {"name": name, "kind_name": "重点实验室", "host_code": host.credit_code,
           "recognition_level": "省级", "recognised_on": D(2023, 5, 1),
           "document_no": "晋科发〔2023〕5号", "established_on": D(2019, 1, 1)}
    row.update(extra)
    return row


def test_registry_import_with_promotion(client_for, users, enterprise_a, enterprise_b,
                                        county_b, do_upload, do_commit):
    client = client_for(users["city_staff"])
    rows = [_row("山西省煤基材料重点实验室", enterprise_a),
            _row("长治市装备工程中心", enterprise_b, kind_name="工程技术研究中心",
                 recognition_level="市级", recognised_on=D(2022, 3, 1)),
            _row("晋创谷孵化器", enterprise_a, kind_name="科技企业孵化器",
                 recognition_level=None, recognised_on=None, county_name="襄垣县",
                 jinchuanggu="是", area_sqm=5000, capacity=40)]
    run = do_commit(client, do_upload(client, _book(PLATFORM_SPEC, rows), "carriers.platform",
                                      "台账.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    assert run.create_count == 3
    lab = Platform.objects.get(name="山西省煤基材料重点实验室")
    assert lab.level == "provincial" and list(lab.hosts.all()) == [enterprise_a]
    inc = Platform.objects.get(name="晋创谷孵化器")
    assert inc.county == county_b and inc.level == "" and inc.capacity == 40
    # the same file again: nothing changes
    run = do_commit(client, do_upload(client, _book(PLATFORM_SPEC, rows), "carriers.platform",
                                      "台账.xlsx"))
    assert run.status == "committed" and run.create_count == 0
    assert Recognition.objects.count() == 2
    # the city centre promoted to province level: a second recognition, history kept
    rows[1].update(recognition_level="省级", recognised_on=D(2025, 7, 1))
    run = do_commit(client, do_upload(client, _book(PLATFORM_SPEC, rows), "carriers.platform",
                                      "台账.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    centre = Platform.objects.get(name="长治市装备工程中心")
    assert centre.level == "provincial"
    assert list(centre.recognitions.values_list("level", flat=True)) == ["city", "provincial"]


def test_registry_import_row_errors(client_for, users, enterprise_a, do_upload):
    client = client_for(users["city_staff"])
    rows = [_row("未知类别平台", enterprise_a, kind_name="不存在的类别"),
            _row("无日期平台", enterprise_a, recognised_on=None),
            _row("无单位平台", enterprise_a, host_code="91140400MA0K9999XX")]
    run = do_upload(client, _book(PLATFORM_SPEC, rows), "carriers.platform", "台账.xlsx")
    assert run.error_count == 3 or len(run.errors) >= 3, run.errors
    assert not Platform.objects.exists()


def test_evaluation_figures_import(client_for, users, enterprise_a, do_upload, do_commit):
    from kechuang.carriers import services
    from kechuang.carriers.tests.conftest import make_platform

    bureau = users["city_staff"]
    make_platform(bureau, enterprise_a, name="甲实验室")
    services.open_campaign(actor=bureau, data={"year": 2024, "title": "2024年度评价",
                                               "due_on": D(2025, 3, 31)})
    client = client_for(bureau)
    rows = [{"year": 2024, "platform_name": "甲实验室", "rd_staff": 12, "projects": 3,
             "patents": 1, "achievements": 0, "services": 8, "rd_spend_yuan": 900000}]
    run = do_commit(client, do_upload(client, _book(EVALUATION_SPEC, rows),
                                      "carriers.evaluation", "评价.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    ev = Evaluation.objects.get()
    assert ev.rd_staff == 12 and ev.status == "pending"
