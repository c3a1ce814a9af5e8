"""Audit trail pages: read only, for the audit administrator (role ``auditor``).

No right to read the audit trail → 403; a record outside ``restrict()`` → 404. There is no
page, form or endpoint that edits or deletes an audit record (the models refuse it too).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from kechuang.accounts.scoping import can
from kechuang.audit import exports, selectors, tables
from kechuang.audit.filters import AccessEventFilter, AuthEventFilter, ChangeFilter
from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord
from kechuang.audit.services import access_event
from kechuang.core.shortcuts import export_view, paginate, require


def _read_only(request: HttpRequest, model: type) -> HttpResponse | None:
    """403 for a role without the right (whatever the method), then 405 for anything but GET."""
    require(request.user, "view", model)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None



@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    if refused := _read_only(request, ChangeRecord):
        return refused
    user = request.user
    form = ChangeFilter.page_form(request.GET or None, user=user)
    filters = form.filters()
    page = paginate(request, selectors.change_list(user=user, filters=filters))
    sources = selectors.source_labels(r.source for r in page)
    table = tables.change_table()
    return render(request, "audit/change_list.html", {
        "form": form, "filters": filters, "page_obj": page,
        **table.context(request.GET, page, sources=sources),
        "filtered": bool(filters), "can_export": can(user, "export", ChangeRecord),
    })


def _record_or_404(user, pk: int) -> ChangeRecord:
    try:
        return selectors.change_detail(user=user, pk=pk)
    except ChangeRecord.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request: HttpRequest, record: ChangeRecord,
            reveal: frozenset[str] = frozenset()) -> HttpResponse:
    return render(request, "audit/change_detail.html", {
        "record": record,
        "object_type": selectors.event_label(record)[0],
        "object_label": selectors.event_label(record)[1],
        "source": selectors.source_label(record.source),
        "changes": selectors.field_changes(record, reveal=reveal),
        "siblings": selectors.same_request(user=request.user, record=record)[:50],
    })


@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if refused := _read_only(request, ChangeRecord):
        return refused
    return _detail(request, _record_or_404(request.user, pk))


@login_required
def change_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one masked personal field in clear — after writing who asked, for what (个人信息保护).

    A POST (never a link a crawler or prefetch could follow); the page it answers with is
    not stored anywhere, so the next view of the record is masked again.
    """
    require(request.user, "view", ChangeRecord)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    record = _record_or_404(request.user, pk)
    field = request.POST.get("field", "")
    if field not in selectors.personal_fields(record):
        raise Http404
    access_event(request, kind=AccessEvent.Kind.REVEAL, view="audit:change_reveal",
                 detail=f"{record.content_type.app_label}.{record.content_type.model}"
                        f"#{record.object_id} {field}（变更记录 #{record.pk}）")
    return _detail(request, record, reveal=frozenset({field}))


change_export = export_view(exports.CHANGE_EXPORT, model=ChangeRecord,
                            form=ChangeFilter.page_form)

@login_required
def authevent_list(request: HttpRequest) -> HttpResponse:
    if refused := _read_only(request, AuthEvent):
        return refused
    user = request.user
    form = AuthEventFilter.page_form(request.GET or None, user=user)
    filters = form.filters()
    page = paginate(request, selectors.authevent_list(user=user, filters=filters))
    return render(request, "audit/authevent_list.html", {
        "form": form, "filters": filters, "page_obj": page,
        **tables.AUTHEVENTS.context(request.GET, page),
        "filtered": bool(filters), "can_export": can(user, "export", AuthEvent),
    })


authevent_export = export_view(exports.AUTHEVENT_EXPORT, model=AuthEvent,
                               form=AuthEventFilter.page_form)

@login_required
def accessevent_list(request: HttpRequest) -> HttpResponse:
    """Downloads, refused requests, reveals of personal data and Django-admin actions."""
    if refused := _read_only(request, AccessEvent):
        return refused
    user = request.user
    form = AccessEventFilter.page_form(request.GET or None, user=user)
    filters = form.filters()
    page = paginate(request, selectors.accessevent_list(user=user, filters=filters))
    return render(request, "audit/accessevent_list.html", {
        "form": form, "filters": filters, "page_obj": page, "filtered": bool(filters),
        **tables.ACCESSEVENTS.context(request.GET, page),
    })
