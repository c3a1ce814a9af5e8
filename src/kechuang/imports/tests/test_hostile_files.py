"""Hostile and broken workbooks through the import: a readable file error, never a system
error, never a dead worker (issue #10, items 1 and 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.core.safe_files import OLE_MAGIC
from kechuang.core.tests import hostile
from kechuang.imports import engine
from kechuang.imports.spec import ImportContext
from kechuang.imports.tests.helpers import LABELS, report_row, report_workbook, upload_file
from kechuang.imports.workbook import WorkbookError, build_error_report, read_sheet
from kechuang.orgs.imports import KIND, SPEC

pytestmark = pytest.mark.django_db

HEADERS = list(LABELS.values())


def test_xfd1048576_is_refused_by_the_reader_with_the_caps():
    with pytest.raises(WorkbookError) as info:
        read_sheet(SPEC, hostile.far_cell_workbook(HEADERS))
    [(row, column, message)] = info.value.errors
    assert (row, column) == (0, "")
    assert "1,048,576" in message and "100,000" in message and "超过上限" in message


def test_the_engine_returns_the_file_error_as_an_outcome(users):
    """What the check job runs: an outcome with one error, no exception."""
    outcome = engine.process(spec=SPEC, ctx=ImportContext(user=users["city_staff"]),
                             content=hostile.far_cell_workbook(HEADERS))
    assert not outcome.ok and outcome.total == 0
    assert "超过上限" in outcome.errors[0][2]


def test_rows_beyond_the_cap(settings, users, enterprise_a):
    settings.IMPORT_MAX_ROWS = 5
    content = report_workbook([report_row(enterprise_a, year) for year in range(2015, 2025)])
    outcome = engine.process(spec=SPEC, ctx=ImportContext(user=users["city_staff"]),
                             content=content)
    assert outcome.errors == [(0, "", "工作表“数据”的数据用到第 11 行，超过上限 5 行（含表头）；"
                                      "请删除多余的行或分成多个文件导入")]


def test_columns_beyond_the_cap(settings):
    settings.IMPORT_MAX_COLUMNS = 30
    content = hostile.far_cell_workbook(HEADERS, ref="AK2")
    with pytest.raises(WorkbookError) as info:
        read_sheet(SPEC, content)
    assert "第 37 列（AK 列），超过上限 30 列" in info.value.errors[0][2]


def test_the_error_report_of_an_unreadable_file_is_the_listing():
    errors = [(0, "", "文件无法读取：……")]
    report = build_error_report(SPEC, hostile.far_cell_workbook(HEADERS), errors)
    assert report.startswith(b"PK")


def test_the_sandboxed_reader_keeps_every_column_and_row_in_place(enterprise_a):
    rows = [report_row(enterprise_a, 2024), report_row(enterprise_a, 2023, employees=7)]
    data = read_sheet(SPEC, report_workbook(rows))
    read = list(data.rows())
    assert [n for n, _cells in read] == [2, 3]
    assert read[1][1]["employees"] == 7 and read[0][1]["credit_code"] == enterprise_a.credit_code


HOSTILE = {
    "xfd": (hostile.far_cell_workbook(HEADERS), "超过上限 100,000 行"),
    "lying dimension": (hostile.far_cell_workbook(HEADERS, ref="B250000", dimension="A1:Z2"),
                        "数据用到第 250,000 行"),
    "entity expansion": (hostile.package(hostile.billion_laughs()), "DOCTYPE/ENTITY"),
    "bad xml": (hostile.package('<?xml version="1.0"?><worksheet><sheetData><row r="1">'
                                '<c r="A1><v>1</v></c></row></sheetData></worksheet>'),
                "文件无法读取：内容已损坏"),
    "missing sheet part": (hostile.package(None), "缺少部件“xl/worksheets/sheet1.xml”"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_upload_of_a_hostile_workbook_ends_as_a_readable_file_error(case, client_for, users,
                                                                     do_upload):
    content, needle = HOSTILE[case]
    client = client_for(users["city_staff"])
    run = do_upload(client, content)
    assert run.status == "invalid", (run.status, run.message)
    assert any(needle in e[2] for e in run.errors), run.errors
    assert run.job.status != "failed", run.job.error
    page = client.get(reverse("imports:run_detail", args=[run.pk])).content.decode()
    assert needle in page
    assert "系统错误" not in page
    resp = client.get(reverse("imports:run_errors", args=[run.pk]))
    assert resp.status_code == 200


@pytest.mark.parametrize(("content", "needle"), [
    (b"name,credit code\n1,2\n", "内容与扩展名 .xlsx 不符"),
    (OLE_MAGIC + b"\x00" * 1024, "设置了打开密码"),
    (hostile.zip_bomb(), "疑似压缩炸弹"),
])
def test_upload_form_refuses_what_is_not_a_safe_workbook(content, needle, client_for, users):
    client = client_for(users["city_staff"])
    resp = client.post(reverse("imports:run_new", args=[KIND]),
                       {"file": upload_file(content, "年报.xlsx")})
    assert resp.status_code == 200
    page = resp.content.decode()
    assert needle in page and "系统错误" not in page
