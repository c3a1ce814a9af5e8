"""Chinese first: pages speak zh-hans unless the user picked another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a clerk on an
English-language browser would get English by surprise. Here the page language comes from
the language cookie (set by the switch in the top bar) or LANGUAGE_CODE; API clients,
which choose deliberately, may still ask with Accept-Language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def language_for(self, request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in self.supported:
            return chosen
        if request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META:
            lang = translation.get_language_from_request(request)
            if lang in self.supported:
                return lang
        return settings.LANGUAGE_CODE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = self.language_for(request)
        translation.activate(lang)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
