"""Turning what calamine reads from an Excel/WPS cell into the column's Python value.

calamine gives str, float (every number, integers too), bool, date/datetime, or "" for a
blank cell. Numbers never stay floats: a float goes through its shortest ``repr`` into a
Decimal (what the clerk typed: 1234.56 stays 1234.56), and money accepts "1,234.50",
"¥1,000", "1 000 元".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kechuang.core.safe_files import header_key
from kechuang.imports.spec import Column
from kechuang.policy import credit_code as cc

FEN = Decimal("0.01")
EXCEL_EPOCH = dt.date(1899, 12, 30)
TRUE_WORDS = {"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔"}
FALSE_WORDS = {"否", "无", "没有", "n", "no", "false", "f", "0", "×", "✗", "✘"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_NUMBER_NOISE = re.compile(r"[\s,，¥￥元]")


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalize_label(text: Any) -> str:
    """Header text for matching: NFKC (full-width brackets → ASCII), no spaces, no "*".

    The same function as the sandboxed reader's (which picks the columns to send back
    without Django), so both sides agree on which headers match."""
    return header_key(text)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def convert(column: Column, raw: Any) -> Any:
    """The cell's value for the column, ``None`` when blank; raises CellError in Chinese."""
    if is_blank(raw):
        return None
    value = _CONVERTERS[column.kind](column, raw)
    if column.normalize is not None:
        value = column.normalize(value)
    _check_range(column, value)
    return value


def _text(column: Column, raw: Any) -> str:
    if isinstance(raw, bool):
        return _("是") if raw else _("否")
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def _credit_code(column: Column, raw: Any) -> str:
    if isinstance(raw, float):
        raise CellError(_("统一社会信用代码被存成了数字，末几位可能已丢失：请把该列设为“文本”格式"
                          "后重新填写"))
    try:
        return cc.validate(_text(column, raw))
    except cc.CreditCodeError as exc:
        raise CellError(exc.message) from exc


def _int(column: Column, raw: Any) -> int:
    if isinstance(raw, bool):
        raise CellError(_("应为整数"))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise CellError(_("应为整数，当前为 %(v)s") % {"v": repr(raw)})
    d = _parse_decimal(str(raw), _("应为整数"))
    if d != d.to_integral_value():
        raise CellError(_("应为整数，当前为 %(v)s") % {"v": str(raw).strip()})
    return int(d)


def _parse_decimal(text: str, message: str) -> Decimal:
    s = _NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", text))
    bad = _("%(what)s，当前为“%(v)s”") % {"what": message, "v": text.strip()}
    try:
        d = Decimal(s)
    except InvalidOperation as exc:
        raise CellError(bad) from exc
    if not d.is_finite():
        raise CellError(bad)
    return d


def _decimal(column: Column, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(_("应为数字"))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError(_("应为数字"))
        d = Decimal(repr(raw))  # the shortest decimal that is this double: what was typed
        if column.kind == "money":
            # formula results carry binary noise (0.1+0.2 = 0.30000000000000004): drop it
            q = d.quantize(FEN)
            if d != q and abs(d - q) < Decimal("1e-9"):
                d = q
        return d
    return _parse_decimal(str(raw), _("应为数字"))


def _date(column: Column, raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise CellError(_("应为日期"))
    if isinstance(raw, (int, float)):  # an unformatted date cell: Excel's day number
        if 1 <= raw < 2958466 and float(raw).is_integer():
            return EXCEL_EPOCH + dt.timedelta(days=int(raw))
        raise CellError(_("应为日期（如 2024-05-01）"))
    text = str(raw).strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("应为日期（如 2024-05-01），当前为“%(v)s”") % {"v": text})


def _bool(column: Column, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    word = normalize_label(raw)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("应填“是”或“否”，当前为“%(v)s”") % {"v": str(raw).strip()})


def _choice(column: Column, raw: Any) -> Any:
    text = normalize_label(_text(column, raw))
    for value, label in column.choices:
        if text in (normalize_label(label), normalize_label(value)):
            return value
    options = "、".join(str(label) for _v, label in column.choices)
    raise CellError(_("“%(v)s”不是可选值，可选：%(options)s") % {
        "v": _text(column, raw), "options": options})


def _check_range(column: Column, value: Any) -> None:
    if column.min_value is not None and value < column.min_value:
        raise CellError(_("不能小于 %(n)s，当前为 %(v)s") % {"n": column.min_value, "v": value})
    if column.max_value is not None and value > column.max_value:
        raise CellError(_("不能大于 %(n)s，当前为 %(v)s") % {"n": column.max_value, "v": value})


_CONVERTERS = {
    "text": _text,
    "credit_code": _credit_code,
    "int": _int,
    "decimal": _decimal,
    "money": _decimal,
    "date": _date,
    "bool": _bool,
    "choice": _choice,
}


_BOOL_WORDS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}


def converter(column: Column) -> Callable[[Any], Any]:
    """``convert`` for one column as a function of the cell alone, with the common cells of
    a large sheet taken without the general path (what calamine gives for numbers and 是/否):
    the same values and the same errors — anything else goes through ``convert``."""
    kind, lo, hi = column.kind, column.min_value, column.max_value
    if column.normalize is not None or column.kind not in ("int", "decimal", "money", "bool"):
        return lambda raw: convert(column, raw)

    def slow(raw: Any) -> Any:
        return convert(column, raw)

    def in_range(value: Any, raw: Any) -> Any:
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return slow(raw)  # the message
        return value

    if kind in ("decimal", "money"):
        def number(raw: Any) -> Any:
            if type(raw) is float:
                text = repr(raw)  # the shortest decimal that is this double, as _decimal
                dot = text.find(".")
                # at most two places and no exponent: exactly what was typed, nothing for
                # money's noise rounding to change; anything else the general way
                if dot > 0 and len(text) - dot <= 3 and "e" not in text:
                    return in_range(Decimal(text), raw)
            return slow(raw)
        return number
    if kind == "int":
        def integer(raw: Any) -> Any:
            if type(raw) is float and raw.is_integer():
                return in_range(int(raw), raw)
            return slow(raw)
        return integer

    def boolean(raw: Any) -> Any:
        if type(raw) is str:
            value = _BOOL_WORDS.get(raw)
            if value is not None:
                return in_range(value, raw)
        return slow(raw)
    return boolean
