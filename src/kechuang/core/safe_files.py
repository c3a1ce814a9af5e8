"""Safe intake of uploaded Office files: cheap checks before any parser runs, and the parse
itself in a child process that a hostile file can crash or exhaust without harming the worker.

Why: a 1.7 KB .xlsx with one cell at XFD1048576 made calamine allocate ~550 GB and the job
worker abort; a zip bomb or a broken part ended as a system error. Three layers:

1. :func:`inspect_zip` (in-process, central directory only): zip magic (an OLE file is an
   encrypted workbook or an old .xls), member count, duplicate or encrypted members, total
   declared uncompressed size and per-member compression ratio. ``validate_upload`` runs it
   on every .xlsx/.docx upload.
2. :func:`scan_package` (in the child, streaming): every XML part is read in 1 MiB chunks —
   at most ``max_uncompressed`` bytes in all, whatever the central directory declares — and
   refused if it has a DOCTYPE or ENTITY declaration (no OOXML part has one; so no billion
   laughs, no external entities). Inside every ``<sheetData>`` the real ``<row r>``/``<c r>``
   references (and the implied positions of rows and cells without ``r``, as calamine counts
   them) give each sheet's last used row and column, checked against the row, column and
   cell-area caps *before* calamine allocates anything; the declared ``<dimension>`` is read
   but not trusted (it may lie or be absent). The small package parts that name the sheets
   (``_rels/.rels``, ``workbook.xml`` and its rels) are parsed with defusedxml.
3. :func:`run_sandboxed`: the scan and the calamine read run in ``python -I`` child process
   with ``RLIMIT_AS`` (memory), ``RLIMIT_CPU`` plus a wall-clock timeout, no core dumps and no
   file writes. The child sends back plain rows (pickled; the parent unpickles with an
   allow-list of the datetime types only). A killed, aborted or failed child becomes a
   :class:`FileProblem` — a readable Chinese file error — never a dead worker.

The child imports this module without Django: Django is imported inside the functions that
run in the parent only.
"""

from __future__ import annotations

import io
import os
import pickle
import re
import signal
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from operator import itemgetter
from typing import IO, Any

MiB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old .xls/.doc files
ZIP_MAGIC = b"PK\x03\x04"
RATIO_MIN_BYTES = 1 * MiB  # small parts may compress very well; only big ones are checked
CHUNK = 1 * MiB
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    """Caps for one file; :func:`limits` reads them from settings."""

    max_uncompressed: int = 256 * MiB
    max_ratio: int = 100
    max_members: int = 1000
    max_rows: int = 100_000
    max_columns: int = 200
    max_cells: int = 5_000_000
    memory_bytes: int = 1024 * MiB
    seconds: int = 120


def limits(**overrides: int) -> Limits:
    """The caps of settings.py (``IMPORT_MAX_ROWS``, ``UPLOAD_MAX_UNCOMPRESSED_BYTES``, …)."""
    from django.conf import settings

    d = Limits()
    values = {
        "max_uncompressed": getattr(settings, "UPLOAD_MAX_UNCOMPRESSED_BYTES",
                                    d.max_uncompressed),
        "max_ratio": getattr(settings, "UPLOAD_MAX_COMPRESSION_RATIO", d.max_ratio),
        "max_members": getattr(settings, "UPLOAD_MAX_ZIP_MEMBERS", d.max_members),
        "max_rows": getattr(settings, "IMPORT_MAX_ROWS", d.max_rows),
        "max_columns": getattr(settings, "IMPORT_MAX_COLUMNS", d.max_columns),
        "max_cells": getattr(settings, "IMPORT_MAX_CELLS", d.max_cells),
        "memory_bytes": getattr(settings, "IMPORT_PARSE_MEMORY_BYTES", d.memory_bytes),
        "seconds": getattr(settings, "IMPORT_PARSE_SECONDS", d.seconds),
    }
    values.update(overrides)
    return Limits(**{k: int(v) for k, v in values.items()})


class FileProblem(Exception):
    """A file that cannot be read safely. ``code`` and ``params`` travel from the child;
    :meth:`message` is the Chinese text (formatted in the parent, which has Django)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def message(self) -> str:
        from django.utils.translation import gettext as _

        p = {k: _fmt(v) for k, v in self.params.items()}
        texts = {
            "not_zip": _("文件无法读取：不是有效的 .xlsx/.docx 文件（不是 zip 格式，"
                         "可能已损坏或被改名）"),
            "ole": _("文件无法读取：文件设置了打开密码，或是旧版 .xls/.doc 格式；请取消密码后"
                     "另存为 .xlsx/.docx 再上传"),
            "bad_zip": _("文件无法读取：压缩结构已损坏（%(detail)s）"),
            "too_many_members": _("文件无法读取：文件内含 %(found)s 个部件，超过上限 "
                                  "%(limit)s 个"),
            "duplicate_member": _("文件无法读取：部件“%(member)s”重复出现"),
            "encrypted_member": _("文件无法读取：部件“%(member)s”已加密"),
            "too_large": _("文件无法读取：解压后大小超过 %(found)s，超过上限 %(limit)s"),
            "ratio": _("文件无法读取：部件“%(member)s”的压缩比为 %(found)s∶1，超过上限 "
                       "%(limit)s∶1（疑似压缩炸弹）"),
            "missing_part": _("文件无法读取：缺少部件“%(member)s”（文件不完整，或不是 Excel/"
                              "WPS 保存的工作簿）"),
            "dtd": _("文件无法读取：部件“%(member)s”含有 DOCTYPE/ENTITY 声明，"
                     "Office 文件不应包含，已拒绝"),
            "bad_xml": _("文件无法读取：部件“%(member)s”不是有效的 XML（%(detail)s）"),
            "bad_ref": _("文件无法读取：工作表“%(sheet)s”中的单元格引用“%(ref)s”无效"),
            "rows": _("工作表“%(sheet)s”的数据用到第 %(found)s 行，超过上限 %(limit)s 行"
                      "（含表头）；请删除多余的行或分成多个文件导入"),
            "columns": _("工作表“%(sheet)s”的数据用到第 %(found)s 列（%(letter)s 列），超过上限 "
                         "%(limit)s 列；请删除多余的列"),
            "cells": _("工作表“%(sheet)s”的数据区域为 %(rows)s 行 × %(columns)s 列，共 "
                       "%(found)s 个单元格，超过上限 %(limit)s 个；请删除多余的行列或分成多个"
                       "文件导入"),
            "memory": _("文件无法读取：读取时超出内存上限 %(limit)s（文件过大或已损坏）"),
            "timeout": _("文件无法读取：读取 %(limit)s 秒仍未完成（文件过大或已损坏）"),
            "crashed": _("文件无法读取：读取程序异常退出（%(detail)s），文件可能已损坏"),
            "reader": _("文件无法读取：内容已损坏或不是 Excel/WPS 保存的 .xlsx 工作簿"
                        "（%(detail)s）"),
        }
        text = texts.get(self.code, texts["reader"])
        try:
            return text % p
        except (KeyError, TypeError, ValueError):
            return _("文件无法读取（%(code)s）") % {"code": self.code}


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)[:200]


def size_text(n: int) -> str:
    """Bytes as the messages show them (MB above one MiB)."""
    if n >= MiB:
        return f"{n / MiB:.0f} MB" if n % MiB == 0 else f"{n / MiB:.1f} MB"
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} B"


# ---- 1. the zip container --------------------------------------------------------------------


def _norm(name: str) -> str:
    """A member name as calamine looks it up: backslashes as slashes, case-insensitive."""
    return name.replace("\\", "/").lower()


def inspect_zip(source: bytes | IO[bytes], lim: Limits,
                required: tuple[str, ...] = ()) -> zipfile.ZipFile:
    """Open an Office file's zip container after checking its structure; raise FileProblem.

    Only the central directory is read. Declared sizes may lie: readers that stream a member
    (:func:`scan_package`) count the bytes they really get.
    """
    fh = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    fh.seek(0)
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(OLE_MAGIC):
        raise FileProblem("ole")
    if not head.startswith(ZIP_MAGIC):
        raise FileProblem("not_zip")
    try:
        zf = zipfile.ZipFile(fh)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError) as exc:
        raise FileProblem("bad_zip", detail=str(exc)) from exc
    if len(infos) > lim.max_members:
        raise FileProblem("too_many_members", found=len(infos), limit=lim.max_members)
    seen: set[str] = set()
    total = 0
    for info in infos:
        key = _norm(info.filename)
        if key in seen:
            raise FileProblem("duplicate_member", member=info.filename)
        seen.add(key)
        if info.flag_bits & 0x1:
            raise FileProblem("encrypted_member", member=info.filename)
        total += info.file_size
        if total > lim.max_uncompressed:
            raise FileProblem("too_large", found=size_text(total),
                              limit=size_text(lim.max_uncompressed))
        if info.file_size > RATIO_MIN_BYTES:
            ratio = info.file_size // max(info.compress_size, 1)
            if ratio > lim.max_ratio:
                raise FileProblem("ratio", member=info.filename, found=ratio,
                                  limit=lim.max_ratio)
    for member in required:
        if _norm(member) not in seen:
            raise FileProblem("missing_part", member=member)
    return zf


# ---- 2. the XML parts, streamed -----------------------------------------------------------------

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(sheetData|dimension|row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_REF_ATTR = re.compile(rb"""(?:^|\s)ref\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(rb"^\$?([A-Za-z]*)\$?([0-9]+)$")


@dataclass
class SheetExtent:
    """The last row and column (1-based) a sheet part really uses, and what it declares."""

    member: str
    name: str = ""
    rows: int = 0
    columns: int = 0
    cells: int = 0  # cells with content
    declared: str = ""  # <dimension ref>: informative only


def column_letters(n: int) -> str:
    """1 → A, 16384 → XFD."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _ref(ref: bytes) -> tuple[int, int]:
    """"XFD1048576" → (1048576, 16384); "5" (a row's r) → (5, 0); ValueError when bad."""
    m = _CELL_REF.match(ref.strip())
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ch - 64
        if col > 10 * EXCEL_MAX_COLUMNS:  # no need to count further
            break
    row = int(m.group(2)) if len(m.group(2)) <= 12 else 10**12
    if row < 1:
        raise ValueError(ref)
    return row, col


class _SheetScan:
    """Streams one part; tracks calamine's row/column counters inside <sheetData>."""

    def __init__(self, extent: SheetExtent, lim: Limits) -> None:
        self.e, self.lim = extent, lim
        self.in_data = False
        self.row = 0  # 0-based, as calamine counts
        self.col = 0

    def feed(self, buf: bytes) -> None:
        for m in _TOKEN.finditer(buf):
            closing, tag, attrs = m.group(1), m.group(2), m.group(3)
            empty = attrs.endswith(b"/")
            if tag == b"sheetData":
                self.in_data = not closing and not empty
                continue
            if tag == b"dimension":
                if not closing and not self.in_data:
                    found = _REF_ATTR.search(attrs)
                    self.e.declared = found.group(1).decode("ascii", "replace")[:40] \
                        if found else ""
                continue
            if not self.in_data:
                continue
            if tag == b"row":
                if closing:
                    self.row += 1
                    self.col = 0
                    continue
                r = _R_ATTR.search(attrs)
                if r:
                    self.row = self._parse(r.group(1))[0] - 1
                if empty:
                    self.row += 1
                    self.col = 0
                continue
            # a cell
            if closing:
                continue
            r = _R_ATTR.search(attrs)
            if r:
                row, col = self._parse(r.group(1))
                if col < 1:
                    raise FileProblem("bad_ref", sheet=self._label(),
                                      ref=r.group(1).decode("ascii", "replace")[:20])
                row0, col0 = row - 1, col - 1
            else:
                row0, col0 = self.row, self.col
            self.col = col0 + 1
            if empty:  # <c r="…" s="1"/>: no value, calamine skips it
                continue
            self.e.cells += 1
            self._used(row0 + 1, col0 + 1)

    def _parse(self, ref: bytes) -> tuple[int, int]:
        try:
            return _ref(ref)
        except ValueError as exc:
            raise FileProblem("bad_ref", sheet=self._label(),
                              ref=ref.decode("ascii", "replace")[:20]) from exc

    def _label(self) -> str:
        return self.e.name or self.e.member

    def _used(self, row: int, col: int) -> None:
        e, lim = self.e, self.lim
        if row > e.rows:
            e.rows = row
        if col > e.columns:
            e.columns = col
        if row > lim.max_rows or col > lim.max_columns or e.rows * e.columns > lim.max_cells:
            raise self._over()

    def _over(self) -> FileProblem:
        """The scan stops at the first cell beyond a cap; an honest <dimension> then tells
        how far the sheet really goes (the scan has just proved it is over the caps)."""
        e, lim = self.e, self.lim
        rows, cols = e.rows, e.columns
        try:
            d_rows, d_cols = _ref(e.declared.split(":")[-1].encode())
        except ValueError:
            d_rows, d_cols = 0, 0
        if d_rows >= rows and d_cols >= cols:
            rows, cols = d_rows, d_cols
        if rows > lim.max_rows:
            return FileProblem("rows", sheet=self._label(), found=rows, limit=lim.max_rows)
        if cols > lim.max_columns:
            return FileProblem("columns", sheet=self._label(), found=cols,
                               letter=column_letters(min(cols, 10**6)), limit=lim.max_columns)
        return FileProblem("cells", sheet=self._label(), rows=rows, columns=cols,
                           found=rows * cols, limit=lim.max_cells)


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int],
            lim: Limits, scan: _SheetScan, keep: int = 0) -> bytes:
    """Read one member in chunks: refuse DTDs, feed the sheet scan; return its first ``keep``
    bytes (the small package parts). ``budget`` is what is left of the byte cap."""
    head = b""
    carry = b""
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise FileProblem("too_large", found=size_text(lim.max_uncompressed),
                                      limit=size_text(lim.max_uncompressed))
                if len(head) < keep:
                    head += chunk[:keep - len(head)]
                buf = carry + chunk
                if _DTD.search(buf):
                    raise FileProblem("dtd", member=info.filename)
                cut = buf.rfind(b"<")
                if cut >= 0 and buf.find(b">", cut) < 0:
                    carry, buf = buf[cut:], buf[:cut]
                else:
                    carry = b""
                scan.feed(buf)
            if carry:
                scan.feed(carry)
    except FileProblem:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError) as exc:  # bad CRC, truncated data, unknown compression
        raise FileProblem("bad_zip", detail=f"{info.filename}: {exc}") from exc
    return head


def _xml(data: bytes, member: str) -> Any:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FileProblem("dtd", member=member) from exc
    except ParseError as exc:
        raise FileProblem("bad_xml", member=member, detail=str(exc)[:120]) from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(el: Any, name: str) -> str | None:
    for key, value in el.attrib.items():
        if _local(key) == name:
            return value
    return None


def _sheet_names(parts: dict[str, bytes]) -> dict[str, str]:
    """{normalised member: sheet name}, resolved the way calamine does (best effort: the
    caps apply to every <sheetData> in the package whatever this finds)."""
    names: dict[str, str] = {}
    rels = parts.get("_rels/.rels")
    xl = "xl/"
    if rels is not None:
        for el in _xml(rels, "_rels/.rels").iter():
            if _local(el.tag) == "Relationship" and (el.get("Type") or "").endswith(
                    "/relationships/officeDocument"):
                target = el.get("Target") or ""
                xl = target[:target.rfind("/") + 1].lstrip("/") if "/" in target else ""
    book = parts.get(_norm(f"{xl}workbook.xml"))
    book_rels = parts.get(_norm(f"{xl}_rels/workbook.xml.rels"))
    if book is None or book_rels is None:
        return names
    targets = {}
    for el in _xml(book_rels, f"{xl}_rels/workbook.xml.rels").iter():
        if _local(el.tag) == "Relationship":
            t = el.get("Target") or ""
            targets[el.get("Id")] = t[1:] if t.startswith("/") else f"{xl}{t}"
    for el in _xml(book, f"{xl}workbook.xml").iter():
        if _local(el.tag) == "sheet":
            target = targets.get(_attr(el, "id"))
            if target:
                names[_norm(target)] = el.get("name") or ""
    return names


PACKAGE_PART_BYTES = 8 * MiB  # _rels/.rels, workbook.xml and its rels are small


def _check_sheet_parts(zf: zipfile.ZipFile, names: dict[str, str]) -> None:
    members = {_norm(i.filename) for i in zf.infolist()}
    for key in names:
        if key not in members:
            raise FileProblem("missing_part", member=key)


def package_sheets(zf: zipfile.ZipFile) -> dict[str, str]:
    """{normalised sheet part: sheet name} from the package parts (defusedxml, 8 MB each at
    most); FileProblem when a sheet's part is missing."""
    parts: dict[str, bytes] = {}
    for info in zf.infolist():
        key = _norm(info.filename)
        if key == "_rels/.rels" or key.endswith(("/workbook.xml", "/workbook.xml.rels")):
            try:
                with zf.open(info) as fh:
                    parts[key] = fh.read(PACKAGE_PART_BYTES)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
                    RuntimeError) as exc:
                raise FileProblem("bad_zip", detail=f"{info.filename}: {exc}") from exc
    names = _sheet_names(parts)
    _check_sheet_parts(zf, names)
    return names


def scan_package(zf: zipfile.ZipFile, lim: Limits) -> list[SheetExtent]:
    """Stream every XML part once: no DTDs anywhere, every sheet within the caps.

    The caps apply to the <sheetData> of *every* part, named or not, so a difference between
    this reading of the package and calamine's cannot let an unchecked sheet through.
    Returns the extent of each sheet, named by the workbook.
    """
    budget = [lim.max_uncompressed]
    xml_infos = [i for i in zf.infolist() if not i.is_dir()
                 and _norm(i.filename).endswith((".xml", ".rels", ".vml"))]
    package = [i for i in xml_infos if _norm(i.filename) == "_rels/.rels"
               or _norm(i.filename).endswith(("/workbook.xml", "/workbook.xml.rels"))]
    # the package parts first: they name the sheets the messages mention
    parts: dict[str, bytes] = {}
    extents: dict[str, SheetExtent] = {}
    for info in package:
        key = _norm(info.filename)
        extents[key] = SheetExtent(member=info.filename)
        parts[key] = _stream(zf, info, budget, lim, _SheetScan(extents[key], lim),
                             keep=PACKAGE_PART_BYTES)
    names = _sheet_names(parts)
    _check_sheet_parts(zf, names)
    for info in xml_infos:
        key = _norm(info.filename)
        if key in extents:
            continue
        extents[key] = SheetExtent(member=info.filename, name=names.get(key, ""))
        _stream(zf, info, budget, lim, _SheetScan(extents[key], lim))
    return [e for k, e in extents.items() if e.rows or k in names]


_PROLOG_TOKEN = re.compile(
    rb"<\?.*?\?>|<!--.*?-->|<!(?:DOCTYPE|ENTITY)|<!--|<\?|<[A-Za-z_:]", re.DOTALL)
_DIMENSION = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?(?<=\s)ref\s*=\s*["']([^"']*)["']""")
HEAD_BYTES = 64 * 1024  # the <dimension> comes right after the root element's start


def check_prologs(zf: zipfile.ZipFile, lim: Limits) -> dict[str, str]:
    """The cheap pass: every XML part's prolog (up to its root element) has no DOCTYPE or
    ENTITY declaration — the only place XML allows one — and each part's declared
    ``<dimension ref>`` if its first 64 KB have one. Returns {member: declared ref}."""
    declared: dict[str, str] = {}
    budget = lim.max_uncompressed
    for info in zf.infolist():
        if info.is_dir() or not _norm(info.filename).endswith((".xml", ".rels", ".vml")):
            continue
        buf = b""
        try:
            with zf.open(info) as fh:
                while True:
                    chunk = fh.read(HEAD_BYTES)
                    budget -= len(chunk)
                    if budget < 0:
                        raise FileProblem("too_large", found=size_text(lim.max_uncompressed),
                                          limit=size_text(lim.max_uncompressed))
                    buf += chunk
                    root = _root_start(buf, info.filename)
                    if root >= 0 or not chunk:
                        break
                if root >= 0 and len(buf) - root < HEAD_BYTES:
                    buf += fh.read(HEAD_BYTES)
        except FileProblem:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise FileProblem("bad_zip", detail=f"{info.filename}: {exc}") from exc
        found = _DIMENSION.search(buf)
        if found:
            declared[info.filename] = found.group(1).decode("ascii", "replace")[:40]
    return declared


def _root_start(buf: bytes, member: str) -> int:
    """Offset of the root element's "<" (-1: not in ``buf`` yet); FileProblem on a DTD."""
    for m in _PROLOG_TOKEN.finditer(buf):
        token = m.group(0)
        if token.startswith((b"<!D", b"<!E")):
            raise FileProblem("dtd", member=member)
        if token in (b"<!--", b"<?"):
            return -1  # a comment or instruction cut at the chunk's end: read on
        if not token.startswith((b"<?", b"<!--")):
            return m.start()
    return -1


def declared_over(declared: dict[str, str], lim: Limits) -> bool:
    """True when some part declares a <dimension> beyond the caps (it may lie either way:
    this only decides whether the precise scan runs before calamine)."""
    for ref in declared.values():
        last = ref.split(":")[-1].encode()
        try:
            rows, cols = _ref(last)
        except ValueError:
            return True
        if rows > lim.max_rows or cols > lim.max_columns or rows * cols > lim.max_cells:
            return True
    return False


def check_extent(sheet: str, rows: int, columns: int, lim: Limits) -> None:
    """Raise the cap FileProblem for a sheet whose last used row/column is ``rows``/
    ``columns`` (1-based)."""
    scan = _SheetScan(SheetExtent(member="", name=sheet), lim)
    scan._used(rows, columns)


# ---- header keys (shared with kechuang.imports.cells, usable without Django) -------------------


def header_key(text: Any) -> str:
    """Header text for matching: NFKC (full-width brackets → ASCII), no spaces, no "*"."""
    s = unicodedata.normalize("NFKC", str(text))
    return "".join(s.split()).replace("*", "").casefold()


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# ---- 3. the child process ---------------------------------------------------------------------


REQUIRED_XLSX_PARTS = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")


def read_xlsx_rows(content: bytes, lim: Limits, *, prefer: str = "",
                   skip: tuple[str, ...] = (), keys: list[str] | None = None,
                   head_rows: int = 10) -> dict[str, Any]:
    """(Runs in the child.) Check and read one sheet of an .xlsx.

    The sheet: ``prefer`` when the workbook has it, else the first sheet not in ``skip``.
    Returns ``head`` — the first ``head_rows`` rows in full — and ``rows``: (0-based row
    index, the cells of ``cols``) of every later row; ``cols`` are the columns whose text in
    any head row has a header key in ``keys``. So the parent can pick the header row itself
    and gets only the columns it can use. With ``keys`` None: every column, blank rows and
    blank row tails left out (the error report's copy of the sheet).
    """
    from python_calamine import CalamineWorkbook

    zf = inspect_zip(content, lim, required=REQUIRED_XLSX_PARTS)
    if declared_over(check_prologs(zf, lim), lim):
        scan_package(zf, lim)  # the real references decide; raises when they are over
    else:
        package_sheets(zf)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    names = list(wb.sheet_names)
    chosen = prefer if prefer in names else next((n for n in names if n not in skip), None)
    if chosen is None:
        return {"sheet": None, "names": names}
    sheet = wb.get_sheet_by_name(chosen)
    end = sheet.end
    if end is not None:  # what calamine loaded, before a single row becomes Python objects
        check_extent(chosen, end[0] + 1, end[1] + 1, lim)
    head: list[list[Any]] = []
    wanted = set(keys) if keys is not None else None
    rows_iter = enumerate(sheet.iter_rows())
    for i, raw in rows_iter:
        head.append(_trimmed(raw))
        if i + 1 >= head_rows:
            break
    cols = _columns(head, wanted)
    rows: list[tuple[int, Any]]
    if wanted is None:  # every column (the error report): rows without their blank tail
        rows = [(i, row) for i, row in ((i, _trimmed(raw)) for i, raw in rows_iter) if row]
    elif not cols:
        rows = []
    else:  # calamine's rows all have the range's width; C-speed picks, no per-cell Python
        pick = itemgetter(*cols) if len(cols) > 1 else (lambda raw, c=cols[0]: (raw[c],))
        first = next(rows_iter, None)
        if first is None:
            rows = []
        elif cols == list(range(len(first[1]))):
            rows = [first, *rows_iter]
        else:
            rows = [(first[0], pick(first[1]))]
            rows += [(i, pick(raw)) for i, raw in rows_iter]
    return {"sheet": chosen, "names": names, "end": end, "head": head, "cols": cols,
            "rows": rows}


def _trimmed(raw: list[Any]) -> list[Any]:
    row = list(raw)
    while row and _blank(row[-1]):
        row.pop()
    return row


def _columns(head: list[list[Any]], wanted: set[str] | None) -> list[int]:
    width = max((len(r) for r in head), default=0)
    if wanted is None:
        return list(range(width))
    return sorted({c for r in head for c, v in enumerate(r)
                   if not _blank(v) and header_key(v) in wanted})


def scan_xlsx(content: bytes, lim: Limits) -> list[dict[str, Any]]:
    """(Runs in the child.) The precise scan alone: why a read died, in the caps' terms."""
    zf = inspect_zip(content, lim, required=REQUIRED_XLSX_PARTS)
    return [asdict(e) for e in scan_package(zf, lim)]


CHILD_TASKS = {"xlsx_rows": read_xlsx_rows, "xlsx_scan": scan_xlsx}


def read_xlsx(content: bytes, lim: Limits | None = None, **kwargs: Any) -> dict[str, Any]:
    """Rows of one sheet of an uploaded .xlsx (see :func:`read_xlsx_rows`), read in the
    sandbox; raises FileProblem. When the reader died (memory, crash), a second child runs
    the precise scan, so a sheet beyond the caps is reported as such, with its numbers.
    """
    lim = lim or limits()
    try:
        return run_sandboxed("xlsx_rows", content, lim, **kwargs)
    except FileProblem as exc:
        if exc.code not in ("memory", "crashed"):  # after a timeout, a scan would time out too
            raise
        try:
            run_sandboxed("xlsx_scan", content, lim)
        except FileProblem as why:
            if why.code not in ("memory", "timeout", "crashed"):
                raise why from exc
        raise


@dataclass
class _Request:
    task: str
    content: bytes
    lim: Limits
    kwargs: dict[str, Any] = field(default_factory=dict)


def _child_main() -> None:  # pragma: no cover - runs in the child process
    """Entry point of the child: limits first, then the task; the answer on stdout."""
    import resource

    import defusedxml.ElementTree  # noqa: F401 — imported before the limits are set
    import python_calamine  # noqa: F401

    sys.dont_write_bytecode = True
    request: _Request = pickle.loads(sys.stdin.buffer.read())
    lim = request.lim
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (lim.memory_bytes, lim.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (lim.seconds, lim.seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    try:
        answer: tuple = ("ok", CHILD_TASKS[request.task](request.content, lim,
                                                          **request.kwargs))
    except FileProblem as exc:
        answer = ("problem", exc.code, exc.params)
    except MemoryError:
        answer = ("problem", "memory", {"limit": size_text(lim.memory_bytes)})
    except Exception as exc:  # noqa: BLE001 — every reader error becomes a file error
        answer = ("problem", "reader", {"detail": f"{type(exc).__name__}: {exc}"[:300]})
    try:
        out = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        out = pickle.dumps(("problem", "memory", {"limit": size_text(lim.memory_bytes)}))
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()


class _AnswerUnpickler(pickle.Unpickler):
    """Plain containers, numbers, strings and datetime values only."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
               ("datetime", "timedelta")}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")


_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_CHILD_CODE = ("import sys; sys.path.insert(0, {root!r}); "
               "from kechuang.core.safe_files import _child_main; _child_main()")


def run_sandboxed(task: str, content: bytes, lim: Limits, **kwargs: Any) -> Any:
    """Run ``CHILD_TASKS[task](content, lim, **kwargs)`` in a limited child process.

    Returns its answer, or raises FileProblem: the task's own, or ``memory``/``timeout``/
    ``crashed`` when the child was killed or died.
    """
    if task not in CHILD_TASKS:
        raise ValueError(task)
    payload = pickle.dumps(_Request(task, bytes(content), lim, kwargs),
                           protocol=pickle.HIGHEST_PROTOCOL)
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", _CHILD_CODE.format(root=_PACKAGE_ROOT)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        close_fds=True, cwd="/", env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                      "LANG": "C.UTF-8"})
    try:
        out, err = proc.communicate(payload, timeout=lim.seconds + 10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise FileProblem("timeout", limit=lim.seconds) from None
    if proc.returncode != 0 or not out:
        raise _death(proc.returncode, err, lim)
    try:
        answer = _AnswerUnpickler(io.BytesIO(out)).load()
    except (pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError) as exc:
        raise FileProblem("crashed", detail="invalid answer") from exc
    if answer[0] == "problem":
        raise FileProblem(answer[1], **answer[2])
    return answer[1]


def _death(code: int, err: bytes, lim: Limits) -> FileProblem:
    tail = err[-2000:].decode("utf-8", "replace")
    if code in (-signal.SIGXCPU, -signal.SIGKILL) and "memory" not in tail:
        return FileProblem("timeout", limit=lim.seconds)
    if "memory allocation" in tail or "MemoryError" in tail or "Cannot allocate" in tail \
            or code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        # Rust aborts when an allocation fails (RLIMIT_AS); a segfault here is one too
        return FileProblem("memory", limit=size_text(lim.memory_bytes))
    last = tail.strip().splitlines()[-1][:160] if tail.strip() else f"exit {code}"
    return FileProblem("crashed", detail=last)
