"""What the in-process benchmarks share: Django set-up, throw-away databases, percentiles.

Not a benchmark itself (``bench/run.py`` runs ``bench_*.py`` only); importable because the
bench folder is on ``sys.path`` both under ``bench/run.py`` and when a module runs alone.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var" / "bench"


def setup_django(url: str) -> None:
    """Production settings (DEBUG off, quiet logs) on ``url``, files under var/bench."""
    os.environ.update({
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "kechuang.settings",
        "DJANGO_ENV": "development", "DEBUG": "False", "LOG_LEVEL": "ERROR",
        "KECHUANG_VAR_DIR": str(VAR_DIR),
    })
    for path in (ROOT / "src", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    (VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    import django

    django.setup()


def ensure_database(url: str, *, prefix: str, fresh: bool) -> None:
    """Create the database if missing; with ``fresh`` start empty (the SQLite file deleted,
    the PostgreSQL database dropped — only databases named ``prefix*`` are touched)."""
    if url.startswith("sqlite"):
        if fresh:
            path = urlsplit(url).path
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(prefix):
        raise SystemExit(f"refusing to use {name!r}: only {prefix}* databases are used")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as c:
        if fresh:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            c.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
