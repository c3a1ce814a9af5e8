"""Import pages: the user's runs, upload, progress, preview, confirm, error report, template.

ImportRun is personal (like a job): another user's run is a 404. Who may import a kind
follows the spec (bureau roles with add and change rights on its model): otherwise 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from kechuang.core.errors import DomainError
from kechuang.core.shortcuts import paginate, require
from kechuang.core.uploads import serve_private
from kechuang.imports import selectors, services, tables
from kechuang.imports.forms import UploadForm
from kechuang.imports.models import ImportRun
from kechuang.imports.spec import ImportSpec, get_spec, may_import, specs_for
from kechuang.imports.workbook import build_template
from kechuang.jobs.views import content_disposition, file_removed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _spec_or_404(user: Any, kind: str) -> ImportSpec:
    try:
        spec = get_spec(kind)
    except LookupError as exc:
        raise Http404 from exc
    if not may_import(user, spec):
        raise PermissionDenied
    return spec


def _run_or_404(user: Any, pk: int, action: str = "view") -> ImportRun:
    require(user, action, ImportRun)
    try:
        return selectors.import_run(user=user, pk=pk, action=action)
    except ImportRun.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_safe
def run_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", ImportRun)
    page = paginate(request, selectors.import_runs(user=user))
    return render(request, "imports/run_list.html", {
        "page_obj": page, "specs": specs_for(user),
        **tables.RUNS.context(request.GET, page)})


@login_required
def run_new(request: HttpRequest, kind: str) -> HttpResponse:
    user = request.user
    spec = _spec_or_404(user, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_import(actor=user, kind=spec.kind,
                                        upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.info(request, _("文件已上传，正在逐行校验。"))
            return redirect(run.get_absolute_url())
    return render(request, "imports/run_new.html", {"spec": spec, "form": form})


@login_required
@require_safe
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _spec_or_404(request.user, kind)
    with translation.override(settings.LANGUAGE_CODE):  # headers are always Chinese
        content = build_template(spec)
        name = _("%(title)s导入模板.xlsx") % {"title": spec.title}
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
@never_cache
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request.user, pk)
    # a city administrator reads city staff's runs; committing stays with the owner
    can_commit = run.status == "valid" and run.owner_id == request.user.pk
    return render(request, "imports/run_detail.html", {"run": run, "can_commit": can_commit})


@login_required
@require_safe
@never_cache
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card; htmx polls it and reloads the page once the run has settled."""
    run = _run_or_404(request.user, pk)
    response = render(request, "imports/_run_progress.html", {"run": run})
    if not run.busy and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    run = _run_or_404(user, pk, "change")
    try:
        services.confirm_import(actor=user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("已开始导入；全部完成前如有中断，已写入的部分会自动撤销。"))
    return redirect(run.get_absolute_url())


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up a checked or interrupted run (nothing of it is in the database)."""
    user = request.user
    run = _run_or_404(user, pk, "change")
    try:
        services.cancel_import(actor=user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("已取消本次导入，未写入任何数据。"))
    return redirect(run.get_absolute_url())


@login_required
@require_safe
def run_errors(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request.user, pk)
    if run.files_removed:
        return file_removed(request, back=run.get_absolute_url(), days=run.retention_days)
    if not run.error_file:
        raise Http404
    base = run.original_name.rsplit(".", 1)[0] or "import"
    return serve_private(run.error_file, _("错误报告-%(name)s.xlsx") % {"name": base})
