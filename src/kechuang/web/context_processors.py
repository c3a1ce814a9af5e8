from __future__ import annotations

from django.http import HttpRequest

from kechuang.web.navigation import menu_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": []}
    return {"nav_menu": menu_for(user, request.path)}
