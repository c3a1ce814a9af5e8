"""The client's address, the same one for axes, login events and the address limits.

Behind ``TRUSTED_PROXY_COUNT`` proxies that append to X-Forwarded-For (nginx's
``$proxy_add_x_forwarded_for``), the client is the entry that many places from the right:
whatever a client writes into the header itself sits further left and is never used.
With 0 (the default) the header is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ipware.ip import get_client_ip


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address the trusted proxies saw (django-ipware parses the chain)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    # ipware counts proxies *inside* the chain; the last proxy's own address is REMOTE_ADDR,
    # so N trusted proxies leave N-1 proxy entries right of the client. Not strict: a client
    # who sends its own header only adds entries on the left, which are skipped.
    ip, _routable = get_client_ip(request, proxy_count=proxies - 1,
                                  request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False)
    return ip or remote


def client_ip_or_none(request: HttpRequest) -> str | None:
    """``client_ip`` if it is a valid address (for GenericIPAddressField columns), else None."""
    ip = client_ip(request)
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None
