"""The event filings' part of the annual report: filed, approved, returned, rejected, halted,
lead times kept, summaries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guildhall.events.models import Filing, Status
from guildhall.kit import report
from guildhall.reviews.models import Decision, Verdict


def build(org: Any, year: int) -> report.SectionData:
    data = report.SectionData(key="events", title=str(report.EXPECTED[2][1]))
    filed = list(Filing.objects.filter(organization=org, starts_at__year=year,
                                       first_submitted_on__isnull=False)
                 .prefetch_related("halts").select_related("summary").order_by("starts_at", "pk"))
    returned_ids = set(Decision.objects.filter(
        subject_type=Filing.review_subject_type, subject_id__in=[f.pk for f in filed],
        verdict=Verdict.RETURN).values_list("subject_id", flat=True))
    kind = _("Event filing")

    def of(selected: list[Filing]) -> list[report.Record]:
        return report.records_of(selected, kind, date=lambda f: f.starts_at)

    def has_summary(f: Filing) -> bool:
        try:
            return f.summary is not None
        except Filing.summary.RelatedObjectDoesNotExist:
            return False

    data.figures += [
        report.count("filed", _("Events filed"), of(filed)),
        report.count("approved", _("Approved"), of([f for f in filed if f.approved_revision])),
        report.count("returned", _("Returned for revision at least once"),
                     of([f for f in filed if f.pk in returned_ids])),
        report.count("rejected", _("Rejected"), of([f for f in filed if f.status == Status.REJECTED])),
        report.count("halted", _("Halted (circuit breaker)"), of([f for f in filed if f.halts.all()])),
        report.count("lead_kept", _("Filed within the lead time"), of([f for f in filed if not f.is_late])),
        report.count("late", _("Filed late"), of([f for f in filed if f.is_late])),
        report.count("summaries", _("Post-event summaries submitted"),
                     of([f for f in filed if has_summary(f)])),
    ]
    if filed:
        data.tables.append(report.Table(
            title=_("Events filed"), headers=[_("Date"), _("Event"), _("Type"), _("State")],
            rows=[[report.day(f.starts_at), f.title, str(f.get_type_display()),
                   str(f.get_status_display())] for f in filed]))
    return data


report.register(report.Section("events", gettext_lazy("Event filing and approval"), 30, build))
