"""The user's own background jobs: list, detail with a polling progress bar, result download.

Every role may see jobs, but only its own (``Job.objects.restrict(user, "view")`` filters by
owner); another user's job is a 404, so its existence does not leak. Result files live under
MEDIA_ROOT, which no URL serves: ``job_download`` is the only way out.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kechuang.jobs import tables
from kechuang.jobs.models import Job

PAGE_SIZE = 50


def _job_or_404(user: Any, pk: int) -> Job:
    job = Job.objects.restrict(user, "view").filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_safe
def job_list(request: HttpRequest) -> HttpResponse:
    qs = Job.objects.restrict(request.user, "view").defer("params", "result")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {
        "page_obj": page, **tables.JOBS.context(request.GET, page)})


@login_required
@require_safe
@never_cache
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/job_detail.html", {"job": _job_or_404(request.user, pk)})


@login_required
@require_safe
@never_cache
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card alone; htmx swaps it in every second until the job has finished or
    its worker has gone silent (``Job.polling``): a dead job must not be polled for ever."""
    return render(request, "jobs/_progress.html", {"job": _job_or_404(request.user, pk)})


def content_disposition(filename: str) -> str:
    """attachment; an ASCII fallback name plus the UTF-8 name (RFC 6266 / RFC 5987)."""
    base, ext = os.path.splitext(filename)
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in base)
    fallback = (fallback.strip("_-.") or "download") + "".join(
        c for c in ext if c.isascii() and (c.isalnum() or c == "."))
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_removed(request: HttpRequest, *, back: str, days: int) -> HttpResponse:
    """410 Gone: the file was deleted after its retention period (``jobs.retention``,
    ``imports.retention``); the record stays, the bytes are gone for good."""
    return render(request, "jobs/file_removed.html", {"back": back, "days": days}, status=410)


@login_required
@require_safe
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request.user, pk)
    if job.result_removed:
        return file_removed(request, back=job.get_absolute_url(), days=job.retention_days)
    if job.status != Job.Status.SUCCEEDED or not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError as exc:  # removed from disk since
        raise Http404 from exc
    name = job.result_name or os.path.basename(job.result_file.name)
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
