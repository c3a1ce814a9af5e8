"""Evidence uploads: extension and content must agree, size limit, private storage, serving."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core.uploads import (
    MAX_FILES,
    UploadTo,
    check_files,
    delete_on_error,
    max_upload_bytes,
    private_storage,
    serve_private,
    validate_upload,
)

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


def office(member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(member, "<x/>")
    return buf.getvalue()


def up(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(("name", "content", "ctype"), [
    ("公报.pdf", PDF, "application/pdf"),
    ("图.PNG", PNG, "image/png"),
    ("照片.jpg", JPG, "image/jpeg"),
    ("照片.jpeg", JPG, "image/jpeg"),
    ("台账.xlsx", office("xl/workbook.xml"),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("函.docx", office("word/document.xml"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_accepts_matching_extension_and_content(name, content, ctype):
    assert validate_upload(up(name, content)) == ctype


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("说明.txt", b"hello", "类型不允许"),
    ("程序.exe", b"MZ\x90\x00", "类型不允许"),
    ("无扩展名", PDF, "类型不允许"),
    ("假的.pdf", b"MZ\x90\x00 not a pdf", "内容与扩展名 .pdf 不符"),
    ("假的.png", JPG, "内容与扩展名 .png 不符"),
    ("假的.xlsx", office("word/document.xml"), "内容与扩展名 .xlsx 不符"),
    ("假的.docx", b"PK\x03\x04 broken zip", "内容与扩展名 .docx 不符"),
    ("空.pdf", b"", "空文件"),
])
def test_refuses_with_a_chinese_message_naming_the_file(name, content, needle):
    with pytest.raises(ValidationError) as exc:
        validate_upload(up(name, content))
    message = exc.value.messages[0]
    assert needle in message and name in message


def test_size_limit_names_file_and_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    assert max_upload_bytes() == 1024 * 1024
    big = up("大文件.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        validate_upload(big)
    message = exc.value.messages[0]
    assert "大文件.pdf" in message and "超过上限 1 MB" in message
    assert validate_upload(up("小文件.pdf", PDF)) == "application/pdf"


def test_default_limit_is_20_mb():
    assert max_upload_bytes() == 20 * 1024 * 1024


# ---- office containers: the zip-bomb caps of core.safe_files (issue #10) ----------------------


def _bomb(member: str, size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(member, b"<x>" + b" " * size + b"</x>")
    return buf.getvalue()


@pytest.mark.parametrize(("name", "member"), [("炸弹.xlsx", "xl/workbook.xml"),
                                              ("炸弹.docx", "word/document.xml")])
def test_zip_bomb_is_refused_at_upload(name, member):
    content = _bomb(member, 40 * 1024 * 1024)
    assert len(content) < 100_000
    with pytest.raises(ValidationError) as exc:
        validate_upload(up(name, content))
    assert exc.value.code == "file_unsafe"
    message = exc.value.messages[0]
    assert name in message and "疑似压缩炸弹" in message and "超过上限 100∶1" in message


def test_uncompressed_size_cap_is_a_setting(settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    content = _bomb("xl/workbook.xml", 2 * 1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        validate_upload(up("大.xlsx", content))
    assert "超过上限 1 MB" in exc.value.messages[0]
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 8 * 1024 * 1024
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 10**6
    assert validate_upload(up("大.xlsx", content)).endswith("spreadsheetml.sheet")


def test_too_many_parts(settings):
    settings.UPLOAD_MAX_ZIP_MEMBERS = 5
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<x/>")
        for i in range(10):
            zf.writestr(f"xl/media/{i}.png", b"x")
    with pytest.raises(ValidationError) as exc:
        validate_upload(up("多.xlsx", buf.getvalue()))
    assert "内含 11 个部件，超过上限 5 个" in exc.value.messages[0]


@pytest.mark.parametrize("name", ["加密.xlsx", "旧版.docx"])
def test_encrypted_or_old_office_file_gets_its_own_message(name):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(ValidationError) as exc:
        validate_upload(up(name, ole))
    assert exc.value.code == "file_encrypted"
    assert "设置了打开密码" in exc.value.messages[0] and name in exc.value.messages[0]


def test_private_storage_is_outside_static_and_media_and_has_no_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    name = private_storage.save("x/a.pdf", ContentFile(PDF))
    assert (tmp_path / "private" / name).exists()
    location = private_storage.location
    assert not location.startswith(str(settings.MEDIA_ROOT))
    assert not location.startswith(str(settings.STATIC_ROOT))
    with pytest.raises(ValueError):
        private_storage.url(name)


def test_default_private_root_is_var_private():
    from kechuang import settings as project

    assert project.PRIVATE_MEDIA_ROOT == project.VAR_DIR / "private"
    assert project.PRIVATE_MEDIA_ROOT not in (project.MEDIA_ROOT, project.STATIC_ROOT)


def test_upload_to_uses_a_random_name_keeping_the_extension():
    path = UploadTo("reported")(None, "../../etc/统计公报.PDF")
    assert path.startswith("reported/") and path.endswith(".pdf") and "统计" not in path
    assert ".." not in path


@pytest.mark.django_db
def test_serve_private_sends_an_attachment(settings, tmp_path):
    from kechuang.reported.models import Evidence

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    ev = Evidence(original_name="统计公报.pdf")
    ev.file.save("统计公报.pdf", ContentFile(PDF), save=False)
    resp = serve_private(ev.file, "统计公报.pdf")
    assert resp["Content-Type"] == "application/pdf"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''" in resp["Content-Disposition"]
    assert b"".join(resp.streaming_content) == PDF


def test_check_files_drops_empty_entries_and_returns_content_types():
    pdf, png = up("公报.pdf", PDF), up("图.png", PNG)
    assert check_files([None, pdf, "", png]) == [(pdf, "application/pdf"), (png, "image/png")]
    assert check_files([]) == []


def test_check_files_reports_every_bad_file_at_once():
    with pytest.raises(ValidationError) as exc:
        check_files([up("a.txt", b"x"), up("好.pdf", PDF), up("b.pdf", b"MZ")])
    messages = exc.value.message_dict["files"]
    assert len(messages) == 2 and "a.txt" in messages[0] and "b.pdf" in messages[1]


def test_check_files_refuses_more_than_max_files():
    with pytest.raises(ValidationError) as exc:
        check_files([up(f"{i}.pdf", PDF) for i in range(MAX_FILES + 1)])
    assert exc.value.message_dict["files"] == [f"一次最多上传 {MAX_FILES} 个文件"]
    assert len(check_files([up(f"{i}.pdf", PDF) for i in range(MAX_FILES)])) == MAX_FILES


def test_delete_on_error_removes_the_stored_files_and_reraises(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    with pytest.raises(RuntimeError), delete_on_error() as saved:
        saved.append(private_storage.save("x/a.pdf", ContentFile(PDF)))
        saved.append(private_storage.save("x/b.pdf", ContentFile(PDF)))
        raise RuntimeError("rolled back")
    assert not any(private_storage.exists(name) for name in saved)


def test_delete_on_error_keeps_the_files_when_the_block_succeeds(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    with delete_on_error() as saved:
        saved.append(private_storage.save("x/a.pdf", ContentFile(PDF)))
    assert private_storage.exists(saved[0])
