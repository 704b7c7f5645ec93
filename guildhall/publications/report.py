"""The publications' part of the annual report: what was reviewed, by channel, the checker's
findings found and resolved, the channels' pauses."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guildhall.kit import report
from guildhall.publications.models import Channel, ChannelPause, Publication
from guildhall.records.services import current_and_removed_findings


def build(org: Any, year: int) -> report.SectionData:
    data = report.SectionData(key="publications", title=str(report.EXPECTED[3][1]))
    reviewed = list(Publication.objects.filter(organization=org, submitted_at__year=year)
                    .prefetch_related("channels").order_by("submitted_at", "pk"))
    kind = _("Publication")

    def of(selected: list[Publication]) -> list[report.Record]:
        return report.records_of(selected, kind, date=lambda p: p.submitted_at)

    data.figures.append(report.count("reviewed", _("Publications submitted for review"), of(reviewed)))
    data.figures.append(report.count("approved", _("Approved"), of(
        [p for p in reviewed if p.approved_revision])))
    for channel in Channel.objects.filter(organization=org).order_by("name", "pk"):
        data.figures.append(report.count(
            f"channel_{channel.pk}", _("Reviewed for %(channel)s") % {"channel": channel.name},
            of([p for p in reviewed if channel in p.channels.all()])))
    found, resolved = [], []
    for publication in reviewed:
        current, removed = current_and_removed_findings(
            publication, scanned=publication.scanned_revision == publication.revision)
        for finding in [*current, *removed]:
            record = report.Record(type=_("Checker finding"), title=f"{publication.title}：{finding.type_label}",
                                   date=report.day(publication.submitted_at),
                                   url=publication.get_absolute_url(), id=str(finding.pk))
            found.append(record)
            if finding.is_resolved or finding in removed:
                resolved.append(record)
    data.figures.append(report.count("findings", _("Checker findings"), found))
    data.figures.append(report.count("findings_resolved", _("Findings resolved"), resolved))
    pauses = list(ChannelPause.objects.filter(channel__organization=org, paused_at__year=year)
                  .select_related("channel").order_by("paused_at", "pk"))
    data.figures.append(report.count("pauses", _("Channel pauses"), [
        report.Record(type=_("Channel pause"), title=p.channel.name, date=report.day(p.paused_at),
                      id=str(p.pk)) for p in pauses]))
    return data


report.register(report.Section("publications", gettext_lazy("Channels and publication review"),
                               40, build))
