"""Masking of personal data for logs, notifications and audit records (no Django)."""

from __future__ import annotations

import re
from typing import Any


def mask_middle(value: str, keep_start: int = 3, keep_end: int = 2) -> str:
    """Return `value` with its middle replaced by asterisks."""
    if not value:
        return value
    if len(value) <= keep_start + keep_end:
        return value[0] + "*" * (len(value) - 1)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_email(value: str) -> str:
    """Return the e-mail address with the local part masked: `z***g@example.org`."""
    local, at, domain = value.partition("@")
    if not at:
        return mask_middle(value)
    if len(local) <= 2:
        return local[:1] + "*@" + domain
    return f"{local[0]}{'*' * (len(local) - 2)}{local[-1]}@{domain}"


def replace_text(value: str, old: str, new: str) -> str:
    """Return `value` with every occurrence of `old` replaced by `new`, in any case of its
    Latin letters (an e-mail address written "Zhang.Wei@Example.cn" is the same address)."""
    if not old:
        return value
    if not old.isascii() or old.lower() == old.upper():
        return value.replace(old, new)
    return re.sub(re.escape(old), lambda _match: new, value, flags=re.IGNORECASE)


def replace_in(value: Any, replacements: dict[str, str],
               whole: dict[str, str] | None = None) -> Any:
    """Return `value` (a string or JSON data) with every occurrence of each key of
    `replacements` in its strings replaced by the key's value (`replace_text`), and each string that is
    exactly a key of `whole` replaced by its value (dictionary keys untouched)."""
    if isinstance(value, str):
        if whole and value in whole:
            return whole[value]
        for old, new in replacements.items():
            value = replace_text(value, old, new)
        return value
    if isinstance(value, list):
        return [replace_in(v, replacements, whole) for v in value]
    if isinstance(value, dict):
        return {k: replace_in(v, replacements, whole) for k, v in value.items()}
    return value
