"""Backups restore everything: every table's rows and every stored file, on the suite's engine.

The round trip runs against the test database of the run (SQLite, or PostgreSQL when
DATABASE_URL points there, with pg_dump/pg_restore/psql); a second round trip runs the real
``kechuang`` command in subprocesses on a file-based SQLite database under a fresh var/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from kechuang.core import backup
from kechuang.core.uploads import private_storage

ROOT = Path(__file__).resolve().parents[4]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --------------------------------------------------------------------------- snapshots


def _value(v):
    return bytes(v) if isinstance(v, memoryview) else v


def db_snapshot() -> dict[str, tuple[int, str]]:
    """Every table → (row count, sha256 of all its rows ordered by primary key)."""
    qn = connection.ops.quote_name
    pk_of = {m._meta.db_table: m._meta.pk.column
             for m in apps.get_models(include_auto_created=True)
             if m._meta.managed and not m._meta.proxy}
    with connection.cursor() as cursor:
        # every table of the database, whether a model names it or not (django_migrations)
        tables = sorted(connection.introspection.table_names(cursor))
        assert "reported_evidence" in tables and "django_migrations" in tables
        out = {}
        for table in tables:
            if table in pk_of:
                order = qn(pk_of[table])
            else:
                cursor.execute(f"SELECT * FROM {qn(table)} WHERE 1 = 0")
                order = ", ".join(str(i + 1) for i in range(len(cursor.description)))
            cursor.execute(f"SELECT * FROM {qn(table)} ORDER BY {order}")
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr([tuple(map(_value, r)) for r in rows]).encode())
            out[table] = (len(rows), digest.hexdigest())
    return out


def files_snapshot() -> dict[str, str]:
    """Every stored file (key/relative path) → sha256."""
    return {f"{key}/{rel}": backup.sha256_file(path)
            for key, folder in backup.file_folders().items()
            for path, rel in backup._stored_files(folder)}


def wipe_database() -> None:
    """Drop every table: the database is as empty as a freshly created one."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"DROP TABLE {qn(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
        assert connection.introspection.table_names(cursor) == []


def wipe_files() -> None:
    for folder in backup.file_folders().values():
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- data


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "var" / "private"
    return tmp_path


@pytest.fixture
def platform_data(transactional_db, folders, users, report_a, report_b):
    """Rows of many apps, evidence through the reporting service, an import upload and a
    job result through their storages."""
    from kechuang.plans.models import Indicator
    from kechuang.plans.services import load_plan
    from kechuang.reported.models import Evidence
    from kechuang.reported.services import submit_value
    from kechuang.reported.tests.conftest import keep_reported

    load_plan()
    keep_reported()  # rdinput counts county fiscal spending; the official figure is reported
    indicator = Indicator.objects.get(key="county_fiscal_st_spending")
    clerk = users["county_a_staff"]
    value = submit_value(actor=clerk, data={
        "indicator": indicator, "county": clerk.county, "period_end": dt.date(2025, 6, 30),
        "value": "12.5", "note": "备份测试"},
        files=[SimpleUploadedFile("统计公报.pdf", PDF),
               SimpleUploadedFile("附件.pdf", PDF + b"second")])
    private_storage.save("imports/2025/06/upload.xlsx", ContentFile(b"PK\x03\x04 workbook"))
    default_storage.save("jobs/2025/06/导出结果.xlsx", ContentFile(b"PK\x03\x04 export"))
    return {"value": value, "evidence": list(Evidence.objects.filter(reported_value=value))}


def _backup_to(path: Path) -> dict:
    call_command("backup", "--to", str(path), stdout=open(os.devnull, "w"))
    return json.loads((path / backup.MANIFEST).read_text(encoding="utf-8"))


def _restore_from(path: Path, *extra: str) -> None:
    call_command("restore", "--from", str(path), "--noinput", *extra,
                 stdout=open(os.devnull, "w"))


# --------------------------------------------------------------------------- round trips


def test_backup_wipe_restore_gives_back_every_row_and_file(platform_data, folders,
                                                           client_for, users):
    before_db, before_files = db_snapshot(), files_snapshot()
    assert len(before_files) == 4 and any(k.startswith("media/jobs/") for k in before_files)
    assert sum(n for n, _ in before_db.values()) > 100
    target = folders / "backups" / "2025-06-30"
    manifest = _backup_to(target)
    assert manifest["engine"] == connection.vendor
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == before_files

    # 1. the live data moves on (a row added, an evidence file lost, a stray file): restore
    #    puts back exactly the backup's state
    from kechuang.accounts.models import User

    User.objects.create_user(username="after_backup", password="Kc-test-Pass-2025",
                             role="city_staff")
    private_storage.delete(platform_data["evidence"][0].file.name)
    private_storage.save("reported/stray.pdf", ContentFile(PDF))
    assert db_snapshot() != before_db and files_snapshot() != before_files
    _restore_from(target)
    assert db_snapshot() == before_db
    assert files_snapshot() == before_files

    # 2. everything gone — no table, no file: a fresh database restores too
    wipe_database()
    wipe_files()
    _restore_from(target)
    assert db_snapshot() == before_db
    assert files_snapshot() == before_files

    # the evidence downloads again (it answered 404 after the old documented restore)
    ev = platform_data["evidence"][0]
    resp = client_for(User.objects.get(username="city_staff")).get(
        reverse("reported:evidence_download", args=[ev.pk]))
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == PDF


def test_backup_set_is_private_to_the_service_account(platform_data, folders):
    target = folders / "backups" / "b"
    _backup_to(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    names = sorted(p.name for p in target.iterdir())
    assert names == sorted([backup.MANIFEST, backup.FILES_TAR,
                            backup.DB_FILES[connection.vendor]])
    for path in target.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_backup_refuses_a_folder_that_holds_something(folders, transactional_db):
    target = folders / "old"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    with pytest.raises(CommandError, match="已存在且不为空"):
        call_command("backup", "--to", str(target))
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


# --------------------------------------------------------------------------- tampering


def _flip_byte_in_member(tar_path: Path, member_name: str) -> None:
    with tarfile.open(tar_path) as tar:
        offset = tar.getmember(member_name).offset_data
    with open(tar_path, "r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0x01]))


@pytest.fixture
def backed_up(platform_data, folders):
    target = folders / "backups" / "t"
    manifest = _backup_to(target)
    return target, manifest


def _assert_nothing_restored(before_db, before_files):
    assert db_snapshot() == before_db
    assert files_snapshot() == before_files


@pytest.mark.parametrize("what", ["database", "stored file", "stored file, manifest forged"])
def test_restore_refuses_a_tampered_backup_before_changing_anything(backed_up, what):
    target, manifest = backed_up
    from kechuang.accounts.models import User

    User.objects.create_user(username="after_backup", password="Kc-test-Pass-2025",
                             role="city_staff")
    before_db, before_files = db_snapshot(), files_snapshot()
    evidence = next(f["path"] for f in manifest["files"] if f["path"].startswith("private/"))
    if what == "database":
        with open(target / manifest["database"], "r+b") as fh:
            fh.seek(-10, os.SEEK_END)
            fh.write(b"tampered!!")
        expected = manifest["database"]
    else:
        _flip_byte_in_member(target / backup.FILES_TAR, evidence)
        expected = backup.FILES_TAR
        if what == "stored file, manifest forged":
            # the outer checksum brought up to date: the per-file checksum still catches it
            for artefact in manifest["artefacts"]:
                if artefact["path"] == backup.FILES_TAR:
                    artefact["sha256"] = backup.sha256_file(target / backup.FILES_TAR)
            (target / backup.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            expected = evidence
    with pytest.raises(CommandError, match=f"校验失败：.*{expected}"):
        _restore_from(target)
    with pytest.raises(CommandError, match="校验失败"):
        _restore_from(target, "--check")
    _assert_nothing_restored(before_db, before_files)


def test_restore_refuses_files_missing_from_the_set(backed_up):
    target, manifest = backed_up
    manifest["files"].append({"path": "private/reported/lost.pdf", "size": 1, "sha256": "0"})
    (target / backup.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match="缺少清单中的 1 个文件"):
        _restore_from(target, "--check")


def test_restore_check_passes_an_intact_backup(backed_up):
    target, manifest = backed_up
    _restore_from(target, "--check")  # raises on any mismatch


# --------------------------------------------------------------------------- SQLite WAL


def test_sqlite_copy_includes_writes_still_in_the_wal(tmp_path):
    """A plain file copy of a running database misses the WAL; the backup API does not."""
    db = tmp_path / "live.sqlite3"
    live = sqlite3.connect(db, isolation_level=None)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("PRAGMA wal_autocheckpoint=0")  # like a busy server between checkpoints
    live.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    live.executemany("INSERT INTO t (v) VALUES (?)", [(f"row {i}",) for i in range(500)])

    shutil.copy(db, tmp_path / "plain-copy.sqlite3")
    plain = sqlite3.connect(tmp_path / "plain-copy.sqlite3")
    assert plain.execute("SELECT name FROM sqlite_master").fetchall() == []  # all lost
    plain.close()

    reader = sqlite3.connect(db)  # another connection, as `kechuang backup` would be
    backup.sqlite_copy(reader, tmp_path / "backup.sqlite3")
    reader.close()
    live.close()
    assert not (tmp_path / "backup.sqlite3-wal").exists()
    copy = sqlite3.connect(tmp_path / "backup.sqlite3")
    assert copy.execute("SELECT count(*), max(v) FROM t").fetchone() == (500, "row 99")
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy.close()


# --------------------------------------------------------------------------- the CLI


def _clean_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KECHUANG_", "DJANGO_", "SECRET_KEY", "DEBUG", "DATABASE_URL",
                                "PRIVATE_MEDIA_ROOT"))}
    env["KECHUANG_VAR_DIR"] = str(var_dir)
    return env


def kechuang(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-c", "from kechuang.cli import main; main()", *args],
                         env=_clean_env(var_dir), capture_output=True, text=True, timeout=300,
                         cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


MAKE_DATA = """
from django.core.files.base import ContentFile
from kechuang.accounts.models import User
from kechuang.core.uploads import private_storage
User.objects.create_user(username="wal_user", password="Kc-test-Pass-2025", role="auditor")
private_storage.save("reported/2025/06/evidence.pdf", ContentFile(b"%PDF-1.4 evidence"))
"""
SHOW_DATA = """
from kechuang.accounts.models import User
from kechuang.core.uploads import private_storage
print(User.objects.filter(username="wal_user").count(),
      private_storage.open("reported/2025/06/evidence.pdf").read().decode())
"""


def test_kechuang_backup_and_restore_on_a_file_sqlite_database(tmp_path):
    """The installed command, on the default file database under var/: DB file deleted."""
    var = tmp_path / "var"
    kechuang(var, "migrate", "-v0")
    kechuang(var, "shell", "-c", MAKE_DATA)
    kechuang(var, "backup", "--to", str(tmp_path / "backup"))
    for path in var.glob("kechuang.sqlite3*"):
        path.unlink()
    shutil.rmtree(var / "private")
    out = kechuang(var, "restore", "--from", str(tmp_path / "backup"), "--noinput")
    assert "已从" in out.stdout
    assert kechuang(var, "shell", "-v0", "-c", SHOW_DATA).stdout.strip() == "1 %PDF-1.4 evidence"


@pytest.mark.parametrize("damage", ["garbage", "cut short"])
def test_a_dump_that_cannot_be_restored_leaves_everything_as_it_was(backed_up, damage):
    """Checksums forged to match a broken dump: the database and the files stay untouched."""
    target, manifest = backed_up
    before_db, before_files = db_snapshot(), files_snapshot()
    dump = target / manifest["database"]
    if damage == "garbage":
        dump.write_bytes(b"PGDMP not really a dump" * 100)
    else:  # e.g. a disk that filled up: the tables' data is cut off half-way
        data = dump.read_bytes()
        dump.write_bytes(data[: len(data) * 2 // 3])
    for artefact in manifest["artefacts"]:
        artefact["sha256"] = backup.sha256_file(target / artefact["path"])
    (target / backup.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _restore_from(target, "--check")  # the checksums agree …
    with pytest.raises(CommandError, match="数据库未改动"):  # … the restore still fails safely
        _restore_from(target)
    _assert_nothing_restored(before_db, before_files)
    assert not any(p.name.startswith(backup.STAGING_PREFIX)
                   for folder in backup.file_folders().values() for p in folder.iterdir())


def test_postgres_password_goes_to_a_private_passfile(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", r"s3:cr\et")
    monkeypatch.setenv("PGPASSWORD", "from-the-environment")
    with backup._pg_env("default") as env:
        passfile = Path(env["PGPASSFILE"])
        assert stat.S_IMODE(passfile.stat().st_mode) == 0o600
        assert passfile.read_text() == "*:*:*:*:s3\\:cr\\\\et\n"
        assert "PGPASSWORD" not in env
    assert not passfile.exists()


def test_missing_client_names_the_debian_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(backup.BackupError, match="postgresql-client"):
        backup.pg_tool("pg_dump")


def test_restore_refuses_a_forged_member_that_leaves_its_folder(backed_up, folders):
    """Even with every checksum forged to match, nothing is written outside a file folder."""
    target, manifest = backed_up
    evil = b"overwrites the settings"
    info = tarfile.TarInfo("private/../../escape.txt")
    info.size = len(evil)
    with tarfile.open(target / backup.FILES_TAR, "a") as tar:
        tar.addfile(info, io.BytesIO(evil))
    manifest["files"].append({"path": info.name, "size": info.size,
                              "sha256": hashlib.sha256(evil).hexdigest()})
    for artefact in manifest["artefacts"]:
        artefact["sha256"] = backup.sha256_file(target / artefact["path"])
    (target / backup.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match="清单之外的条目：private/../../escape.txt"):
        _restore_from(target)
    assert not list(folders.rglob("escape.txt"))
