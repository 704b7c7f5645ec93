"""The review deadline of publications: a step waiting too long is reported to the principal."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guildhall.notifications.services import Deadline, Notice, deadline
from guildhall.orgs.models import Role
from guildhall.publications import services
from guildhall.publications.models import Publication, Status

#: Told once per step of a round, when the step waits past the association's deadline.
review = deadline(Deadline(
    items=lambda now: Publication.objects.filter(status=Status.IN_REVIEW)
    .select_related("organization"),
    due="review_due",
    key=lambda p: f"publications:{p.pk}:r{p.review_round}:s{p.current_step}",
    url=lambda p: reverse("publications:publication_detail", args=[p.organization_id, p.pk]),
    escalate=Notice(kind="publications.review_overdue",
                    to=lambda p: services._members(p.organization_id, {Role.PRINCIPAL}),
                    subject=_("A publication review is overdue"), key=":overdue",
                    body=_("The step was due on %(date)s.")),
))
