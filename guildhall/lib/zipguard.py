"""Refuse zip archives (docx, xlsx) that would expand to far more than they weigh."""

from __future__ import annotations

import zipfile
from typing import IO

MAX_TOTAL = 100 * 1024 * 1024
MAX_RATIO = 200


class UnsafeArchive(ValueError):
    pass


def check_archive(fileobj: IO[bytes], *, max_total: int = MAX_TOTAL, max_ratio: int = MAX_RATIO) -> None:
    """Raise UnsafeArchive when `fileobj` is not a zip or would expand dangerously."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > max_ratio \
                        and info.file_size > 1024 * 1024:
                    raise UnsafeArchive("compression ratio too high")
            if total > max_total:
                raise UnsafeArchive("expands to more than the size limit")
    except zipfile.BadZipFile as exc:
        raise UnsafeArchive("not a valid archive") from exc
    finally:
        fileobj.seek(0)
