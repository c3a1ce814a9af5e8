"""Building workbooks for the import tests (XlsxWriter, as Excel or WPS would save them)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from kechuang.orgs.imports import SPEC

LABELS = {c.field: str(c.label) for c in SPEC.columns}


def workbook(headers: list[str], rows: list[list[Any]], *, sheet: str = "数据",
             extra: dict[str, list[list[Any]]] | None = None, header_row: int = 0,
             title: str | None = None) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet(sheet)
    if title:
        ws.write_string(0, 0, title)
    for c, h in enumerate(headers):
        ws.write_string(header_row, c, h)
    for r, row in enumerate(rows, start=header_row + 1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
            elif isinstance(v, Decimal):
                ws.write_number(r, c, float(v))
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write(r, c, v)
    for name, data in (extra or {}).items():
        other = wb.add_worksheet(name)
        for r, row in enumerate(data):
            for c, v in enumerate(row):
                if v is not None:
                    other.write(r, c, v)
    wb.close()
    return out.getvalue()


def report_row(enterprise: Any, year: int = 2024, **values: Any) -> dict[str, Any]:
    row = {"credit_code": enterprise.credit_code, "enterprise_name": enterprise.name,
           "year": year, "employees": 100, "st_staff": 20,
           "revenue_yuan": Decimal("30000000.00"), "rd_expense_yuan": Decimal("1500000.50"),
           "rd_domestic_yuan": Decimal("1500000.50"), "has_rd_activity": "是"}
    row.update(values)
    return row


def report_workbook(rows: list[dict[str, Any]], fields: list[str] | None = None) -> bytes:
    fields = fields or list(LABELS)
    return workbook([LABELS[f] for f in fields], [[r.get(f) for f in fields] for r in rows])


def upload_file(content: bytes, name: str = "年报.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-"
                              "officedocument.spreadsheetml.sheet")


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in wb.sheet_names}
