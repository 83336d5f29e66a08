"""Who is calling: a personal access token, or the browser session for reads.

Both return the `User`, which ninja keeps as `request.auth`; endpoints read it
through `auth_user(request)` and hand it to `restrict()`.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from servicehub.api.actions import TOKEN_PREFIX, digest_of, note_token_use
from servicehub.api.models import AccessToken
from servicehub.core.models import User

# Issued tokens are 48 characters; anything much longer is not ours and is not worth hashing.
_MAX_TOKEN_LENGTH = 200


def user_for_token(plain: str) -> User | None:
    """The active owner of a live token, or None."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > _MAX_TOKEN_LENGTH:
        return None
    # Authentication comes before there is a user to restrict() by: the digest is the lookup key.
    token = (
        AccessToken.objects.select_related("user")
        .filter(digest=digest_of(plain), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    note_token_use(token, now=timezone.now())
    return token.user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_token(token.strip())


class SessionReadAuth(APIKeyCookie):
    """The signed-in browser user, for safe methods only.

    Writes need a token: a cookie alone would make every write endpoint a CSRF target.
    ninja still checks CSRF on this class as a second guard.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return None
        if "Authorization" in request.headers:
            # A client that sends a token means that token: a bad one must not fall back to a cookie.
            return None
        user: Any = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return user
        return None


def auth_user(request: HttpRequest) -> User:
    """The authenticated caller of an API endpoint."""
    user: Any = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
