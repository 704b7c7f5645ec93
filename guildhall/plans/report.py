"""The plans module's part of the annual report: the responsibility list and the plan."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guildhall.kit import report
from guildhall.plans.models import Duty, ItemStatus, Plan, PlanItem, ResponsibilityList
from guildhall.records.models import Attachment, Link


def _items_with_evidence(items: list[PlanItem]) -> set[int]:
    """The items that carry evidence: a linked record or a file (two queries)."""
    ids = [i.pk for i in items]
    if not ids:
        return set()
    subject = PlanItem()._meta
    linked = set(Link.objects.filter(subject_type__app_label=subject.app_label,
                                     subject_type__model=subject.model_name, subject_id__in=ids,
                                     role="evidence").values_list("subject_id", flat=True))
    filed = set(Attachment.objects.filter(subject_type__app_label=subject.app_label,
                                          subject_type__model=subject.model_name,
                                          subject_id__in=ids, removed_at=None)
                .values_list("subject_id", flat=True))
    return linked | filed


def build(org: Any, year: int) -> report.SectionData:
    data = report.SectionData(key="plans", title=str(report.EXPECTED[0][1]))
    rlist = ResponsibilityList.objects.filter(organization=org, year=year).select_related(
        "principal").first()
    if rlist is not None:
        rows = [[str(Duty(h.duty).label), h.member.display_name]
                for h in rlist.holders.select_related("member").order_by("duty", "member_id")]
        data.tables.append(report.Table(
            title=_("Responsibility list"), headers=[_("Duty"), _("Who answers for it")],
            rows=[[_("First responsible person"),
                   rlist.principal.display_name if rlist.principal else "—"], *rows]))
    signed = [rlist] if rlist is not None and rlist.signed_at else []
    data.figures.append(report.count("responsibility_signed", _("Responsibility list signed"),
                                     report.records_of(signed, _("Responsibility list"),
                                                       date=lambda r: r.signed_at)))
    plan = Plan.objects.filter(organization=org, year=year).first()
    items = list(plan.items.order_by("due_date", "pk")) if plan else []
    kind = _("Plan item")

    def of(selected: list[PlanItem]) -> list[report.Record]:
        return report.records_of(selected, kind, date=lambda i: i.due_date)

    live = [i for i in items if i.status != ItemStatus.DROPPED]
    data.figures.append(report.count("items", _("Items of the work plan"), of(live)))
    for status in (ItemStatus.DONE, ItemStatus.IN_PROGRESS, ItemStatus.NOT_STARTED,
                   ItemStatus.RETURNED, ItemStatus.DROPPED):
        data.figures.append(report.count(f"items_{status}", _("Items: %(status)s") % {
            "status": status.label}, of([i for i in items if i.status == status])))
    evidenced = _items_with_evidence(live)
    data.figures.append(report.count("items_evidence", _("Items with evidence"),
                                     of([i for i in live if i.pk in evidenced])))
    scored = [i for i in live if i.score is not None]
    data.figures.append(report.average("items_score", _("Average assessment score of the items"),
                                       [float(i.score) for i in scored], of(scored)))
    graded = [plan] if plan is not None and plan.grade else []
    data.figures.append(report.Figure(
        key="plan_grade", label=_("Assessment of the plan"),
        value=f"{plan.grade}（{plan.score}）" if graded else _("not yet assessed"),
        records=report.records_of(graded, _("Annual work plan"), date=lambda p: p.assessed_at),
        number=float(plan.score) if graded and plan.score is not None else None))
    if plan is None:
        data.note = _("No work plan was drawn up for this year.")
    return data


report.register(report.Section("plans", gettext_lazy("Responsibility system and annual work plan"),
                               10, build))
