"""The keyword search's text of a filing (kit.search): what a newcomer would type."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from guildhall.events.models import Filing, FilingGram
from guildhall.kit.search import bigrams, matching_indexed, text_of


def filing_text(filing: Filing) -> str:
    speakers = [v for s in filing.speakers or [] for v in (s.get("name"), s.get("affiliation"),
                                                           s.get("topic"))]
    co = [c.get("name") for c in filing.co_organizers or []]
    org = filing.organization
    return text_of(filing.title, org.name, org.short_name, filing.organizer, co, speakers,
                   filing.venue, filing.online_platform, filing.description)


def grams_of(filing: Any) -> list[FilingGram]:
    return [FilingGram(filing_id=filing.pk, gram=g) for g in sorted(bigrams(filing.search_text))]


def index(filing: Filing) -> None:
    """Write the filing's bigrams anew (after its search text changed)."""
    FilingGram.objects.filter(filing_id=filing.pk).delete()
    FilingGram.objects.bulk_create(grams_of(filing))


def matching(qs: QuerySet[Filing], query: str | None) -> QuerySet[Filing]:
    return matching_indexed(qs, query, FilingGram, "filing_id")
