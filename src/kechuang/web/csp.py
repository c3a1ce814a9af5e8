"""Content-Security-Policy on every response (Django 5.2 has no built-in CSP).

Scripts only from this site: no inline ``<script>`` bodies, no ``on*=`` handlers, no eval
(page data reaches the static scripts through ``json_script``). Styles: stylesheets and
``<style>`` elements only from this site; ``style=`` *attributes* stay allowed
(``style-src-attr 'unsafe-inline'``) because ECharts writes its tooltips as HTML with inline
styles and progress bars carry their width — an attribute cannot run script. No framing,
forms post only to this site, no plugins, no ``<base>`` rewriting. docs/security.md.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_header() -> str:
    """The header value; ``CONTENT_SECURITY_POLICY`` in settings overrides single directives."""
    policy = {**DEFAULT_POLICY, **getattr(settings, "CONTENT_SECURITY_POLICY", {})}
    return "; ".join(f"{name} {value}".strip() for name, value in policy.items() if value)


class ContentSecurityPolicyMiddleware:
    """Adds the policy unless the view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy_header()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response
