"""Where uploaded files are kept: the file system, written so that a file is either whole
under its name or not there at all."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.core.files.utils import validate_file_name


class AtomicFileSystemStorage(FileSystemStorage):
    """Write each file to a temporary name in its folder and rename it when it is complete.

    A full disk, an I/O error or a killed process while writing leaves no partial file under
    the file's name (a failed write also removes its temporary file); the error goes up to
    the caller, which refuses the upload with a clear message.
    """

    def _save(self, name: str, content: Any) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        while True:
            fd, temporary = tempfile.mkstemp(prefix=".partial-", dir=directory)
            try:
                with os.fdopen(fd, "wb") as out:
                    for chunk in content.chunks():
                        self._write(out, chunk)
                    out.flush()
                    os.fsync(out.fileno())
                if self.file_permissions_mode is not None:
                    os.chmod(temporary, self.file_permissions_mode)
                else:
                    os.chmod(temporary, 0o644)
                # link() refuses an existing name, so a file of the same name written at the
                # same moment is never replaced; then choose another name, as Django does.
                try:
                    _link(temporary, full_path)
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
                    continue
                finally:
                    if os.path.exists(temporary):
                        os.unlink(temporary)
                break
            except BaseException:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise
        name = os.path.relpath(full_path, self.location)
        name = name.replace("\\", "/")
        validate_file_name(name, allow_relative_path=True)
        return name

    @staticmethod
    def _write(out: Any, chunk: bytes) -> None:
        out.write(chunk)


def _link(temporary: str, final: str) -> None:
    """Give the complete file its name, never replacing another file's."""
    try:
        os.link(temporary, final)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: a rename is atomic too
        if os.path.exists(final):
            raise FileExistsError(final)
        os.rename(temporary, final)
