from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kechuang.notices.selectors import unread_count


def unread_notices(request: HttpRequest) -> dict:
    """The top bar's unread badge: one COUNT query, and only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notice_count": 0}
    return {"unread_notice_count": SimpleLazyObject(lambda: unread_count(user=user))}
