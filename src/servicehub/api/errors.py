"""Every error the API answers is JSON, in the request's language, and never shows internals."""

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from servicehub.core.audit import current_request_id

logger = logging.getLogger("servicehub.api")


class FieldRefused(Exception):
    """One named field refused by the endpoint itself, wherever it was sent (a header, say): a 422."""

    def __init__(self, field: str, message: str, *, location: str = "body", code: str = "invalid") -> None:
        super().__init__(message)
        self.error = {"field": field, "location": location, "message": message, "code": code}


class PreconditionFailed(Exception):
    """The client's `If-Match` names a version of the object that is no longer current: a 412."""

    def __init__(self, message: str, *, etag: str) -> None:
        super().__init__(message)
        self.message = message
        self.etag = etag


def _between(ctx: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {"limit_value": ctx.get(key, "")}


def _count(ctx: Mapping[str, Any], key: str) -> int:
    return int(ctx.get(key, 0))


def _choices(ctx: Mapping[str, Any]) -> dict[str, str]:
    # pydantic words the choices in English ("'a', 'b' or 'c'"); keep only the values.
    expected = str(ctx.get("expected", ""))
    return {"choices": ", ".join(re.findall(r"'[^']*'", expected)) or expected}


# pydantic's error types, worded for people. Several msgids are Django's own so that
# Django's catalogues translate them too.
_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: _("This field is required."),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "int_from_float": lambda ctx: _("Enter a whole number."),
    "decimal_parsing": lambda ctx: _("Enter a number."),
    "float_parsing": lambda ctx: _("Enter a number."),
    "greater_than_equal": lambda ctx: (
        _("Ensure this value is greater than or equal to %(limit_value)s.") % _between(ctx, "ge")
    ),
    "less_than_equal": lambda ctx: (
        _("Ensure this value is less than or equal to %(limit_value)s.") % _between(ctx, "le")
    ),
    "decimal_type": lambda ctx: _("Enter a number."),
    # Django's DecimalValidator messages, plural forms and all.
    "decimal_max_digits": lambda ctx: (
        ngettext(
            "Ensure that there are no more than %(max)s digit in total.",
            "Ensure that there are no more than %(max)s digits in total.",
            n := _count(ctx, "max_digits"),
        )
        % {"max": n}
    ),
    "decimal_max_places": lambda ctx: (
        ngettext(
            "Ensure that there are no more than %(max)s decimal place.",
            "Ensure that there are no more than %(max)s decimal places.",
            n := _count(ctx, "decimal_places"),
        )
        % {"max": n}
    ),
    "decimal_whole_digits": lambda ctx: (
        ngettext(
            "Ensure that there are no more than %(max)s digit before the decimal point.",
            "Ensure that there are no more than %(max)s digits before the decimal point.",
            n := _count(ctx, "whole_digits"),
        )
        % {"max": n}
    ),
    "date_parsing": lambda ctx: _("Enter a valid date."),
    "date_from_datetime_parsing": lambda ctx: _("Enter a valid date."),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "bool_type": lambda ctx: _("Enter true or false."),
    "enum": lambda ctx: _("Choose one of: %(choices)s.") % _choices(ctx),
    "literal_error": lambda ctx: _("Choose one of: %(choices)s.") % _choices(ctx),
    "string_too_long": lambda ctx: (
        _("Enter at most %(max_length)s characters.") % {"max_length": ctx.get("max_length", "")}
    ),
    "string_too_short": lambda ctx: (
        _("Enter at least %(min_length)s characters.") % {"min_length": ctx.get("min_length", "")}
    ),
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
}


def describe_error(error: Mapping[str, Any]) -> dict[str, str]:
    """One pydantic error, as ninja reports it, into {field, location, message, code}."""
    location, *path = [str(part) for part in error.get("loc", ())] or [""]
    code = str(error.get("type", "value_error"))
    wording = _MESSAGES.get(code)
    message = wording(error.get("ctx") or {}) if wording else _("Enter a valid value.")
    return {"field": ".".join(path), "location": location, "message": message, "code": code}


def validation_failed(request: HttpRequest, exc: NinjaValidationError, *, api: NinjaAPI) -> HttpResponse:
    errors = [describe_error(error) for error in exc.errors]
    return _invalid(request, errors, api=api)


def action_refused(request: HttpRequest, exc: DjangoValidationError, *, api: NinjaAPI) -> HttpResponse:
    """A model or action rejected the data (full_clean in an action): same body as a bad parameter."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors = [
        {"field": field, "location": "body", "message": message, "code": "invalid"}
        for field, messages in by_field.items()
        for message in messages
    ]
    return _invalid(request, errors, api=api)


def field_refused(request: HttpRequest, exc: FieldRefused, *, api: NinjaAPI) -> HttpResponse:
    return _invalid(request, [exc.error], api=api)


def _invalid(request: HttpRequest, errors: list[dict[str, str]], *, api: NinjaAPI) -> HttpResponse:
    body = {"detail": _("Some fields are not valid."), "errors": errors}
    return api.create_response(request, body, status=422)


def not_found(request: HttpRequest, exc: Http404 | ObjectDoesNotExist, *, api: NinjaAPI) -> HttpResponse:
    # Missing and forbidden answer the same body, so that no one can probe for other tenants' ids.
    return api.create_response(request, {"detail": _("No such object, or you may not see it.")}, status=404)


def forbidden(request: HttpRequest, exc: PermissionDenied, *, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": _("You are not allowed to do this.")}, status=403)


def precondition_failed(request: HttpRequest, exc: PreconditionFailed, *, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message, "etag": exc.etag}, status=412)
    response["ETag"] = exc.etag
    return response


def unauthenticated(request: HttpRequest, exc: AuthenticationError, *, api: NinjaAPI) -> HttpResponse:
    detail = _("Authentication required: send a personal access token as “Authorization: Bearer <token>”.")
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="servicehub"'
    return response


def http_error(request: HttpRequest, exc: HttpError, *, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def server_error(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    body = {
        "detail": _("Something went wrong on our side. The error has been logged."),
        "request_id": current_request_id.get(),
    }
    return api.create_response(request, body, status=500)


def install_exception_handlers(api: NinjaAPI) -> None:
    # ninja picks the handler of the most specific class in the exception's MRO.
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (NinjaValidationError, validation_failed),
        (DjangoValidationError, action_refused),
        (FieldRefused, field_refused),
        (PreconditionFailed, precondition_failed),
        (Http404, not_found),
        (ObjectDoesNotExist, not_found),
        (PermissionDenied, forbidden),
        (AuthenticationError, unauthenticated),
        (HttpError, http_error),
        (Exception, server_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, _bound(handler, api))


def _bound(handler: Callable[..., HttpResponse], api: NinjaAPI) -> Callable[[HttpRequest, Any], HttpResponse]:
    def handle(request: HttpRequest, exc: Any) -> HttpResponse:
        return handler(request, exc, api=api)

    return handle
