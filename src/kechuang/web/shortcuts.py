"""View plumbing every app shares: the 403 check, pagination, starting an export job."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.jobs.services import start_job

PAGE_SIZE = 50


def require(user: Any, action: str, model: type[Model]) -> None:
    """403 when the role has no right to the action at all (rows are restrict()'s job)."""
    if not can(user, action, model):
        raise PermissionDenied


def paginate(request: HttpRequest, qs: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def start_export(request: HttpRequest, *, kind: str, title: str,
                 params: dict[str, Any]) -> HttpResponse:
    """Queue an export job with the list's filters and send the user to its progress page."""
    job = start_job(owner=request.user, kind=kind, title=title, params=params)
    messages.info(request, _("已开始导出，完成后可在本页下载。"))
    return redirect(job.get_absolute_url())
