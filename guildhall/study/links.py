"""What the other modules may reach of this one without importing it (see `kit.links`):
confirmed study sessions, as the evidence of a plan item."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.kit import links
from guildhall.study.models import SessionStatus, StudySession

links.register(links.LinkKind(
    key="study.session", label=_("Study session"),
    linkable=lambda org: StudySession.objects.filter(organization=org,
                                                     status=SessionStatus.CONFIRMED),
    name=lambda s: f"{s.topic}（{timezone.localtime(s.held_at):%Y-%m-%d}）",
    details=lambda s: [(label, value) for label, value in (
        (_("form"), s.get_form_display()), (_("speaker or leader"), s.leader)) if value]))
