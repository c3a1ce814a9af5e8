"""API tokens expire (MLPS level 3: no credential lives for ever)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expired(token) -> bool:
    ttl = dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    return token.created < timezone.now() - ttl


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than API_TOKEN_TTL_HOURS."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新获取"))
        return user, token
