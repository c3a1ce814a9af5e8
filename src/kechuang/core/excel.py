"""The one Excel writer for list exports (streams rows; constant memory).

Every export job (enterprises, annual reports, audit trail …) describes its columns and
hands over an iterator of rows already scoped with ``restrict(user, "export")``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core.errors import DomainError
from kechuang.jobs.registry import Progress

CHUNK = 2000
PROGRESS_EVERY = 500
MAX_ROWS = 1_000_000  # an .xlsx sheet holds 1,048,576 rows


@dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Any], Any]
    kind: str = "text"  # text | wrap | number | money | date | datetime
    width: int = 14


def local(value: Any) -> Any:
    """Aware datetimes in local time without tzinfo (Excel has no time zones)."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def write_workbook(*, sheet_name: str, columns: list[Column], rows: Iterable[Any], total: int,
                   progress: Progress) -> tuple[bytes, int]:
    """Stream rows into an .xlsx; returns (content, rows written).

    Money cells are Excel numbers (IEEE doubles, exact to the fen for amounts below 10¹³
    yuan) with a ``#,##0.00`` format; the database value stays Decimal.
    """
    if total > MAX_ROWS:
        raise DomainError(_("符合条件的记录有 %(n)s 条，超过 Excel 单表上限，"
                            "请缩小筛选范围后再导出。") % {"n": total})
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(str(sheet_name)[:31])
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True,
                          "valign": "vcenter"})
    fmts = {
        "text": wb.add_format({"num_format": "@"}),
        "wrap": wb.add_format({"num_format": "@", "text_wrap": True, "valign": "top"}),
        "number": wb.add_format({"num_format": "0"}),
        "money": wb.add_format({"num_format": "#,##0.00"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
    }
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width)
        ws.write_string(0, c, str(col.header), head)
    ws.freeze_panes(1, 0)
    done = 0
    progress(0, total)
    for obj in rows:
        done += 1
        for c, col in enumerate(columns):
            value = col.value(obj)
            if value is None or value == "":
                ws.write_blank(done, c, None, fmts[col.kind])
            elif col.kind in ("number", "money"):
                ws.write_number(done, c, float(value), fmts[col.kind])
            elif col.kind in ("date", "datetime"):
                ws.write_datetime(done, c, value, fmts[col.kind])
            else:
                ws.write_string(done, c, str(value), fmts[col.kind])
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    if done:
        ws.autofilter(0, 0, done, len(columns) - 1)
    wb.close()
    progress(done, max(total, done))
    return out.getvalue(), done


def stamp() -> str:
    """Today's date for export file names."""
    return timezone.localdate().strftime("%Y%m%d")
