"""Hostile and broken .xlsx files, built in the tests from zipfile and minimal XML.

Each is a valid-looking package ([Content_Types].xml, _rels/.rels, xl/workbook.xml and its
rels) around one sheet part, so calamine gets past the package and reaches the sheet.
"""

from __future__ import annotations

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
    f'<Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_REL}">'
    '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
    f'<Relationship Id="rId1" Type="{DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    '</Relationships>')
SHEET = "xl/worksheets/sheet1.xml"


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def num_cell(ref: str, value: float | int) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(rows: str, dimension: str | None = None, prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">{dim}'
            f'<sheetData>{rows}</sheetData></worksheet>')


def package(sheet: str | bytes | None, *, extra: dict[str, str | bytes] | None = None,
            compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The .xlsx bytes; ``sheet`` None leaves the sheet part out (workbook still names it)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", PACKAGE_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if sheet is not None:
            zf.writestr(SHEET, sheet)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def header_row(labels: list[str]) -> str:
    from kechuang.core.safe_files import column_letters

    cells = "".join(text_cell(f"{column_letters(i + 1)}1", label)
                    for i, label in enumerate(labels))
    return f'<row r="1">{cells}</row>'


def far_cell_workbook(labels: list[str], ref: str = "XFD1048576",
                      dimension: str | None = None) -> bytes:
    """The normal header row plus one number at ``ref`` (the 1.7 KB file of issue #10)."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    return package(sheet_xml(header_row(labels) + f'<row r="{row}">{num_cell(ref, 1)}</row>',
                             dimension=dimension))


def billion_laughs() -> str:
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10))
    return sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
                     prolog=f"<!DOCTYPE lolz [{ents}]>")


def zip_bomb(uncompressed: int = 64 * 1024 * 1024) -> bytes:
    """A sheet part of ``uncompressed`` bytes of blanks inside <sheetData> (~1000:1)."""
    head = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    body = head + b" " * (uncompressed - len(head) - len(tail)) + tail
    return package(body)
