"""Backups that restore everything: the database and every folder of stored files.

A backup set is one folder, written with umask 077 (folder 0700, files 0600):

* ``database.sqlite3`` — SQLite, copied with the online backup API (a consistent snapshot
  that includes the writes still in the WAL, which a plain file copy misses), or
  ``database.pgdump`` — PostgreSQL, ``pg_dump --format=custom``;
* ``files.tar`` — every file under each folder of :data:`FOLDERS` (evidence, import uploads
  and error reports under PRIVATE_MEDIA_ROOT; job results under MEDIA_ROOT), as
  ``<folder key>/<relative path>``;
* ``manifest.json`` — engine, versions, and the sha256 of every file of the set and of every
  stored file inside the tar.

:func:`restore_backup` checks every checksum before it touches anything, unpacks the files
beside their folders, replaces the database (SQLite: the backup API into the configured
database; PostgreSQL: every table of the schema dropped and the dump restored with
``pg_restore --clean --if-exists --no-owner`` in one transaction, so it works on an empty
database and a failure leaves the old data), then swaps the folders in.

The password of PostgreSQL is handed to ``pg_dump``/``pg_restore``/``psql`` in a temporary
passfile (0600), never on the command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FORMAT = "kechuang-backup/1"
MANIFEST = "manifest.json"
FILES_TAR = "files.tar"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# every setting naming a folder of files the platform stores (STATIC_ROOT is rebuilt by
# collectstatic and is not data)
FOLDERS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
CHUNK = 1024 * 1024
STAGING_PREFIX = ".kechuang-"  # restore's work folders inside a file folder; never backed up
PG_PACKAGE = "postgresql-client"


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message is for the operator (Chinese)."""


# --------------------------------------------------------------------------- helpers


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Wraps a file: what tarfile reads is hashed on the way, so the hash is of the bytes kept."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def file_folders() -> dict[str, Path]:
    """The folders of stored files, by key; refuses folders nested in each other."""
    folders = {key: Path(getattr(settings, name)).resolve() for key, name in FOLDERS.items()}
    for key, path in folders.items():
        for other, other_path in folders.items():
            if key != other and path.is_relative_to(other_path):
                raise BackupError(_("文件目录 %(a)s 位于 %(b)s 之内，无法分别备份") % {
                    "a": path, "b": other_path})
    return folders


def engine(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in DB_FILES:
        raise BackupError(_("不支持备份 %(vendor)s 数据库") % {"vendor": vendor})
    return vendor


def _stored_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """(absolute path, relative POSIX path) of every regular file, in a stable order."""
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder):
        if Path(root) == folder:  # left by an interrupted restore
            dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIX)]
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file():
                logger.warning("backup: skipped %s (not a regular file)", path)
                continue
            yield path, path.relative_to(folder).as_posix()


def _migration_state(using: str) -> dict[str, str]:
    """The last applied migration of each app: tells the operator which code the data needs."""
    state: dict[str, str] = {}
    recorder = MigrationRecorder(connections[using])
    for app, name in sorted(recorder.applied_migrations()):
        state[app] = max(state.get(app, ""), name)
    return state


# --------------------------------------------------------------------------- PostgreSQL


@contextmanager
def _pg_env(using: str) -> Iterator[dict[str, str]]:
    """libpq environment for the configured database; the password goes into a passfile."""
    conf = connections[using].settings_dict
    options = conf.get("OPTIONS") or {}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {"PGDATABASE": conf.get("NAME"), "PGUSER": conf.get("USER"),
              "PGHOST": conf.get("HOST"), "PGPORT": conf.get("PORT")}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                             ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"),
                             ("service", "PGSERVICE"), ("passfile", "PGPASSFILE"),
                             ("options", "PGOPTIONS")):
        values[variable] = options.get(option)
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    password = conf.get("PASSWORD") or ""
    with tempfile.TemporaryDirectory(prefix="kechuang-pg-") as tmp:
        if password:
            passfile = Path(tmp) / "pgpass"
            escaped = password.replace("\\", "\\\\").replace(":", "\\:")
            fd = os.open(passfile, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(f"*:*:*:*:{escaped}\n")
            env["PGPASSFILE"] = str(passfile)
        yield env


def pg_tool(name: str) -> str:
    """Path of a PostgreSQL client program, or a BackupError saying which package to install."""
    path = shutil.which(name)
    if not path:
        raise BackupError(_("找不到 %(tool)s：请安装 PostgreSQL 客户端（Debian：apt-get install "
                            "%(package)s），其主版本不低于数据库服务器") % {
                                "tool": name, "package": PG_PACKAGE})
    return path


def _pg_client_major(tool: str) -> int:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def _check_pg_versions(tool: str, using: str) -> tuple[int, int]:
    connection = connections[using]
    connection.ensure_connection()
    server = connection.pg_version // 10000
    client = _pg_client_major(tool)
    if client < server:
        raise BackupError(_("%(tool)s 的版本 %(client)s 低于数据库服务器的版本 %(server)s：请安装 "
                            "%(package)s-%(server)s") % {
                                "tool": Path(tool).name, "client": client, "server": server,
                                "package": PG_PACKAGE})
    return client, server


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(_("%(what)s失败：%(error)s") % {
            "what": what, "error": result.stderr.strip()[-2000:]})


# every relation of the schema, dropped before the dump is restored: tables a newer
# migration added are not left behind (the migration history then matches the tables)
_DROP_ALL = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
           ORDER BY c.relkind = 'S'  -- tables first: they take their own sequences along
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I CASCADE',
                   CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                  WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                                  ELSE 'TABLE' END, r.relname);
  END LOOP;
END $$;
"""


def _pg_backup(dest: Path, using: str) -> dict[str, Any]:
    pg_dump = pg_tool("pg_dump")
    client, server = _check_pg_versions(pg_dump, using)
    with _pg_env(using) as env:
        _run([pg_dump, "--format=custom", "--no-password", f"--file={dest}"], env,
             _("pg_dump 导出数据库"))
    return {"pg_dump_major": client, "server_major": server}


# appended when pg_restore failed: ends a COPY block cut short, then fails, so psql rolls the
# whole transaction back instead of committing a partial restore at end of input
_ABORT = b"\n\\.\nDO $$ BEGIN RAISE EXCEPTION 'pg_restore failed: rolled back'; END $$;\n"


def _pg_restore(dump: Path, using: str) -> None:
    """The dump's SQL (from pg_restore) applied by psql in one transaction, after dropping
    every relation of the schema; committed only when pg_restore read the whole dump."""
    pg_restore, psql = pg_tool("pg_restore"), pg_tool("psql")
    _check_pg_versions(pg_restore, using)
    connections[using].close()  # no lock of ours held while the tables are dropped
    with _pg_env(using) as env, tempfile.TemporaryFile() as restore_log, \
            tempfile.TemporaryFile() as apply_log:
        restore = subprocess.Popen(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--file=-", str(dump)],
            env=env, stdout=subprocess.PIPE, stderr=restore_log)
        apply = subprocess.Popen(
            [psql, "--no-psqlrc", "--quiet", "--no-password", "--single-transaction",
             "--set=ON_ERROR_STOP=1", "--set=VERBOSITY=terse", "--command", _DROP_ALL,
             "--file=-"],
            env=env, stdin=subprocess.PIPE, stdout=apply_log, stderr=subprocess.STDOUT)
        assert restore.stdout is not None and apply.stdin is not None
        try:
            shutil.copyfileobj(restore.stdout, apply.stdin, CHUNK)
            if restore.wait() != 0:
                apply.stdin.write(_ABORT)
            apply.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped on an error: it rolled back
        finally:
            restore.stdout.close()
            if restore.poll() is None:
                restore.kill()
            restore.wait()
            apply.wait()
        restore_log.seek(0)
        apply_log.seek(0)
        restore_err = restore_log.read().decode(errors="replace").strip()[-2000:]
        apply_err = apply_log.read().decode(errors="replace").strip()[-2000:]
    # pg_restore's own failure first; killed by a closed pipe (< 0) means psql stopped first
    if restore.returncode > 0:
        raise BackupError(_("pg_restore 读取备份失败（数据库未改动）：%(error)s") % {
            "error": restore_err})
    if apply.returncode != 0 or restore.returncode != 0:
        raise BackupError(_("恢复数据库失败（数据库未改动）：%(error)s") % {"error": apply_err})


# --------------------------------------------------------------------------- SQLite


def sqlite_copy(source: sqlite3.Connection, dest: Path) -> None:
    """A consistent copy of an open SQLite database (WAL content included) into ``dest``.

    The copy is switched to the rollback journal, so it is one self-contained file.
    """
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        if target.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(_("数据库副本校验失败"))
    finally:
        target.close()


def _sqlite_backup(dest: Path, using: str) -> dict[str, Any]:
    connection = connections[using]
    connection.ensure_connection()
    sqlite_copy(connection.connection, dest)
    return {"sqlite_version": sqlite3.sqlite_version}


def _sqlite_restore(copy: Path, using: str) -> None:
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError(_("不能在数据库事务中恢复备份"))
    connection.ensure_connection()
    source = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    try:
        # a file that is no (whole) database fails here, before anything is written
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")
        source.backup(connection.connection)  # replaces every page, under the write lock
    except sqlite3.DatabaseError as exc:
        raise BackupError(_("恢复数据库失败（数据库未改动）：%(error)s") % {"error": exc}) from exc
    finally:
        source.close()
    if connection.connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise BackupError(_("恢复后的数据库校验失败"))


# --------------------------------------------------------------------------- backup


def create_backup(target: Path, *, using: str = "default") -> dict[str, Any]:
    """Write a backup set into ``target`` (new or empty folder); return its manifest."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(_("备份目录 %(path)s 已存在且不为空：请指定新的目录") % {"path": target})
    kind = engine(using)
    folders = file_folders()
    try:
        manifest = _write_set(target, kind, folders, using)
    except BaseException:
        # no half-written set that looks like a backup
        if target.is_dir():
            for entry in target.iterdir():
                entry.unlink()
        raise
    logger.info("backup written to %s (%s, %d files)", target, kind, len(manifest["files"]))
    return manifest


def _write_set(target: Path, kind: str, folders: dict[str, Path], using: str) -> dict[str, Any]:
    with _umask(0o077):
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(target, 0o700)
        db_name = DB_FILES[kind]
        # the database first: files added meanwhile are only orphans, never missing
        if kind == "sqlite":
            versions = _sqlite_backup(target / db_name, using)
        else:
            versions = _pg_backup(target / db_name, using)
        stored: list[dict[str, Any]] = []
        with tarfile.open(target / FILES_TAR, "w", format=tarfile.PAX_FORMAT) as tar:
            for key, folder in folders.items():
                for path, rel in _stored_files(folder):
                    info = tar.gettarinfo(str(path), arcname=f"{key}/{rel}")
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    info.mode = 0o600
                    with open(path, "rb") as fh:
                        reader = _HashingReader(fh)
                        tar.addfile(info, reader)  # type: ignore[arg-type]
                    stored.append({"path": info.name, "size": info.size,
                                   "sha256": reader.digest.hexdigest()})
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": kind,
            "database": db_name,
            "versions": versions,
            "migrations": _migration_state(using),
            "folders": {key: str(path) for key, path in folders.items()},
            "artefacts": [{"path": name, "size": (target / name).stat().st_size,
                           "sha256": sha256_file(target / name)}
                          for name in (db_name, FILES_TAR)],
            "files": stored,
        }
        (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    return manifest


# --------------------------------------------------------------------------- verify


def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(_("%(path)s 不是备份目录：缺少 manifest.json") % {
            "path": source}) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_("备份清单 manifest.json 已损坏，无法读取")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("无法识别的备份格式（需要 %(format)s）") % {"format": FORMAT})
    try:
        complete = (manifest["engine"] in DB_FILES
                    and manifest["database"] == DB_FILES[manifest["engine"]]
                    and isinstance(manifest["folders"], dict)
                    and {a["path"] for a in manifest["artefacts"]} == {manifest["database"],
                                                                        FILES_TAR}
                    and all(isinstance(f["path"], str) and isinstance(f["sha256"], str)
                            for f in manifest["files"]))
    except (KeyError, TypeError):
        complete = False
    if not complete:
        raise BackupError(_("备份清单 manifest.json 不完整，无法核对，拒绝恢复"))
    return manifest


def _safe_member_name(name: str, folders: dict[str, Any]) -> bool:
    parts = name.split("/")
    return (len(parts) >= 2 and parts[0] in folders and ".." not in parts
            and "" not in parts and not name.startswith("/"))


def _walk_tar(source: Path, manifest: dict[str, Any],
              write_to: dict[str, Path] | None = None) -> None:
    """Read every member of files.tar, compare it with the manifest; optionally write it."""
    expected = {f["path"]: f for f in manifest["files"]}
    seen: set[str] = set()
    with tarfile.open(Path(source) / FILES_TAR, "r") as tar:
        for member in tar:
            name = member.name
            if not member.isfile() or name not in expected or name in seen \
                    or not _safe_member_name(name, manifest["folders"]):
                raise BackupError(_("备份文件包中有清单之外的条目：%(name)s") % {"name": name})
            seen.add(name)
            extracted = tar.extractfile(member)
            assert extracted is not None
            digest = hashlib.sha256()
            out = None
            if write_to is not None:
                key, rel = name.split("/", 1)
                dest = write_to[key] / rel
                dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                out = open(dest, "xb")  # noqa: SIM115 - closed below
            try:
                while chunk := extracted.read(CHUNK):
                    digest.update(chunk)
                    if out:
                        out.write(chunk)
            finally:
                if out:
                    out.close()
            if digest.hexdigest() != expected[name]["sha256"]:
                raise BackupError(_("校验失败：文件 %(name)s 与备份清单不符（备份被改动或损坏），"
                                    "拒绝恢复") % {"name": name})
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(_("备份文件包缺少清单中的 %(n)s 个文件，例如 %(name)s") % {
            "n": len(missing), "name": missing[0]})


def _read_tar(source: Path, manifest: dict[str, Any],
              write_to: dict[str, Path] | None = None) -> None:
    try:
        _walk_tar(source, manifest, write_to)
    except (tarfile.TarError, EOFError) as exc:
        raise BackupError(_("备份文件包 files.tar 已损坏：%(error)s") % {"error": exc}) from exc


def verify_backup(source: Path) -> dict[str, Any]:
    """Check every checksum of a backup set; return its manifest or raise BackupError."""
    source = Path(source)
    manifest = read_manifest(source)
    for artefact in manifest["artefacts"]:
        name = artefact["path"]
        path = source / name
        if not path.is_file():
            raise BackupError(_("备份缺少文件 %(name)s") % {"name": name})
        if sha256_file(path) != artefact["sha256"]:
            raise BackupError(_("校验失败：%(name)s 与备份清单不符（备份被改动或损坏），"
                                "拒绝恢复") % {"name": name})
    _read_tar(source, manifest)
    return manifest


# --------------------------------------------------------------------------- restore


def _swap_in(folder: Path, staged: Path, token: str) -> None:
    """Replace the content of ``folder`` by the content of ``staged`` (a folder inside it)."""
    old = folder / f"{STAGING_PREFIX}old-{token}"
    old.mkdir(mode=0o700)
    for entry in folder.iterdir():
        if entry not in (staged, old):
            entry.rename(old / entry.name)
    for entry in staged.iterdir():
        entry.rename(folder / entry.name)
    staged.rmdir()
    shutil.rmtree(old, ignore_errors=True)


def restore_backup(source: Path, *, using: str = "default") -> dict[str, Any]:
    """Verify, then replace the database and every file folder by the backup's content."""
    source = Path(source)
    manifest = verify_backup(source)
    kind = engine(using)
    if manifest["engine"] != kind:
        raise BackupError(_("这是 %(backup)s 数据库的备份，当前配置的是 %(current)s 数据库") % {
            "backup": manifest["engine"], "current": kind})
    configured = file_folders()
    unknown = set(manifest["folders"]) - set(configured)
    if unknown:
        raise BackupError(_("备份中的文件目录 %(keys)s 在当前配置中不存在") % {
            "keys": "、".join(sorted(unknown))})
    folders = {key: configured[key] for key in manifest["folders"]}
    token = secrets.token_hex(4)
    # staged inside each folder: the swap is a rename on one file system, even when the
    # folder is a mount point
    staging: dict[str, Path] = {}
    try:
        with _umask(0o077):
            for key, folder in folders.items():
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                staging[key] = folder / f"{STAGING_PREFIX}restore-{token}"
                staging[key].mkdir(mode=0o700)
            # the files again, checked one by one as they are written
            _read_tar(source, manifest, write_to=staging)
            db_file = source / manifest["database"]
            if kind == "sqlite":
                _sqlite_restore(db_file, using)
            else:
                _pg_restore(db_file, using)
            for key, folder in folders.items():
                _swap_in(folder, staging.pop(key), token)
    finally:
        for path in staging.values():
            shutil.rmtree(path, ignore_errors=True)
    logger.info("backup %s restored (%s, %d files)", source, kind, len(manifest["files"]))
    return manifest
