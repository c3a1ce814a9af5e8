"""The user's own notices: list (unread first), mark one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.core.shortcuts import paginate
from kechuang.notices import selectors, services, tables
from kechuang.workflow import selectors as workflow_selectors


@login_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.notice_list(user=request.user), per_page=30)
    return render(request, "notices/notice_list.html", {
        "page_obj": page,
        **tables.NOTICES.context(request.GET, page, csrf_token=get_token(request))})


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = selectors.notice(user=request.user, pk=pk, action="change")
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    services.mark_read(notice=notice, actor=request.user)
    if request.POST.get("go") and notice.url and url_has_allowed_host_and_scheme(
            notice.url, allowed_hosts={request.get_host()}):
        return redirect(notice.url)
    return redirect("notices:notice_list")


@login_required
@require_POST
def notice_read_all(request: HttpRequest) -> HttpResponse:
    n = services.mark_all_read(actor=request.user)
    if n:
        messages.success(request, _("已将 %(n)s 条提醒标为已读。") % {"n": n})
    return redirect("notices:notice_list")


@login_required
@require_safe
def todo(request: HttpRequest) -> HttpResponse:
    """待办事项: submissions waiting for the user's decision, one tab per kind of record."""
    sources = workflow_selectors.todo_sources(user=request.user)
    current = next((s for s in sources if s.key == request.GET.get("kind")),
                   sources[0] if sources else None)
    page = None
    if current is not None:
        page = paginate(request, workflow_selectors.todo_list(user=request.user, source=current),
                        per_page=30)
    return render(request, "notices/todo.html",
                  {"sources": sources, "current": current, "page_obj": page})
