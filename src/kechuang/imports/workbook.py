"""Workbooks of an import: reading the upload (calamine, in a sandboxed child process with
row, column, size, memory and time caps: ``core.safe_files``), writing the template and the
error report (XlsxWriter).

The template's first sheet "数据" holds only the header row; the example row lives on its own
sheet "示例", so a filled-in template never imports the example by accident: the reader takes
the sheet named "数据" when there is one, else the first sheet, and never "示例".
Headers are always Chinese (the spec's labels under ``settings.LANGUAGE_CODE``), whatever
language the user's pages are in, so a template downloaded in English reads back.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from kechuang.core.safe_files import FileProblem, read_xlsx
from kechuang.imports.cells import is_blank, normalize_label
from kechuang.imports.spec import Column, ImportSpec

DATA_SHEET = "数据"
EXAMPLE_SHEET = "示例"
GUIDE_SHEET = "填写说明"
LISTS_SHEET = "可选值"
HEADER_SCAN_ROWS = 10  # a title row or two above the header is tolerated
TEMPLATE_ROWS = 5000  # rows the template pre-formats (text format, dropdowns)
ERROR_COLUMN = "错误原因"

KIND_LABELS = {
    "text": "文本", "int": "整数", "decimal": "数字", "money": "金额（元，最多两位小数）",
    "date": "日期（如 2024-05-01）", "bool": "是/否", "choice": "从下拉列表选择",
    "credit_code": "18位统一社会信用代码（文本格式）",
}


@dataclass
class SheetData:
    """The data sheet of an upload, with its header matched to the spec's columns.

    The rows were read in a sandboxed child process (``core.safe_files``): ``head`` holds the
    first ``HEADER_SCAN_ROWS`` rows in full, ``body`` the later rows as (0-based row index,
    cells of the sheet columns ``body_columns``).
    """

    header_index: int  # 0-based row of the header
    columns: dict[int, Column]  # sheet column index → column
    ignored: list[str] = field(default_factory=list)  # headers no column matched
    total: int = 0  # rows below the header (blank ones included)
    head: list[list[Any]] = field(default_factory=list)
    body: list[tuple[int, list[Any]]] = field(default_factory=list)
    body_columns: list[int] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(Excel row number, {field: raw cell}) of every row below the header that is not
        blank in all of the spec's columns."""
        for i, raw in enumerate(self.head):
            if i <= self.header_index:
                continue
            cells = {col.field: (raw[c] if c < len(raw) else "")
                     for c, col in self.columns.items()}
            if not all(is_blank(v) for v in cells.values()):
                yield i + 1, cells
        where = {c: k for k, c in enumerate(self.body_columns)}
        picks = [(col.field, where[c]) for c, col in self.columns.items()]
        for i, raw in self.body:
            cells = {name: raw[k] for name, k in picks}
            if not all(is_blank(v) for v in cells.values()):
                yield i + 1, cells


class WorkbookError(Exception):
    """The file cannot be imported at all; ``errors`` are (row, column, message)."""

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        super().__init__(errors[0][2] if errors else "")
        self.errors = errors


def _load(content: bytes, keys: list[str] | None) -> dict[str, Any]:
    """The data sheet's rows, read by calamine in a child process with memory, time, row and
    column caps (``core.safe_files``); every reader failure is a WorkbookError in Chinese."""
    try:
        data = read_xlsx(content, prefer=DATA_SHEET, skip=(EXAMPLE_SHEET, GUIDE_SHEET),
                         keys=keys, head_rows=HEADER_SCAN_ROWS)
    except FileProblem as exc:
        raise WorkbookError([(0, "", exc.message())]) from exc
    if data["sheet"] is None:
        raise WorkbookError([(0, "", _("工作簿中没有数据工作表（请在“数据”工作表中填写）"))])
    return data


def _match_header(spec: ImportSpec, head: list[list[Any]],
                  by_label: dict[str, Column]) -> tuple[int, dict[int, Column], list[str]]:
    """Find the header among the first rows and match it to the spec's columns."""
    best: tuple[int, list[Any]] | None = None
    best_hits = 0
    for i, raw in enumerate(head[:HEADER_SCAN_ROWS]):
        hits = sum(1 for v in raw if normalize_label(v) in by_label)
        if hits > best_hits:
            best, best_hits = (i, list(raw)), hits
    if best is None:
        labels = "、".join(f"“{c.label}”" for c in spec.columns[:3])
        raise WorkbookError([(1, "", _("没有找到表头：第一行应为列名（如%(labels)s），"
                                       "请使用下载的导入模板填写") % {"labels": labels})])
    index, header = best
    columns: dict[int, Column] = {}
    seen: dict[str, int] = {}
    ignored: list[str] = []
    errors: list[tuple[int, str, str]] = []
    for c, text in enumerate(header):
        if is_blank(text):
            continue
        col = by_label.get(normalize_label(text))
        if col is None:
            ignored.append(str(text).strip())
            continue
        if col.field in seen:
            errors.append((index + 1, str(col.label), _(
                "列“%(label)s”出现了两次（第 %(a)s 列和第 %(b)s 列），请删除其中一列") % {
                "label": col.label, "a": column_letter(seen[col.field]),
                "b": column_letter(c)}))
            continue
        seen[col.field] = c
        columns[c] = col
    for col in spec.columns:
        if col.required and col.field not in seen:
            errors.append((index + 1, str(col.label),
                           _("缺少必填列“%(label)s”（表头须与模板一致）") % {"label": col.label}))
    if errors:
        raise WorkbookError(errors)
    return index, columns, ignored


def read_sheet(spec: ImportSpec, content: bytes) -> SheetData:
    """Find the header and match it to the spec; raise WorkbookError when that fails —
    including every way the file itself cannot be read (see ``_load``)."""
    by_label = {normalize_label(c.label): c for c in spec.columns}
    data = _load(content, list(by_label))
    index, columns, ignored = _match_header(spec, data["head"], by_label)
    end = data["end"]
    total = max(0, (end[0] + 1 if end else 0) - index - 1)
    return SheetData(header_index=index, columns=columns, ignored=ignored, total=total,
                     head=data["head"], body=data["rows"], body_columns=data["cols"])


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


# ---- the template ---------------------------------------------------------------------------


def _width(col: Column) -> int:
    if col.width:
        return col.width
    base = sum(2 if ord(ch) > 127 else 1 for ch in str(col.label)) + 2
    return max(base, {"credit_code": 22, "date": 12, "money": 16}.get(col.kind, 10))


def _choice_labels(col: Column) -> list[str]:
    if col.kind == "bool":
        return [_("是"), _("否")]
    return [str(label) for _v, label in col.choices]


def _rules(col: Column) -> str:
    parts = [KIND_LABELS[col.kind]]
    if col.min_value is not None:
        parts.append(_("最小 %(n)s") % {"n": col.min_value})
    if col.max_value is not None:
        parts.append(_("最大 %(n)s") % {"n": col.max_value})
    if col.kind == "choice":
        parts.append(_("可选：%(v)s") % {"v": "、".join(_choice_labels(col))})
    return "；".join(str(p) for p in parts)


def _example_cell(ws: Any, r: int, c: int, value: Any, fmts: dict[str, Any], col: Column) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, fmts["text"])
    elif col.kind == "bool" or isinstance(value, bool):
        ws.write_string(r, c, _("是") if value else _("否"), fmts["text"])
    elif col.kind == "choice":
        labels = dict(col.choices)
        ws.write_string(r, c, str(labels.get(value, value)), fmts["text"])
    elif isinstance(value, (int, Decimal, float)) and col.kind in ("int", "decimal", "money"):
        ws.write_number(r, c, float(value), fmts["money" if col.kind == "money" else "number"])
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmts["date"])
    else:
        ws.write_string(r, c, str(value), fmts["text"])


def build_template(spec: ImportSpec) -> bytes:
    """The .xlsx a clerk fills in: 数据 (headers), 示例 (one example row), 填写说明."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True,
                          "valign": "vcenter"})
    head_req = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1,
                              "text_wrap": True, "valign": "vcenter", "font_color": "#C00000"})
    fmts = {
        "text": wb.add_format({"num_format": "@"}),
        "number": wb.add_format({"num_format": "0"}),
        "money": wb.add_format({"num_format": "#,##0.00"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
    }
    col_fmt = {"text": fmts["text"], "credit_code": fmts["text"], "choice": fmts["text"],
               "bool": fmts["text"], "money": fmts["money"], "date": fmts["date"]}
    data = wb.add_worksheet(DATA_SHEET)
    example = wb.add_worksheet(EXAMPLE_SHEET)
    guide = wb.add_worksheet(GUIDE_SHEET)
    lists = None
    list_col = 0
    for ws in (data, example):
        ws.set_row(0, 32)
        ws.freeze_panes(1, 0)
    for c, col in enumerate(spec.columns):
        fmt = col_fmt.get(col.kind)
        for ws in (data, example):
            ws.set_column(c, c, _width(col), fmt)
            ws.write_string(0, c, str(col.label), head_req if col.required else head)
        note = _("必填。") if col.required else _("选填。")
        note += _rules(col) + (f"。{col.help}" if col.help else "")
        data.write_comment(0, c, note, {"x_scale": 2, "y_scale": 1.2})
        if col.kind in ("choice", "bool"):
            labels = _choice_labels(col)
            source: Any = labels
            if sum(len(x) + 1 for x in labels) > 250:  # Excel's limit for an inline list
                if lists is None:
                    lists = wb.add_worksheet(LISTS_SHEET)
                    lists.hide()
                for r, label in enumerate(labels):
                    lists.write_string(r, list_col, label)
                letter = column_letter(list_col)
                source = f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(labels)}"
                list_col += 1
            data.data_validation(1, c, TEMPLATE_ROWS, c, {
                "validate": "list", "source": source, "error_type": "warning",
                "error_title": str(col.label),
                "error_message": str(_("请从下拉列表中选择"))})
        elif col.kind in ("int", "decimal", "money") and (
                col.min_value is not None or col.max_value is not None):
            rule: dict[str, Any] = {"validate": "integer" if col.kind == "int" else "decimal",
                                    "error_type": "warning", "error_title": str(col.label),
                                    "error_message": _rules(col)}
            lo, hi = col.min_value, col.max_value
            if lo is not None and hi is not None:
                rule.update(criteria="between", minimum=float(lo), maximum=float(hi))
            elif lo is not None:
                rule.update(criteria=">=", value=float(lo))
            else:
                rule.update(criteria="<=", value=float(hi))
            data.data_validation(1, c, TEMPLATE_ROWS, c, rule)
        _example_cell(example, 1, c, spec.example.get(col.field), fmts, col)
    example.write_string(3, 0, _("以上为示例，仅供参考：导入时只读取“数据”工作表，"
                                 "本表不会被导入。"),
                         wb.add_format({"italic": True, "font_color": "#7F7F7F"}))

    bold = wb.add_format({"bold": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    guide.set_column(0, 0, 30)
    guide.set_column(1, 1, 8)
    guide.set_column(2, 2, 40)
    guide.set_column(3, 3, 50)
    guide.write_string(0, 0, _("%(title)s导入模板 · 填写说明") % {"title": spec.title},
                       wb.add_format({"bold": True, "font_size": 14}))
    general = [
        _("1. 在“数据”工作表中从第 2 行起逐行填写，每行一条记录；不要修改第 1 行的列名"
          "（列的顺序可以调整，多余的列会被忽略）。"),
        _("2. “示例”工作表只是示范，不会被导入。整行空白的行会被跳过。"),
        _("3. 红色列名为必填列。金额单位为元，可填写“1,234.50”，最多两位小数。"),
        _("4. 导入前系统会逐行校验；只要有一行有误，就不会写入任何数据，并提供错误报告下载"
          "（标明行号、列名和原因），改正后重新上传即可。"),
        _("5. 校验通过后会先显示预览（新增、修改、无变化的条数），确认后才一次性写入。"
          "与系统中完全相同的行不会重复写入，同一文件导入两次不会产生变化。"),
    ]
    general += [f"{i}. {n}" for i, n in enumerate(spec.notes, start=len(general) + 1)]
    r = 2
    for line in general:
        guide.merge_range(r, 0, r, 3, str(line), wrap)
        guide.set_row(r, 30)
        r += 1
    r += 1
    for c, h in enumerate([_("列名"), _("必填"), _("格式要求"), _("说明")]):
        guide.write_string(r, c, str(h), head)
    for col in spec.columns:
        r += 1
        guide.write_string(r, 0, str(col.label), bold if col.required else None)
        guide.write_string(r, 1, str(_("是") if col.required else _("否")))
        guide.write_string(r, 2, _rules(col), wrap)
        guide.write_string(r, 3, str(col.help or ""), wrap)
    data.activate()
    wb.close()
    return out.getvalue()


# ---- the error report -----------------------------------------------------------------------


def build_error_report(spec: ImportSpec, content: bytes,
                       errors: list[tuple[int, str, str]]) -> bytes:
    """The upload's rows in their original places plus a "错误原因" column, error cells in
    red; and a sheet "错误清单" with one line per (row, column, message)."""
    by_row: dict[int, list[tuple[str, str]]] = {}
    for row, label, message in errors:
        by_row.setdefault(row, []).append((label, message))
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    red_date = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006",
                              "num_format": "yyyy-mm-dd"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    reason_fmt = wb.add_format({"font_color": "#9C0006", "text_wrap": False})
    data: dict[str, Any] | None = None
    try:  # the whole sheet this time (every column, in place); the errors listing otherwise
        data = _load(content, None)
        by_label = {normalize_label(c.label): c for c in spec.columns}
        header_index, columns, _ignored = _match_header(spec, data["head"], by_label)
    except WorkbookError:
        data = None
    if data is not None:
        ws = wb.add_worksheet(_("错误数据"))
        label_col = {str(col.label): c for c, col in columns.items()}
        sheet_rows = list(enumerate(data["head"])) + data["rows"]
        width = max((len(raw) for _i, raw in sheet_rows), default=0)
        for c in range(width):
            ws.set_column(c, c, 16)
        ws.set_column(width, width, 60)
        for i, raw in sheet_rows:
            row_no = i + 1
            row_errors = by_row.get(row_no, [])
            bad = {label_col[label] for label, _m in row_errors if label in label_col}
            for c, value in enumerate(raw):
                if i == header_index:
                    ws.write_string(i, c, str(value), head)
                    continue
                fmt = red if c in bad else None
                if isinstance(value, (dt.date, dt.datetime)):
                    value = value if isinstance(value, dt.datetime) else dt.datetime.combine(
                        value, dt.time())
                    ws.write_datetime(i, c, value, red_date if c in bad else date_fmt)
                elif isinstance(value, (dt.time, dt.timedelta)):
                    ws.write_string(i, c, str(value), fmt)
                elif value == "" or value is None:
                    ws.write_blank(i, c, None, fmt)
                else:
                    ws.write(i, c, value, fmt)
            if i == header_index:
                ws.write_string(i, width, ERROR_COLUMN, head)
            elif row_errors:
                ws.write_string(i, width, "；".join(
                    f"【{label}】{message}" if label else message
                    for label, message in row_errors), reason_fmt)
        ws.freeze_panes(header_index + 1, 0)
    listing = wb.add_worksheet(_("错误清单"))
    listing.set_column(0, 0, 8)
    listing.set_column(1, 1, 24)
    listing.set_column(2, 2, 90)
    for c, h in enumerate([_("行号"), _("列"), ERROR_COLUMN]):
        listing.write_string(0, c, str(h), head)
    for r, (row, label, message) in enumerate(errors, start=1):
        if row:
            listing.write_number(r, 0, row)
        else:
            listing.write_blank(r, 0, None)
        listing.write_string(r, 1, label or "")
        listing.write_string(r, 2, message)
    wb.close()
    return out.getvalue()
