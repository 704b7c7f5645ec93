"""The current request's id and address, for audit records written deep in services."""

from __future__ import annotations

from contextvars import ContextVar

_meta: ContextVar[dict[str, str] | None] = ContextVar("guildhall_request_meta", default=None)


def set_request_meta(request_id: str, ip_address: str) -> object:
    return _meta.set({"request_id": request_id, "ip_address": ip_address})


def reset_request_meta(token: object) -> None:
    _meta.reset(token)  # type: ignore[arg-type]


def current_request_meta() -> dict[str, str]:
    return _meta.get() or {}
