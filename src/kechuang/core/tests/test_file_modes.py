"""Private files, the SQLite database and the local secret key are the service account's only.

Evidence, import uploads and job results are written 0600 in folders 0700 (static files stay
world-readable for nginx); a fresh var/ is 0700 with the database file 0600; without
SECRET_KEY a development instance makes its own key into var/secret_key, and production
refuses to start without a real one.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from kechuang.core.uploads import private_storage

ROOT = Path(__file__).resolve().parents[4]
OLD_PUBLIC_KEY = "dev-insecure-kechuang-key-not-for-production-use-0123456789abcdef"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


@pytest.mark.parametrize("storage, folder", [(private_storage, "private"),
                                             (default_storage, "media")])
def test_stored_files_are_0600_in_folders_0700(roots, storage, folder):
    old = os.umask(0o022)  # what a login shell or systemd gives the process
    try:
        name = storage.save("reported/2025/06/evidence.pdf", ContentFile(b"%PDF-1.4"))
    finally:
        os.umask(old)
    path = roots / folder / name
    assert mode(path) == 0o600
    for parent in (roots / folder / "reported", roots / folder / "reported" / "2025",
                   path.parent):
        assert mode(parent) == 0o700, parent


def test_static_files_stay_readable_for_the_web_server():
    static = storages["staticfiles"]
    assert (static.file_permissions_mode, static.directory_permissions_mode) == (0o644, 0o755)


def run(var_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("KECHUANG_", "DJANGO_", "SECRET_KEY", "DEBUG",
                                 "DATABASE_URL", "PRIVATE_MEDIA_ROOT"))}
    base.update(env, KECHUANG_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="kechuang.settings")
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=base,
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def test_fresh_instance_makes_its_own_secret_key_and_private_database(tmp_path):
    var = tmp_path / "var"
    first = run(var, "shell", "-v0", "-c", PRINT_KEY)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50 and key != OLD_PUBLIC_KEY
    assert (var / "secret_key").read_text().strip() == key
    assert mode(var) == 0o700 and mode(var / "secret_key") == 0o600
    # the same key on every start (sessions survive a restart), another instance another key
    assert run(var, "shell", "-v0", "-c", PRINT_KEY).stdout.strip() == key
    assert run(tmp_path / "other", "shell", "-v0", "-c", PRINT_KEY).stdout.strip() != key

    out = run(var, "migrate", "-v0")
    assert out.returncode == 0, out.stderr
    db = var / "kechuang.sqlite3"
    assert db.stat().st_size > 0 and mode(db) == 0o600
    for path in var.glob("kechuang.sqlite3-*"):  # -wal, -shm
        assert mode(path) == 0o600, path


def test_existing_world_readable_database_is_made_private(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    db = var / "kechuang.sqlite3"
    db.touch(mode=0o644)
    os.chmod(db, 0o644)
    assert run(var, "check").returncode == 0
    assert mode(db) == 0o600


def test_given_secret_key_is_used_and_nothing_is_written(tmp_path):
    out = run(tmp_path / "var", "shell", "-v0", "-c", PRINT_KEY,
              SECRET_KEY="operator-given-key-" + "k" * 40)
    assert out.stdout.strip() == "operator-given-key-" + "k" * 40
    assert not (tmp_path / "var" / "secret_key").exists()


@pytest.mark.parametrize("key", [OLD_PUBLIC_KEY, "django-insecure-" + "x" * 40, "short-key"])
def test_production_refuses_a_published_or_short_key(tmp_path, key):
    out = run(tmp_path / "var", "check", DJANGO_ENV="production", SECRET_KEY=key,
              ALLOWED_HOSTS="kjj.example.gov.cn")
    assert out.returncode != 0
    assert "SECRET_KEY is too short or a published example key" in out.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_never_makes_a_key_of_its_own(tmp_path):
    out = run(tmp_path / "var", "check", DJANGO_ENV="production",
              ALLOWED_HOSTS="kjj.example.gov.cn")
    assert out.returncode != 0 and "SECRET_KEY must be set" in out.stderr
    assert not (tmp_path / "var" / "secret_key").exists()
