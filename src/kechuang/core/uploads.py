"""Evidence files: checked on the way in, kept outside the web root, served only by views.

* :func:`validate_upload` accepts a file only when its extension is allowed **and** its first
  bytes match that format (a renamed .exe is refused), and when it is no larger than
  ``settings.UPLOAD_MAX_BYTES``. Office files are zip containers: they must open as a zip,
  hold the part that makes them a workbook or a document, and stay within the zip-bomb caps
  of :mod:`kechuang.core.safe_files` (member count, uncompressed size, compression ratio); an
  encrypted or old-format (OLE) file gets its own message. The one parser of uploaded
  workbooks (``imports.workbook``) reads them in that module's sandboxed child process.
* :data:`private_storage` writes under ``settings.PRIVATE_MEDIA_ROOT`` (default
  ``var/private``), which is neither STATIC_ROOT nor MEDIA_ROOT: no URL prefix, whitenoise or
  web server serves it, and ``private_storage.url()`` refuses.
* :func:`serve_private` streams a stored file as an attachment. The calling view checks the
  user's right to the owning row first (``restrict(user, "view")``, 404 outside the scope).
* :func:`check_files`, :func:`delete_on_error` and ``core.services.save_uploads`` are the one way a
  service stores evidence rows (reported values, cultivation records): check every file
  first, save each into a new row with an audit entry, and remove the stored files again when
  the transaction rolls back.
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from kechuang.core import safe_files
from kechuang.core.safe_files import OLE_MAGIC, FileProblem, inspect_zip

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 10  # files per upload request


@dataclass(frozen=True)
class FileKind:
    content_type: str
    magic: tuple[bytes, ...] = ()
    zip_member: str = ""  # zip-based office formats: a part the container must hold


KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", (b"%PDF-",)),
    "png": FileKind("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileKind("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileKind("image/jpeg", (b"\xff\xd8\xff",)),
    "xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     (b"PK\x03\x04",), "xl/workbook.xml"),
    "docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     (b"PK\x03\x04",), "word/document.xml"),
}
EVIDENCE_EXTENSIONS = frozenset(KINDS)


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_label(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB" if n % (1024 * 1024) == 0 else \
            f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} B"


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _check_container(upload, name: str, ext: str, member: str) -> None:
    """An Office file's zip: the part that makes it one, and the zip-bomb caps of
    ``core.safe_files`` (members, uncompressed size, compression ratio)."""
    upload.seek(0)
    try:
        with inspect_zip(upload, safe_files.limits(), required=(member,)):
            pass
    except FileProblem as exc:
        if exc.code in ("not_zip", "bad_zip", "missing_part"):
            raise ValidationError(
                _("文件“%(name)s”的内容与扩展名 .%(ext)s 不符（文件可能已损坏或被改名）") % {
                    "name": name, "ext": ext}, code="file_signature") from exc
        if exc.code == "ole":
            raise ValidationError(
                _("文件“%(name)s”设置了打开密码，或是旧版 .xls/.doc 格式：请取消密码后另存为 "
                  ".%(ext)s 再上传") % {"name": name, "ext": ext},
                code="file_encrypted") from exc
        raise ValidationError(_("文件“%(name)s”：%(problem)s") % {
            "name": name, "problem": exc.message()}, code="file_unsafe") from exc
    finally:
        upload.seek(0)


def validate_upload(upload, *, allowed: Iterable[str] = EVIDENCE_EXTENSIONS,
                    max_bytes: int | None = None) -> str:
    """Check one uploaded file; return its content type or raise a Chinese ValidationError."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    allowed = sorted(set(allowed))
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    ext = extension(name)
    if ext not in allowed or ext not in KINDS:
        raise ValidationError(
            _("文件“%(name)s”的类型不允许上传，只接受：%(types)s") % {
                "name": name, "types": "、".join(allowed)}, code="file_type")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件") % {"name": name}, code="file_empty")
    if size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size)s，超过上限 %(limit)s") % {
                "name": name, "size": size_label(size), "limit": size_label(limit)},
            code="file_size")
    kind = KINDS[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    ok = any(head.startswith(m) for m in kind.magic)
    if kind.zip_member and (ok or head.startswith(OLE_MAGIC)):
        _check_container(upload, name, ext, kind.zip_member)
    elif not ok:
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名 .%(ext)s 不符（文件可能已损坏或被改名）") % {
                "name": name, "ext": ext}, code="file_signature")
    return kind.content_type


@deconstructible(path="kechuang.core.uploads.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT (read on every use, so tests can move it).

    Created 0600 in folders 0700 whatever the settings say: only the service account reads
    evidence (等保: 数据保密性).
    """

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None  # url() raises: there is no public URL for these files

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them with serve_private()")


private_storage = PrivateStorage()


@deconstructible(path="kechuang.core.uploads.UploadTo")
class UploadTo:
    """upload_to=UploadTo("reported"): <prefix>/<yyyy>/<mm>/<random>.<ext>.

    The stored name never contains the user's file name (kept in the row instead), so it
    cannot collide, traverse directories or leak personal names on disk.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        now = timezone.localdate()
        ext = extension(filename)
        suffix = f".{ext}" if ext in KINDS else ""
        return f"{self.prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadTo) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def serve_private(file: FieldFile, filename: str) -> FileResponse:
    """Send a stored private file as a download (call after the view's permission check)."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = KINDS.get(extension(filename))
    content_type = kind.content_type if kind else (
        mimetypes.guess_type(filename)[0] or "application/octet-stream")
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def check_files(files: Iterable[Any]) -> list[tuple[Any, str]]:
    """Validate every file before anything is stored; all problems in one ValidationError.

    Empty entries (an unused file input) are dropped. Returns (upload, content type) pairs.
    """
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("一次最多上传 %(n)s 个文件") % {"n": MAX_FILES}})
    errors: list[ValidationError] = []
    checked = []
    for f in files:
        try:
            checked.append((f, validate_upload(f)))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError({"files": errors})
    return checked


@contextmanager
def delete_on_error() -> Iterator[list[str]]:
    """Collect stored file names; delete those files if the block raises.

    Wrap the ``transaction.atomic()`` block that saves the rows: when it rolls back the rows
    are gone, and their files must not be left behind in private storage.
    """
    names: list[str] = []
    try:
        yield names
    except Exception:
        for name in names:
            private_storage.delete(name)
        raise
