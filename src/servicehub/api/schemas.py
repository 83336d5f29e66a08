"""Schemas every app's router shares: error bodies, pages, money and references to other objects."""

from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema

from servicehub.core.choices import Currency
from servicehub.org.choices import OrganisationKind


def _decimal_string(value: Any) -> Any:
    if isinstance(value, float):
        # A float here means someone computed money or effort in binary floating point upstream.
        raise TypeError("decimal values must never pass through float")
    if isinstance(value, Decimal):
        # Fixed-point notation: "1000.00", never "1E+3".
        return format(value, "f")
    return value


# Decimals (money, hours, thresholds) travel as strings so that no client parses them into floats.
DecimalString = Annotated[
    str,
    BeforeValidator(_decimal_string),
    WithJsonSchema({"type": "string", "format": "decimal", "examples": ["1250.00"]}),
]


# A primary key as a client may send it: within the database's 64-bit integers, or SQLite refuses the query.
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Money(Schema):
    amount: DecimalString
    currency: Currency


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str = Field(description="The parameter or body field, dotted for nested fields.")
    location: str = Field(description="Where the field was sent: path, query, body, header.")
    message: str
    code: str = Field(description="A stable code for programs (pydantic's error type).")


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


class ServerErrorOut(Schema):
    detail: str
    request_id: str = Field(description="Quote it to the administrators: the logged error carries it.")


class PreconditionFailedOut(Schema):
    detail: str
    etag: str = Field(description="The object's current ETag: read it again, then decide.")


class PageParams(Schema):
    limit: int = Field(
        settings.PAGE_SIZE,
        ge=1,
        description=f"Rows per page, at most {settings.API_MAX_PAGE_SIZE}: asking for more gives that many.",
    )
    offset: int = Field(0, ge=0, le=2**63 - 1, description="Rows to skip.")


class PageOut(Schema):
    count: int = Field(description="Rows matching the filters, on every page.")
    limit: int = Field(description="The page size actually used.")
    offset: int


class OrganisationRef(Schema):
    id: int
    code: str
    name: str
    kind: OrganisationKind


class SiteRef(Schema):
    id: int
    code: str
    name: str


# The answers every authenticated read may give besides its success.
LIST_ERRORS: dict[int, Any] = {401: ErrorOut, 422: ValidationErrorOut, 500: ServerErrorOut}
DETAIL_ERRORS: dict[int, Any] = {**LIST_ERRORS, 404: ErrorOut}
# ... and every write: 403 when the object is visible but the caller may not do this.
CREATE_ERRORS: dict[int, Any] = {**LIST_ERRORS, 403: ErrorOut}
UPDATE_ERRORS: dict[int, Any] = {**DETAIL_ERRORS, 403: ErrorOut, 412: PreconditionFailedOut}
