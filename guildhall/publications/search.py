"""The keyword search's text of a publication (kit.search): its title and body."""

from __future__ import annotations

from guildhall.kit.search import text_of
from guildhall.lib.richtext import plain_text
from guildhall.publications.models import Publication


def publication_text(publication: Publication, body_html: str) -> str:
    return text_of(publication.title, plain_text(body_html or ""))
