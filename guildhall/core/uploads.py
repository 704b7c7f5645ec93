"""Files the modules keep (event materials, publication attachments): how an upload is
accepted, and the fields every stored file has."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.errors import DomainError
from guildhall.lib import uploads

log = logging.getLogger(__name__)


def accept_upload(upload: Any, *, kinds: Collection[str], max_size: int,
                  type_message: Any) -> dict[str, Any]:
    """Check the upload and return what a stored file records of it (name, content type,
    size, SHA-256); raise DomainError on the "file" field saying what is wrong with it.

    `type_message` names the kinds the module accepts, for a file of any other kind.
    """
    name = upload.name or ""
    try:
        kind = uploads.check(upload, name, upload.size, kinds=kinds, max_size=max_size)
    except uploads.RefusedUpload as exc:
        raise DomainError(_refusal(exc.code, name, max_size, type_message), exc.code,
                          field="file")
    digest = uploads.sha256(upload.chunks())
    upload.seek(0)
    return {"original_name": os.path.basename(name)[:200],
            "content_type": uploads.CONTENT_TYPES[kind], "size": upload.size, "sha256": digest}


def store(field_file: Any, name: str, content: Any) -> None:
    """Write `content` to the storage as `field_file`'s file; a full disk or another write
    error is refused with a clear message, and no partial file is left (the storage writes
    a file whole or not at all, see core.storage)."""
    try:
        field_file.save(name, content, save=False)
    except OSError:
        log.exception("storing an uploaded file failed")
        raise DomainError(_("The file could not be stored: the server has no room for it or "
                            "could not write it. Nothing was saved; try again later, and tell "
                            "your administrator if it happens again."), "storage_failed",
                          field="file", status=507)


def _refusal(code: str, name: str, max_size: int, type_message: Any) -> Any:
    if code == "file_type":
        return type_message
    if code == "file_too_large":
        return _("The file is larger than %(mb)d MB.") % {"mb": max_size // 2**20}
    if code == "file_empty":
        return _("The file is empty.")
    if code == "file_content":
        return _("The file's content is not what its name says (%(ext)s). Save it again in "
                 "that format and attach it.") % {"ext": uploads.extension(name)}
    return _("The file expands to far more than it weighs and was refused.")


class StoredFile(models.Model):
    """A file kept under a generated name, with what its upload said about it.

    Each module's model adds its own `file` field: the folder it is stored in is the
    module's, and never the uploaded name.
    """

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    @contextmanager
    def local_copy(self) -> Iterator[str]:
        """Copy the file to a temporary one named with the original extension (the checker
        reads by extension); yield its path."""
        with tempfile.NamedTemporaryFile(suffix=uploads.extension(self.original_name)) as tmp:
            with self.file.open("rb") as source:
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    tmp.write(chunk)
            tmp.flush()
            yield tmp.name


def stored_file_response(stored: Any, *, content_type: str, disposition: str) -> HttpResponse:
    """Return a stored file for download with headers that keep the browser from sniffing
    or running it.

    Read whole (uploads are at most 20 MB): the isolation matrix reads `response.content`,
    which a streaming FileResponse does not have.
    """
    with stored.file.open("rb") as source:
        response = HttpResponse(source.read(), content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
