"""Per-address failure budget on every sign-in step, across user names.

axes locks one account from one address; this stops one address from trying many accounts
(password spraying) or many codes: AUTH_ADDRESS_FAILURE_LIMIT failures within
AUTH_ADDRESS_WINDOW_SECONDS → every sign-in step from that address answers 429 until the
oldest failure leaves the window. Kept in the database, so every worker process sees it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.clientip import client_ip
from kechuang.accounts.models import AddressFailure


def _address(request: HttpRequest) -> str:
    return (client_ip(request) or "unknown")[:45]


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.AUTH_ADDRESS_WINDOW_SECONDS)


def retry_after(request: HttpRequest) -> int:
    """Seconds until this address may try again; 0 when it is within its budget."""
    since = timezone.now() - _window()
    recent = AddressFailure.objects.filter(address=_address(request), at__gte=since)
    limit = settings.AUTH_ADDRESS_FAILURE_LIMIT
    if recent.count() < limit:
        return 0
    oldest = recent.order_by("-at").values_list("at", flat=True)[limit - 1]
    return max(1, int((oldest + _window() - timezone.now()).total_seconds()) + 1)


def note_failure(request: HttpRequest) -> None:
    """Count one failed step from this address (and drop rows that left every window)."""
    now = timezone.now()
    AddressFailure.objects.filter(at__lt=now - _window()).delete()
    AddressFailure.objects.create(address=_address(request), at=now)


def limited_message(seconds: int) -> str:
    """The 429 text: how long the address has to wait."""
    return _("该地址登录失败次数过多，请 %(seconds)s 秒后再试。") % {"seconds": seconds}
