"""Candidates' CVs: PDF only, size-limited, kept in the private `attachments` storage under a random
name, and read only through a view that checks who may see the candidate.

A file is a CV when its name ends in .pdf and its bytes start with the PDF header. A PDF that
carries active content (JavaScript, launch actions, embedded files) is refused: a recruiter opens
hundreds of these, and a CV has no need of any.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from servicehub.demands import attachments

if TYPE_CHECKING:
    from servicehub.talent.models import Candidate

MAX_BYTES = 5 * 1024 * 1024
# PDF name tokens of active content; `#xx` escapes in names are decoded before matching.
_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|EmbeddedFiles|RichMedia|XFA)\b")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def storage() -> Storage:
    return attachments.storage()


def stored_path(instance: Candidate, filename: str) -> str:
    return f"cv/{uuid.uuid4().hex}"


def clean_name(raw: str | None) -> str:
    name = get_valid_filename(PurePath((raw or "").replace("\\", "/")).name) if raw else ""
    if not name or name.startswith("."):
        raise ValidationError({"cv": _("The file has no name.")})
    if not name.lower().endswith(".pdf"):
        raise ValidationError({"cv": _("A CV must be a PDF file (.pdf).")})
    return name[-150:]


def check(chunks: Iterable[bytes], size: int | None) -> None:
    """Refuse, on the `cv` field, an empty or oversized file, one that is not a PDF, or a PDF with
    active content. `chunks` are the file's bytes in order."""
    if not size:
        raise ValidationError({"cv": _("The file is empty.")})
    if size > MAX_BYTES:
        raise ValidationError(
            {"cv": _("The file is too large: the limit is %(limit)s.") % {"limit": filesizeformat(MAX_BYTES)}}
        )
    head = b""
    tail = b""
    for chunk in chunks:
        if len(head) < 8:
            head = (head + chunk)[:8]
        # Keep an overlap between chunks so that a token cut in two is still seen.
        window = tail + chunk
        if _ACTIVE.search(_ESCAPE.sub(_unescape, window)):
            raise ValidationError(
                {
                    "cv": _(
                        "This PDF contains active content (scripts, launch actions or embedded files); "
                        "export the CV again as a plain PDF."
                    )
                }
            )
        tail = window[-64:]
    if not head.startswith(b"%PDF-"):
        raise ValidationError({"cv": _("This file is not a PDF, whatever its name says.")})


def accepted_name(upload: Any) -> str:
    """The name an uploaded CV is kept under, once its name and content pass (`ValidationError` on `cv`)."""
    name = clean_name(upload.name)
    check(chunks_of(upload), upload.size)
    return name


def _unescape(match: re.Match[bytes]) -> bytes:
    return bytes([int(match.group(1), 16)])


def sha256_of(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in chunks_of(upload):
        digest.update(chunk)
    return digest.hexdigest()


def chunks_of(upload: Any) -> Iterable[bytes]:
    upload.seek(0)
    yield from upload.chunks()
    upload.seek(0)
