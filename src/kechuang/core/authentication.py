"""API tokens: stored as SHA-256 digests, expiring (MLPS level 3: no credential lives for ever).

The token is shown once when issued (``POST /api/v1/auth/token``); the database holds only
its digest (``accounts.ApiToken``), so a copy of the database or a backup yields no usable
token. A password change, an administrator's reset or deactivation deletes the account's
tokens (``accounts.models.User.save``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from kechuang.accounts.models import ApiToken, token_digest


def token_expired(token: ApiToken) -> bool:
    ttl = dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    return token.created < timezone.now() - ttl


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, looked up by digest, refused after API_TOKEN_TTL_HOURS."""

    model = ApiToken

    def authenticate_credentials(self, key: str) -> tuple:
        token = (ApiToken.objects.select_related("user")  # lint: allow (authenticating)
                 .filter(digest=token_digest(key)).first())
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用"))
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新获取"))
        return token.user, token
