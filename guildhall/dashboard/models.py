"""The dashboard's summary: one row per association, its figures of the current year,
refreshed after every audited write of the association (`services.on_audit_record`), when a
figure changes by the clock alone (`stale_after`), and rebuilt by `guildhall refresh_dashboard`."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """The annual report's states as the dashboard shows them (filled by `guildhall.reports`)."""

    NONE = "none", _("Not started")
    DRAFT = "draft", _("Being drawn up")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


SUBMITTED_REPORT = {ReportStatus.SUBMITTED, ReportStatus.ACKNOWLEDGED}


class Row(models.Model):
    """The figures of one association. A module's fields stay empty (None) while its app is
    not installed; the pages then leave its columns out."""

    organization = models.OneToOneField("orgs.Organization", models.CASCADE, primary_key=True,
                                        related_name="dashboard_row")
    year = models.PositiveSmallIntegerField()
    # plans
    plan_status = models.CharField(max_length=20, blank=True)
    plan_items = models.PositiveIntegerField(null=True)
    plan_done = models.PositiveIntegerField(null=True)
    completion = models.PositiveSmallIntegerField(null=True)  # percent of items done
    overdue = models.PositiveIntegerField(null=True)
    grade = models.CharField(max_length=40, blank=True)  # last year's assessment
    # events and publications: what waits for the supervisor
    filings_pending = models.PositiveIntegerField(null=True)
    publications_pending = models.PositiveIntegerField(null=True)
    pending = models.PositiveIntegerField(null=True)
    pending_overdue = models.PositiveIntegerField(null=True)
    channels_paused = models.PositiveIntegerField(null=True)
    # incidents
    incidents_open = models.PositiveIntegerField(null=True)
    top_severity = models.CharField(max_length=20, blank=True)
    top_rank = models.PositiveSmallIntegerField(null=True)  # 1 the most serious; None: none open
    late_reports = models.PositiveIntegerField(null=True)
    # study and codes
    study_sessions = models.PositiveIntegerField(null=True)
    study_hours = models.DecimalField(max_digits=8, decimal_places=1, null=True)
    study_planned = models.PositiveIntegerField(null=True)
    ack_rate = models.PositiveSmallIntegerField(null=True)  # percent; None: no published code
    # annual report (of last year)
    report_status = models.CharField(max_length=20, blank=True)
    # the organization itself
    last_activity = models.DateTimeField(null=True)
    has_admin = models.BooleanField(default=False)
    #: The breakdowns the charts sum over the filtered rows (see `sources`).
    charts = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)
    #: When a figure will change by the clock alone (midnight, an incident's deadline).
    stale_after = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("dashboard row")
        indexes = [models.Index(fields=["overdue"], name="dash_overdue"),
                   models.Index(fields=["late_reports"], name="dash_late"),
                   models.Index(fields=["completion"], name="dash_completion")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year}"


class ExportLine(models.Model):
    """A row's line of the .xlsx export in one language, written with the row (`export.
    write_lines`) so that the export of 2,000 rows reads and joins them: the cells before
    the last activity's (`head`, from `<row>`) and after it (`tail`, to `</row>`); the day of
    the last activity is written by each export, in its time zone. `version` names what the
    line was written with (the columns, the labels of the coded values in `language`, the
    writing's format): a line of another version is not used, the export writes that row
    itself and the periodic refresh writes the line again."""

    row = models.ForeignKey(Row, models.CASCADE, related_name="export_lines")
    language = models.CharField(max_length=15)
    version = models.CharField(max_length=16)
    head = models.TextField()
    tail = models.TextField()

    class Meta:
        verbose_name = _("dashboard export line")
        constraints = [models.UniqueConstraint(fields=["row", "language"],
                                               name="dash_export_line")]

    def __str__(self) -> str:
        return f"{self.row_id} {self.language}"
