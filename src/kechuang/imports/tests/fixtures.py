"""Upload and commit through the real views, jobs run on commit: a pytest plugin (loaded by
the root conftest) so every app's import tests share the two fixtures."""

from __future__ import annotations

from typing import Any

import pytest

# Django models load lazily: the root conftest imports this plugin before Django is set up


@pytest.fixture
def do_upload(django_capture_on_commit_callbacks):
    """do_upload(client, content) → the ImportRun after its check job ran."""
    from django.urls import reverse

    from kechuang.imports.models import ImportRun
    from kechuang.imports.tests.helpers import upload_file
    from kechuang.orgs.imports import KIND

    def run(client: Any, content: bytes, kind: str = KIND, name: str = "年报.xlsx") -> Any:
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
    """do_commit(client, run) → the ImportRun after its commit job ran."""
    from django.urls import reverse

    from kechuang.imports.models import ImportRun

    def run(client: Any, import_run: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(reverse("imports:run_commit", args=[import_run.pk]))
        assert resp.status_code == 302
        return ImportRun.objects.get(pk=import_run.pk)

    return run
