"""Files attached to a demand: what is accepted, and where it is kept.

Files live in the `attachments` storage (settings.STORAGES, under var/attachments by default),
never in the static or media URL space: they are read only through a view that checks who may
see the demand. A file is stored under a random name; the name the user gave is kept on the row
and sent back on download. Its content type is guessed from that name, not taken from the
browser, and downloads always come as attachments with `nosniff`, so an uploaded page never runs
in the site's origin.
"""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.functional import LazyObject, empty
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from servicehub.demands.models import Attachment

MAX_BYTES = 20 * 1024 * 1024
MAX_PER_DEMAND = 20
# Documents, sheets, slides, images, text and archives: what a specification or a test report comes as.
EXTENSIONS = frozenset(
    {
        "pdf", "txt", "md", "csv", "json", "xml", "log",
        "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf",
        "png", "jpg", "jpeg", "gif", "webp", "svg",
        "zip", "7z", "gz", "tar",
    }
)  # fmt: skip


class _AttachmentStorage(LazyObject):
    """The `attachments` storage, looked up when first used (and again if the STORAGES setting changes)."""

    def _setup(self) -> None:
        self._wrapped = storages["attachments"]


_storage = _AttachmentStorage()


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        _storage._wrapped = empty  # type: ignore[assignment]


def storage() -> Storage:
    return _storage  # type: ignore[return-value]


def stored_path(instance: Attachment, filename: str) -> str:
    """Where the file goes: a random name in the demand's folder (the user's name stays on the row)."""
    return f"demands/{instance.demand_id}/{uuid.uuid4().hex}"


def clean_name(raw: str | None) -> str:
    """The file's name as shown and sent back, or a ValidationError on `file` saying what is wrong."""
    name = get_valid_filename(PurePath((raw or "").replace("\\", "/")).name) if raw else ""
    if not name or name.startswith("."):
        raise ValidationError({"file": _("The file has no name.")})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of type “%(extension)s” are not accepted. Accepted: %(accepted)s.")
                % {"extension": extension or "—", "accepted": ", ".join(sorted(EXTENSIONS))}
            }
        )
    stem, dot, suffix = name.rpartition(".")
    return f"{stem[: 150 - len(suffix) - 1]}{dot}{suffix}"


def check_size(size: int | None) -> int:
    if not size:
        raise ValidationError({"file": _("The file is empty.")})
    if size > MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large: the limit is %(limit)s.")
                % {"limit": filesizeformat(MAX_BYTES)}
            }
        )
    return size


def content_type_of(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def sha256_of(chunks: Iterable[Any]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
