"""Idle sessions expire (MLPS level 3): no request for SESSION_IDLE_TIMEOUT → log out.

The last-seen stamp is rewritten at most once a minute, so a page view does not cost a
session write (the timeout is accurate to that minute).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

KEY = "_last_seen"
RESTAMP_AFTER = 60  # seconds


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(KEY)
            if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT:
                logout(request)  # flushes the session; the flag goes into the new one
                request.session["idle_expired"] = True
            elif last is None or now - int(last) >= RESTAMP_AFTER:
                request.session[KEY] = now
        return self.get_response(request)
