"""Check an uploaded file before it is stored: its size, and that its content is what its
name says. No Django: refusals carry a code, and the web layer words them."""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Collection, Iterable
from typing import IO

from guildhall.lib import zipguard

#: The kind of file each extension names.
EXTENSIONS = {
    ".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".pptx": "pptx", ".png": "png",
    ".jpg": "jpeg", ".jpeg": "jpeg", ".txt": "txt",
}
#: The content type a file of each kind is stored as.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png", "jpeg": "image/jpeg", "txt": "text/plain",
}
_MAGIC = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}
#: Office files are zip archives with a folder of their own inside.
_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


class RefusedUpload(ValueError):
    """The file was refused. `code` says why: file_type, file_too_large, file_empty,
    file_content or file_unsafe."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def extension(name: str) -> str:
    """Return the name's extension in lower case, with its dot ("" when it has none)."""
    return os.path.splitext(name or "")[1].lower()


def check(fileobj: IO[bytes], name: str, size: int, *, kinds: Collection[str],
          max_size: int) -> str:
    """Return the file's kind (pdf, docx, png…), or raise RefusedUpload.

    `kinds` are the kinds the caller accepts; the name's extension says which one the file
    is meant to be, and its content must say the same.
    """
    kind = EXTENSIONS.get(extension(name))
    if kind not in kinds:
        raise RefusedUpload("file_type")
    if size > max_size:
        raise RefusedUpload("file_too_large")
    if size == 0:
        raise RefusedUpload("file_empty")
    if sniff(fileobj) != kind:
        raise RefusedUpload("file_content")
    if kind in _OOXML_PARTS:
        try:
            zipguard.check_archive(fileobj)
        except zipguard.UnsafeArchive:
            raise RefusedUpload("file_unsafe")
    return kind


def sniff(fileobj: IO[bytes]) -> str | None:
    """Return the kind of file the content says it is, whatever its name, else None.

    By the first bytes; an Office file is a zip archive with its own folder inside; plain
    text is UTF-8 without NUL bytes that is none of the others.
    """
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    for kind, magic in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        office = _office_kind(fileobj)
        if office:
            return office
    return "txt" if _is_utf8_text(fileobj) else None


def _is_utf8_text(fileobj: IO[bytes]) -> bool:
    data = fileobj.read()
    fileobj.seek(0)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _office_kind(fileobj: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    finally:
        fileobj.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for kind, folder in _OOXML_PARTS.items():
        if any(n.startswith(folder) for n in names):
            return kind
    return None


def sha256(chunks: Iterable[bytes]) -> str:
    """Return the SHA-256 of the content, in hex."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
