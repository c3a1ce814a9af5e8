from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.imports.models import ImportRun
from kechuang.imports.tests.helpers import upload_file
from kechuang.orgs.imports import KIND


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def do_upload(django_capture_on_commit_callbacks):
    """do_upload(client, content) → the ImportRun after its check job ran."""

    def run(client, content: bytes, kind: str = KIND, name: str = "年报.xlsx") -> ImportRun:
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(reverse("imports:run_new", args=[kind]),
                               {"file": upload_file(content, name)})
        assert resp.status_code == 302, resp.content.decode()[:2000]
        run = ImportRun.objects.latest("pk")
        assert resp["Location"] == reverse("imports:run_detail", args=[run.pk])
        return run

    return run


@pytest.fixture
def do_commit(django_capture_on_commit_callbacks):
    def run(client, import_run: ImportRun) -> ImportRun:
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(reverse("imports:run_commit", args=[import_run.pk]))
        assert resp.status_code == 302
        return ImportRun.objects.get(pk=import_run.pk)

    return run
