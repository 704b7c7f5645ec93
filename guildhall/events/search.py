"""The keyword search's text of a filing (kit.search): what a newcomer would type."""

from __future__ import annotations

from guildhall.events.models import Filing
from guildhall.kit.search import text_of


def filing_text(filing: Filing) -> str:
    speakers = [v for s in filing.speakers or [] for v in (s.get("name"), s.get("affiliation"),
                                                           s.get("topic"))]
    co = [c.get("name") for c in filing.co_organizers or []]
    return text_of(filing.title, filing.organizer, co, speakers, filing.venue,
                   filing.online_platform, filing.description)
