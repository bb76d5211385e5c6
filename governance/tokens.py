"""API tokens: they expire (API_TOKEN_TTL_HOURS after issue) and die with a password change.

`token_obtain` is what POST /api/v1/auth/token/ hands out; `ExpiringTokenAuthentication` refuses an
expired token with 401 in the API's error shape; `tokens_revoke` runs when a user's password changes
(governance.signals).
"""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

EXPIRED_MESSAGE = "登录凭证(令牌)已过期,请重新获取令牌。"


def token_ttl() -> timedelta:
    return timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_expired(token: Token, *, now=None) -> bool:
    return token.created + token_ttl() <= (now or timezone.now())


@transaction.atomic
def token_obtain(*, user) -> Token:
    """The user's live token, or a new one if they have none or theirs has expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not token_expired(token):
        return token
    if token is not None:
        token.delete()
    return Token.objects.create(user=user)


def tokens_revoke(*, user) -> int:
    """Delete the user's token (after a password change, or by an administrator)."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE)
        return user, token
