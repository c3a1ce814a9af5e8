"""Authentication events come from Django's auth signals (they fire outside services)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kechuang.audit.models import AuthEvent
from kechuang.audit.services import client_ip


def _meta(request) -> dict:
    if request is None:
        return {"ip": None, "user_agent": ""}
    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]}


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    AuthEvent.objects.create(kind=AuthEvent.Kind.LOGIN, username=user.get_username(), user=user,
                             **_meta(request))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    AuthEvent.objects.create(kind=AuthEvent.Kind.LOGOUT, username=user.get_username(), user=user,
                             **_meta(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    AuthEvent.objects.create(kind=AuthEvent.Kind.LOGIN_FAILED,
                             username=str(credentials.get("username", ""))[:150],
                             **_meta(request))


@receiver(user_locked_out)
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    AuthEvent.objects.create(kind=AuthEvent.Kind.LOCKED_OUT, username=str(username or "")[:150],
                             **_meta(request))
