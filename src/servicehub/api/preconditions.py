"""Optimistic concurrency: an `ETag` on what a client reads, an `If-Match` on what it changes (RFC 9110).

Two people acting on one demand from two screens: the second, whose copy is stale, gets a 412 rather
than silently acting on a state they never saw.
"""

from __future__ import annotations

import hashlib

from servicehub.api.errors import PreconditionFailed

IF_MATCH_DESCRIPTION = (
    "The `ETag` of the object as you last read it. If the object changed since, nothing is done and "
    "the answer is 412 with the current ETag. Optional: without it the change applies to the object "
    "as it is now. `*` matches any version."
)


def entity_tag(*parts: object) -> str:
    """A strong, opaque ETag for the version that `parts` identify (id, last change, state…)."""
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


def require_match(if_match: str | None, current: str, *, message: str) -> None:
    """Raise PreconditionFailed unless `if_match` is absent, `*`, or lists `current`.

    Strong comparison, as If-Match requires: a weak tag (W/"…") never matches.
    """
    if if_match is None:
        return
    listed = [tag.strip() for tag in if_match.split(",")]
    if "*" in listed or current in listed:
        return
    raise PreconditionFailed(message, etag=current)
