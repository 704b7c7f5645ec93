"""What the other modules may reach of this one without importing it (see `kit.links`):
published articles as evidence, and pausing a channel from an incident report."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from guildhall.kit import links
from guildhall.orgs.permissions import require
from guildhall.publications import services
from guildhall.publications.models import Channel, ChannelStatus, Publication, Status

links.register(links.LinkKind(
    key="publications.publication", label=_("Published article"),
    linkable=lambda org: Publication.objects.filter(
        organization=org, status__in=[Status.PUBLISHED, Status.APPROVED]),
    name=lambda p: p.title))


@links.channels.provide
def _channels(organization: Any) -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c in Channel.objects.filter(
        organization=organization, status=ChannelStatus.ACTIVE).order_by("name", "pk")]


@links.pause_channel.provide
def _pause(*, actor: Any, organization: Any, channel_id: Any, reason: str) -> Channel:
    channel = links.find_in(Channel.objects.filter(organization=organization), channel_id,
                            field="channel")
    require(actor, "channels.pause", channel)
    return services.channel_pause(actor=actor, channel=channel, reason=reason)
