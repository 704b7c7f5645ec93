"""The plan's deadlines: items and rectifications due, key tasks to adopt, the assessment
window. Each notice goes to each person once per occurrence (see `notifications`)."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.notifications.services import Deadline, Notice, deadline
from guildhall.orgs.models import Role
from guildhall.plans import services
from guildhall.plans.models import CARRIED_OUT, ItemStatus, Plan, PlanItem, PlanRules, PlanStatus

#: Owners and principals hear of an item five working days before it is due, and again
#: once it is overdue.
item_due = deadline(Deadline(
    items=lambda now: PlanItem.objects.filter(
        status__in=[ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS],
        plan__status__in=CARRIED_OUT).select_related("organization", "owner"),
    due="due_date", key=lambda i: f"plans:item:{i.pk}:{i.due_date}",
    url=lambda i: i.get_absolute_url(),
    remind=Notice(kind="plans.item_due", to=services.owner_and_principal,
                  subject=_("A plan item is due soon"), key=":due", body=_("It is due on %(date)s.")),
    before=5,
    escalate=Notice(kind="plans.item_overdue", to=services.owner_and_principal,
                    subject=_("A plan item is overdue"), key=":overdue"),
))

rectification_due = deadline(Deadline(
    items=lambda now: PlanItem.objects.filter(status=ItemStatus.RETURNED).select_related(
        "organization", "owner"),
    due="rectification_due", key=lambda i: f"plans:rectify:{i.pk}:{i.rectification_due}",
    url=lambda i: i.get_absolute_url(),
    remind=Notice(kind="plans.rectification_due", to=services.owner_and_principal,
                  subject=_("A rectification is due soon"), key=":due",
                  body=_("Rectify by %(date)s.")),
    before=2,
    escalate=Notice(kind="plans.rectification_overdue", to=services.owner_and_principal,
                    subject=_("A rectification is overdue"), key=":overdue"),
))

#: The principal is reminded to adopt the key tasks; once late, the supervisor admin is told.
adoption_due = deadline(Deadline(
    items=lambda now: Plan.objects.filter(template__isnull=False, adopted_at__isnull=True,
                                          status=PlanStatus.DRAFT).select_related("organization"),
    due="adoption_due", key=lambda p: f"plans:adopt:{p.pk}:{p.template_id}",
    url=lambda p: p.get_absolute_url(),
    remind=Notice(kind="plans.adoption_due", to=services.principals_of,
                  subject=_("Key tasks wait for adoption"), key=":due",
                  body=_("Adopt them by %(date)s.")),
    before=2,
    escalate=Notice(kind="plans.adoption_overdue",
                    to=lambda p: [*services.principals_of(p), *services.supervisor_admins_of(p)],
                    subject=_("Key tasks were not adopted in time"), key=":overdue"),
))

#: The supervisor's approvers are told once when the assessment window opens.
window_open = deadline(Deadline(
    items=lambda now: PlanRules.objects.filter(
        window_opens__lte=timezone.localdate(now), window_closes__gte=F("window_opens")).select_related(
        "supervisor"),
    due="window_closes", key=lambda r: f"plans:window:{r.pk}:{r.window_opens}",
    url=lambda r: reverse("plans:assessment_queue", args=[r.supervisor_id]),
    remind=Notice(kind="plans.window_open", to=lambda r: services.members(
        r.supervisor_id, {Role.APPROVER}), subject=_("The assessment window is open"),
        key=":open", body=_("Assess the plans by %(date)s.")),
    before=None,
))
