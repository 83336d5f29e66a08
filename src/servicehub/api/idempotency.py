"""Idempotent writes: a retry sent with the same `Idempotency-Key` gets the first answer again.

A client that lost the answer to a POST (a timeout, a dropped connection) cannot know whether the
demand was created; sending the same request with the same key is then always safe. The answer is
recorded in the same transaction as the write, so the two commit or roll back together: a refused
request (4xx) leaves its key unused, and of two concurrent requests with one key only one can commit
(the key is unique per user); the other's write is rolled back and it replays the winner's answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehub.api.errors import FieldRefused
from servicehub.api.models import IdempotentRequest
from servicehub.core.models import User
from servicehub.core.tenancy import Action

HEADER = "Idempotency-Key"
# How long an answer is kept for its retries; a request sent later with the same key is a new request.
KEY_LIFETIME = dt.timedelta(hours=24)
HEADER_DESCRIPTION = (
    "Any unique string (a UUID, say), at most 255 characters. A retry with the same key and the same "
    "body answers the first response again, with `Idempotent-Replayed: true`, and changes nothing; "
    "the same key with another body or on another endpoint is refused (422). Only successful answers "
    "are kept, for 24 hours."
)

# What a write answers: the status, the JSON body and the headers worth replaying.
Answer = tuple[int, dict[str, Any], dict[str, str]]


def json_response(
    status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None
) -> HttpResponse:
    # The same bytes and media type as ninja's own renderer, so a replay reads like the first answer.
    text = body if isinstance(body, str) else json.dumps(body)
    response = HttpResponse(text, status=status, content_type="application/json; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def fingerprint(request: HttpRequest) -> str:
    """The request as the key promises to repeat it: method, path and body, whatever its key order.

    A multipart body (an upload) is read as its fields and, for each file, its name, size and SHA-256:
    its raw text differs from one retry to the next by the boundary the client draws."""
    body: Any
    if request.content_type == "multipart/form-data":
        files = {
            field: [[upload.name, upload.size, _digest(upload)] for upload in request.FILES.getlist(field)]
            for field in request.FILES
        }
        body = {"fields": {field: request.POST.getlist(field) for field in request.POST}, "files": files}
    else:
        try:
            body = json.loads(request.body or b"null", parse_float=str)
        except ValueError:
            body = request.body.hex()
    canonical = json.dumps(
        [request.method, request.path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def answer_once(
    request: HttpRequest, *, user: User, key: str | None, write: Callable[[], Answer]
) -> HttpResponse:
    """Run `write` in a transaction, unless the same request with `key` was answered already."""
    if key is None:
        with transaction.atomic():
            return json_response(*write())
    signature = fingerprint(request)
    try:
        with transaction.atomic():
            stored = _stored(user, key, now=timezone.now())
            if stored is not None:
                return _replay(stored, signature)
            status, body, headers = write()
            IdempotentRequest.objects.create(
                user=user,
                key=key,
                fingerprint=signature,
                method=request.method or "",
                path=request.path[:300],
                status_code=status,
                # Kept as the exact text sent: a JSON column (jsonb) would reorder the keys.
                response_body=json.dumps(body),
                response_headers=headers,
            )
    except IntegrityError:
        # Another request with this key committed while ours ran: ours is rolled back, theirs stands.
        stored = _stored(user, key, now=timezone.now())
        if stored is None:
            raise
        return _replay(stored, signature)
    return json_response(status, body, headers)


def _stored(user: User, key: str, *, now: dt.datetime) -> IdempotentRequest | None:
    stored: IdempotentRequest | None = (
        IdempotentRequest.objects.restrict(user, Action.VIEW).filter(key=key).first()
    )
    if stored is not None and stored.created_at <= now - KEY_LIFETIME:
        # Past its lifetime the key is free again; purge_expired_keys() clears the others.
        stored.delete()
        return None
    return stored


def _replay(stored: IdempotentRequest, signature: str) -> HttpResponse:
    if stored.fingerprint != signature:
        raise FieldRefused(
            HEADER,
            _("This key was already used for another request. Send a new key with a new request."),
            location="header",
            code="idempotency_key_reused",
        )
    return json_response(
        stored.status_code, stored.response_body, {**stored.response_headers, "Idempotent-Replayed": "true"}
    )


def purge_expired_keys(*, now: dt.datetime | None = None) -> int:
    """Forget the answers older than KEY_LIFETIME; returns how many. Safe to run at any time."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lte=cutoff).delete()
    return deleted
