"""View plumbing every app shares: the 403 check, pagination, exports, saving a form, a row's
POST button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError
from kechuang.core.listexport import ListExport
from kechuang.jobs.services import start_job

PAGE_SIZE = 50


def require(user: Any, action: str, model: type[Model]) -> None:
    """403 when the role has no right to the action at all (rows are restrict()'s job)."""
    if not can(user, action, model):
        raise PermissionDenied


def paginate(request: HttpRequest, qs: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def list_page(request: HttpRequest, *, model: type[Model], filter_cls: Any,
              selector: Callable[..., Any], table: Any, template: str,
              sorts: Any = (), flags: dict[str, Any] | None = None,
              **extra: Any) -> HttpResponse:
    """The plain list page of a module: 403 without the right, the ListFilter's page form
    (lenient), the scoped rows from the app's selector, an optional ``?sort=`` among
    ``sorts``, 50 a page, the table definition's head and body, and whether to offer add and
    export — so a module's list view says only what differs."""
    user = request.user
    require(user, "view", model)
    form = filter_cls.page_form(request.GET or None, user=user)
    filters = form.filters()
    qs = selector(user=user, action="view", filters=filters)
    sort = request.GET.get("sort", "")
    if sort and sort.lstrip("-") in sorts:
        qs = qs.order_by(sort, "-pk")
    else:
        sort = ""
    page = paginate(request, qs)
    return render(request, template, {
        "form": form, "filters": filters, "page_obj": page, "filtered": bool(filters),
        **table.context(request.GET, page, sort, **(flags or {})),
        "can_add": can(user, "add", model), "can_export": can(user, "export", model),
        **extra})


def start_export(request: HttpRequest, *, kind: str, title: str,
                 params: dict[str, Any]) -> HttpResponse:
    """Queue an export job with the list's filters and send the user to its progress page."""
    job = start_job(owner=request.user, kind=kind, title=title, params=params)
    messages.info(request, _("已开始导出，完成后可在本页下载。"))
    return redirect(job.get_absolute_url())


def export_view(spec: ListExport, *, model: Any, form: Any,
                params: Callable[..., dict[str, Any]] | None = None,
                title: Callable[..., Any] | None = None) -> Callable[..., HttpResponse]:
    """The POST view that starts ``spec``'s export job with the list's filters.

    ``model`` (or a callable of the URL's keyword arguments giving it) is checked for the
    ``export`` right (403 without it); ``form`` is the list's filter form, bound to the POST
    with the user and the URL's keyword arguments. ``params`` turns (filters, **kwargs) into
    the job's params (default: the filters); ``title`` gives the job's title from the kwargs.
    """

    @login_required
    @require_POST
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        user = request.user
        require(user, "export", model if isinstance(model, type) else model(**kwargs))
        filters = form(request.POST, user=user, **kwargs).filters()
        return start_export(request, kind=spec.kind,
                            title=title(**kwargs) if title else str(spec.title),
                            params=params(filters, **kwargs) if params else filters)

    view.__name__ = view.__qualname__ = f"export_{spec.kind.replace('.', '_')}"
    return view


def apply_service_error(form: BaseForm, exc: Exception) -> None:
    """Show a service's ValidationError / DomainError on the form (field or non-field)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    if isinstance(exc, ValidationError):
        form.add_error(None, exc)
        return
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, getattr(exc, "message", str(exc)))


def save_form(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], Model],
              success: Callable[[Model], str]) -> Model | None:
    """On a valid POST, hand the form's data to a service; its refusal lands on the form.

    Returns the saved object (with a success message queued), or None to re-render the form.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        obj = save(form.service_data())
    except (DomainError, ValidationError) as exc:
        apply_service_error(form, exc)
        return None
    messages.success(request, success(obj))
    return obj


def get_or_404(read: Callable[..., Any], **kwargs: Any) -> Any:
    """A selector's single row, or 404 when it is missing or outside the user's scope."""
    try:
        return read(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def form_page(request: HttpRequest, form: Any, *, save: Callable[[dict[str, Any]], Model],
              message: Callable[[Model], str], done: Callable[[Model], Any], template: str,
              context: dict[str, Any] | None = None) -> HttpResponse:
    """The plain create/edit page, so a view writes only what differs.

    On a valid POST ``save`` (a service call) writes and the browser goes to ``done(obj)`` (a
    URL or a model) with ``message(obj)`` queued; a service's refusal lands on the form.
    Otherwise ``template`` is rendered with the form and ``context``.
    """
    obj = save_form(request, form, save, message)
    if obj is not None:
        return redirect(done(obj))
    return render(request, template, {"form": form, **(context or {})})


def row_action(request: HttpRequest, *, model: type[Model], action: str,
               read: Callable[..., Any], pk: int, do: Callable[[Any, Any], Any], done: str,
               to: Callable[[Any], Any] | None = None,
               form: type[BaseForm] | None = None) -> HttpResponse:
    """A POST button on a row's page: 403 without the right, 404 outside the scope, the
    service's DomainError (or ValidationError) shown as a message (nothing written), then
    back to the row.

    ``read`` is the app's selector for the row (called with ``user`` and ``pk``); ``do(obj,
    user)`` calls the service — ``do(obj, user, cleaned_data)`` with a ``form`` class, whose
    errors are shown as one message, field by field, without calling it; ``done`` is the
    success message; ``to(obj)`` gives where to go afterwards (default: the row itself).
    """
    user = request.user
    require(user, action, model)
    obj = get_or_404(read, user=user, pk=pk)
    target = to(obj) if to else obj
    args: tuple[Any, ...] = ()
    if form is not None:
        bound = form(request.POST)
        if not bound.is_valid():
            messages.error(request, "；".join(
                f"{bound.fields[f].label}：{' '.join(e)}" if f in bound.fields else " ".join(e)
                for f, e in bound.errors.items()))
            return redirect(target)
        args = (bound.cleaned_data,)
    try:
        do(obj, user, *args)
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(target)
