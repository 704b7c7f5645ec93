"""The keyword search's text of a filing (kit.search): what a newcomer would type."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from guildhall.events.models import Filing, FilingGram
from guildhall.kit.search import grams, matching_indexed, text_of


def filing_text(filing: Filing) -> str:
    speakers = [v for s in filing.speakers or [] for v in (s.get("name"), s.get("affiliation"),
                                                           s.get("topic"))]
    co = [c.get("name") for c in filing.co_organizers or []]
    org = filing.organization
    return text_of(filing.title, org.name, org.short_name, filing.organizer, co, speakers,
                   filing.venue, filing.online_platform, filing.description)


def grams_of(filing: Any) -> list[FilingGram]:
    return [FilingGram(filing_id=filing.pk, gram=g) for g in sorted(grams(filing.search_text))]


def index(filing: Filing) -> None:
    """Write the filing's grams anew (after its search text changed)."""
    FilingGram.objects.filter(filing_id=filing.pk).delete()
    FilingGram.objects.bulk_create(grams_of(filing))


def organization_renamed(sender: Any, organization: Any, **kwargs: Any) -> None:
    """Write anew the search text and grams of the organization's filings, which hold its
    names (orgs.signals.organization_renamed, sent in the renaming transaction)."""
    with transaction.atomic():
        for filing in Filing.objects.filter(organization=organization).only(
                "pk", "title", "organizer", "co_organizers", "speakers", "venue",
                "online_platform", "description", "search_text").iterator(chunk_size=500):
            filing.organization = organization
            text = filing_text(filing)
            if text != filing.search_text:
                filing.search_text = text
                filing.save(update_fields=["search_text"])
                index(filing)


def matching(qs: QuerySet[Filing], query: str | None) -> QuerySet[Filing]:
    return matching_indexed(qs, query, FilingGram, "filing_id")
