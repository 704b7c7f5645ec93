from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the work refused an action. `message` is in the user's language;
    `code` is stable for API clients; `status` is the HTTP status to answer with."""

    status = 400

    def __init__(self, message: Any, code: str, *, status: int | None = None,
                 field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)
