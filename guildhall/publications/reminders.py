"""Escalation: a review step waiting longer than the association's deadline → the principal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.notifications.services import Due, Message, reminder_source
from guildhall.orgs.models import Role
from guildhall.publications import services
from guildhall.publications.models import Publication, Status


@reminder_source
def review_deadlines(now: dt.datetime) -> Iterable[Due]:
    """Tell the principal once per step of a round when it waits past the review deadline."""
    today = timezone.localdate(now)
    overdue = Publication.objects.filter(status=Status.IN_REVIEW, review_due__lt=today) \
        .select_related("organization")
    principals: dict[int, list] = {}
    for publication in overdue.iterator():
        org_id = publication.organization_id
        if org_id not in principals:
            principals[org_id] = list(services._members(org_id, {Role.PRINCIPAL}))
        title, due = publication.title, publication.review_due.isoformat()
        yield Due(principals[org_id], Message(
            kind="publications.review_overdue",
            subject=lambda title=title: f"{_('A publication review is overdue')}: {title}",
            body=lambda due=due: str(_("The step was due on %(date)s.") % {"date": due}),
            url=reverse("publications:publication_detail", args=[org_id, publication.pk]),
            organization=publication.organization,
            dedupe_key=f"publications:{publication.pk}:r{publication.review_round}:"
                       f"s{publication.current_step}:overdue"))
