"""Print a digest of everything `collectstatic` would collect, so `make run` can skip it.

collectstatic with whitenoise's compressed manifest storage re-compresses every file (about a
minute) even when nothing changed. The digest covers each static source file's path, size and
modification time (the project's own static folders and those of installed apps, through
Django's finders) plus the settings that shape the output; when it equals the stamp written
after the last successful run, the collected files are current.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path


def digest() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    h = hashlib.sha256()
    h.update(repr((settings.STATIC_ROOT, settings.STATIC_URL,
                   settings.STORAGES.get("staticfiles"))).encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            st = os.stat(storage.path(path))
            entries.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}")
    for entry in sorted(entries):
        h.update(entry.encode())
        h.update(b"\n")
    return h.hexdigest()


if __name__ == "__main__":
    print(digest())
