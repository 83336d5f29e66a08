"""Request types and guards for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
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


def private_file(file: FieldFile, *, name: str, content_type: str, personal: bool = False) -> FileResponse:
    """A stored file sent as a download, never shown inline: the browser may neither guess another
    type (`nosniff`) nor run anything in it (`sandbox`). `personal` data is kept out of every cache.
    A file gone from the storage answers 404."""
    if not file:
        raise Http404(_("There is no file here."))
    try:
        stream = file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer in the storage.")) from None
    response = FileResponse(stream, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    if personal:
        response["Cache-Control"] = "private, no-store"
    return response
