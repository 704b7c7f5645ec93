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


def required_text(value: Any, message: Any, *, field: str = "reason") -> str:
    """Return the text stripped, or refuse on `field` when it is empty."""
    text = (value or "").strip()
    if not text:
        raise DomainError(message, "reason_required" if field == "reason" else "required",
                          field=field)
    return text
