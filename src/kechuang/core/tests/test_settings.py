"""Production configuration: refuses unsafe settings, and `check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("KECHUANG_", "DJANGO_", "SECRET_KEY", "DEBUG"))}
    base.update(env)
    base["DJANGO_SETTINGS_MODULE"] = "kechuang.settings"
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=base,
                          capture_output=True, text=True, timeout=120)


PROD = {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "kjj.example.gov.cn",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-only-7f3a9c"}


def test_production_refuses_to_start_without_secret_key():
    env = dict(PROD)
    env.pop("SECRET_KEY")
    out = run_manage("check", **env)
    assert out.returncode != 0
    assert "SECRET_KEY must be set" in out.stderr


def test_production_refuses_debug():
    out = run_manage("check", DEBUG="1", **PROD)
    assert out.returncode != 0
    assert "DEBUG must be off" in out.stderr


def test_check_deploy_is_clean_with_production_settings():
    out = run_manage("check", "--deploy", "--fail-level", "WARNING", **PROD)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
