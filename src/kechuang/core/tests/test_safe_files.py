"""Safe file intake: the zip checks, the streamed XML checks, the sandboxed reader.

Every hostile file must come back as a FileProblem with a readable Chinese message — never an
exception of another kind, never a dead test process (the 550 GB allocation happens in the
child, which the memory limit kills).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.core import safe_files
from kechuang.core.safe_files import (
    FileProblem,
    Limits,
    column_letters,
    header_key,
    inspect_zip,
    read_xlsx,
    run_sandboxed,
)
from kechuang.core.tests import hostile

LABELS = ["统一社会信用代码", "企业名称"]
SMALL = Limits(max_rows=100, max_columns=20, max_cells=1000, memory_bytes=512 * 1024 * 1024,
               seconds=60)


def problem(content: bytes, lim: Limits = SMALL, **kw) -> FileProblem:
    with pytest.raises(FileProblem) as info:
        read_xlsx(content, lim, keys=[header_key(x) for x in LABELS], **kw)
    return info.value


def normal(rows: int = 3) -> bytes:
    body = "".join(f'<row r="{r}">{hostile.text_cell(f"A{r}", f"9114{r:014d}")}'
                   f'{hostile.num_cell(f"B{r}", r)}</row>' for r in range(2, rows + 2))
    return hostile.package(hostile.sheet_xml(hostile.header_row(LABELS) + body))


def test_a_normal_workbook_reads_back():
    data = read_xlsx(normal(3), SMALL, prefer="数据", keys=[header_key(x) for x in LABELS])
    assert data["sheet"] == "数据"
    assert data["head"][0] == LABELS
    assert data["cols"] == [0, 1]
    assert [row[1] for row in data["head"][1:]] == [2.0, 3.0, 4.0]


def test_xfd1048576_is_refused_with_the_caps_numbers(settings):
    """The 1.7 KB file of issue #10: the header plus one cell at XFD1048576."""
    content = hostile.far_cell_workbook(LABELS)
    assert len(content) < 2500
    exc = problem(content, safe_files.limits())
    assert exc.code in ("rows", "columns")
    text = exc.message()
    assert "1,048,576" in text and "100,000" in text and "超过上限" in text, text


def test_without_caps_the_allocation_dies_in_the_child_not_here():
    """Caps lifted: calamine really tries the ~550 GB range; the child's RLIMIT_AS stops it
    and this process gets a readable file error."""
    lim = Limits(max_rows=10**7, max_columns=10**6, max_cells=10**14,
                 memory_bytes=384 * 1024 * 1024, seconds=60)
    with pytest.raises(FileProblem) as info:
        run_sandboxed("xlsx_rows", hostile.far_cell_workbook(LABELS), lim,
                      keys=[header_key(x) for x in LABELS])
    assert info.value.code == "memory"
    assert info.value.message().startswith("文件无法读取：读取时超出内存上限 384 MB")


@pytest.mark.parametrize("ref", ["A101", "U1", "AA50"])
def test_a_lying_dimension_does_not_hide_far_cells(ref):
    content = hostile.far_cell_workbook(LABELS, ref=ref, dimension="A1:B2")
    exc = problem(content)
    assert exc.code in ("rows", "columns", "cells"), exc.code
    assert "超过上限" in exc.message()


def test_a_declared_dimension_beyond_the_caps_is_checked_on_the_real_cells():
    """It may lie upwards too: the real references decide."""
    body = hostile.header_row(LABELS) + f'<row r="2">{hostile.num_cell("A2", 1)}</row>'
    ok = hostile.package(hostile.sheet_xml(body, dimension="A1:XFD1048576"))
    assert read_xlsx(ok, SMALL, keys=[header_key(x) for x in LABELS])["head"][1] == [1.0]
    far = hostile.far_cell_workbook(LABELS, ref="B5000", dimension="A1:B5000")
    exc = problem(far)
    assert (exc.code, exc.params["found"], exc.params["limit"]) == ("rows", 5000, 100)


def test_the_scan_stops_at_the_first_cell_beyond_the_caps_and_reports_the_declared_extent():
    """An honest <dimension> (every writer we know) gives the message its real numbers."""
    body = hostile.header_row(LABELS) + "".join(
        f'<row r="{r}">{hostile.num_cell(f"A{r}", r)}</row>' for r in range(2, 301))
    content = hostile.package(hostile.sheet_xml(body, dimension="A1:B300"))
    exc = problem(content)
    assert (exc.code, exc.params["found"]) == ("rows", 300)


def test_too_many_rows():
    exc = problem(normal(150))
    assert (exc.code, exc.params["found"], exc.params["limit"]) == ("rows", 151, 100)
    assert exc.message() == ("工作表“数据”的数据用到第 151 行，超过上限 100 行（含表头）；"
                             "请删除多余的行或分成多个文件导入")


def test_cells_without_references_are_counted_where_calamine_puts_them():
    """No r attributes: positions are implied by order, as calamine counts them."""
    cells = "<c><v>1</v></c>" * 30
    content = hostile.package(hostile.sheet_xml(
        hostile.header_row(LABELS) + f"<row>{cells}</row>", dimension="A1:B2"))
    exc = problem(content)
    assert (exc.code, exc.params["found"]) == ("columns", 30)
    assert "（AD 列）" in exc.message()


def test_empty_styled_cells_far_away_do_not_count():
    body = hostile.header_row(LABELS) + '<row r="900000"><c r="XFD900000" s="1"/></row>'
    content = hostile.package(hostile.sheet_xml(body, dimension="A1:XFD900000"))
    data = read_xlsx(content, SMALL, keys=[header_key(x) for x in LABELS])
    assert data["head"] == [LABELS]


def test_zip_bomb_is_refused_from_the_central_directory():
    content = hostile.zip_bomb()
    assert len(content) < 200_000
    exc = problem(content)
    assert exc.code == "ratio"
    assert "疑似压缩炸弹" in exc.message()
    lim = Limits(max_uncompressed=16 * 1024 * 1024, max_ratio=10**6)
    assert problem(content, lim).code == "too_large"


def test_too_many_members():
    content = hostile.package(hostile.sheet_xml(hostile.header_row(LABELS)),
                              extra={f"xl/media/x{i}.xml": "<a/>" for i in range(30)})
    exc = problem(content, Limits(max_members=20))
    assert (exc.code, exc.params["found"], exc.params["limit"]) == ("too_many_members", 35, 20)


def test_entity_expansion_is_refused_before_any_parser_expands_it():
    exc = problem(hostile.package(hostile.billion_laughs()))
    assert exc.code == "dtd"
    assert "DOCTYPE" in exc.message()


def test_a_doctype_after_a_long_comment_is_still_found():
    prolog = "<!-- " + "<a> " * 40_000 + " -->" + "<!DOCTYPE x [<!ENTITY e 'x'>]>"
    content = hostile.package(hostile.sheet_xml(hostile.header_row(LABELS), prolog=prolog))
    assert problem(content).code == "dtd"


def test_bad_xml_is_a_file_error():
    content = hostile.package('<?xml version="1.0"?><worksheet><sheetData><row r="1">'
                              '<c r="A1><v>1</v></c></row></sheetData></worksheet>')
    exc = problem(content)
    assert exc.code == "reader"
    assert exc.message().startswith("文件无法读取：内容已损坏"), exc.message()
    assert "attribute value not closed" in exc.message()


def test_truncated_xml_is_a_file_error():
    content = hostile.package('<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1"')
    assert problem(content).message().startswith("文件无法读取")


def test_missing_sheet_part():
    exc = problem(hostile.package(None))
    assert exc.code == "missing_part"
    assert "xl/worksheets/sheet1.xml" in exc.message()


def test_missing_workbook_part():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", hostile.CONTENT_TYPES)
        zf.writestr("_rels/.rels", hostile.PACKAGE_RELS)
    exc = problem(buf.getvalue())
    assert (exc.code, exc.params["member"]) == ("missing_part", "xl/workbook.xml")


@pytest.mark.parametrize(("content", "code"), [
    (b"just some text, named .xlsx", "not_zip"),
    (b"", "not_zip"),
    (safe_files.OLE_MAGIC + b"\x00" * 504, "ole"),  # an encrypted workbook / old .xls
    (b"PK\x03\x04" + b"\x00" * 100, "bad_zip"),
])
def test_not_a_workbook(content, code):
    exc = problem(content)
    assert exc.code == code
    assert exc.message().startswith("文件无法读取")


def test_duplicate_members_are_refused():
    """Two parts whose names differ only in case: which one would calamine read?"""
    content = hostile.package(hostile.sheet_xml(hostile.header_row(LABELS)),
                              extra={"XL/worksheets/Sheet1.xml": hostile.sheet_xml("")})
    assert problem(content).code == "duplicate_member"


def test_inspect_zip_accepts_a_real_package():
    with inspect_zip(normal(), Limits(), required=safe_files.REQUIRED_XLSX_PARTS) as zf:
        assert "xl/worksheets/sheet1.xml" in zf.namelist()


def test_the_answer_unpickler_allows_only_datetime_types():
    import os
    import pickle

    evil = pickle.dumps(("ok", os.system))
    with pytest.raises(pickle.UnpicklingError):
        safe_files._AnswerUnpickler(io.BytesIO(evil)).load()


@given(st.integers(min_value=1, max_value=100_000))
@settings(max_examples=200, deadline=None)
def test_column_letters_round_trip(n):
    row, col = safe_files._ref(f"{column_letters(n)}7".encode())
    assert (row, col) == (7, n)


def test_every_message_code_has_chinese_text():
    codes = ["not_zip", "ole", "bad_zip", "too_many_members", "duplicate_member",
             "encrypted_member", "too_large", "ratio", "missing_part", "dtd", "bad_xml",
             "bad_ref", "rows", "columns", "cells", "memory", "timeout", "crashed", "reader"]
    params = {"detail": "d", "found": 2, "limit": 1, "member": "m", "sheet": "s", "ref": "r",
              "letter": "B", "rows": 1, "columns": 2}
    for code in codes:
        text = FileProblem(code, **params).message()
        assert "文件无法读取（" not in text, code  # the fallback for a format mismatch
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), code
