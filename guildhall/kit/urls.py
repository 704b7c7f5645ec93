"""URL patterns a module declares the same way as the others."""

from __future__ import annotations

import re
from typing import Any

from django.urls import URLPattern, path

from guildhall.kit.attachments import RecordPages

#: The record pages' paths below the object's own, by URL name.
RECORD_PATHS = {
    "attachment_upload": "attachments/",
    "attachment_download": "attachments/<int:attachment_id>/",
    "attachment_remove": "attachments/<int:attachment_id>/remove",
    "finding_acknowledge": "findings/<int:finding_id>/acknowledge",
}


def record_patterns(prefix: str, pages: RecordPages, name_prefix: str = "") -> list[URLPattern]:
    """Return the object's record pages below `prefix` (the object's page, ending in the
    object's id, as "o/<int:org_id>/events/<int:filing_id>/"), named as
    `records.models.RecordSubject` expects: `name_prefix` before each name when the module
    has several kinds of objects with files ("material_attachment_upload")."""
    key = re.findall(r"<int:(\w+)>", prefix)[-1]
    views = pages.views(key)
    return [path(prefix + tail, views[name], name=name_prefix + name)
            for name, tail in RECORD_PATHS.items() if name in views]


def object_patterns(prefix: str, views: Any, thing: str, pages: str) -> list[URLPattern]:
    """Return the object's pages below `prefix`: each of `pages` (space-separated paths; "."
    is the object's own page) is the view `<thing>_<page>` of `views` under the same URL
    name, a "-" in the path being a "_" in the name ("sign-off" → `filing_sign_off`)."""
    return [path(prefix + ("" if page == "." else page),
                 getattr(views, f"{thing}_{name}"), name=f"{thing}_{name}")
            for page in pages.split()
            for name in ["detail" if page == "." else page.replace("-", "_")]]
