"""Request types and guards for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from servicehub.core.models import User

V = TypeVar("V", bound=Callable[..., HttpResponse])


class AuthenticatedRequest(HttpRequest):
    """A request whose `user` is a signed-in `User` (views decorated with `login_required`)."""

    user: User


def provider_staff_required(view: V) -> V:
    """Sign-in required, and pages about the provider's people answer 404 to client users.

    The querysets already show clients no rows; the 404 keeps even the existence of the
    pages out of sight, as for any object a user may not see.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and user.is_client:
            raise Http404(_("No such page."))
        return view(request, *args, **kwargs)

    return login_required(guarded)  # type: ignore[return-value]
