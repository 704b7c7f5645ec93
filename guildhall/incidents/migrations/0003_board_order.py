"""The board's order stored on each incident (`Incident.set_board_order`), filled in for the
incidents already registered, and its index."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, Value, When

# The severities' ranks when this migration was written (models.RANK).
RANKS = {"extraordinary": 1, "major": 2, "significant": 3, "tbd": 3, "general": 4}


def fill(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    due = Case(
        When(first_reported_at__isnull=True, then=F("first_report_due")),
        When(written_due__isnull=False, written_reported_at__isnull=True,
             then=F("written_due")),
        When(status="reported", then=F("followup_due")),
        default=None)
    Incident.objects.update(
        board_rank=Case(*[When(severity=s, then=Value(r)) for s, r in RANKS.items()],
                        default=Value(3)),
        board_due=due)
    Incident.objects.update(board_undated=ExpressionWrapper(
        Q(board_due__isnull=True), output_field=BooleanField()))


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0002_closed_index'),
        ('orgs', '0002_invitation_sent_cancelled'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='incident',
            name='board_due',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='incident',
            name='board_rank',
            field=models.PositiveSmallIntegerField(default=3, editable=False),
        ),
        migrations.AddField(
            model_name='incident',
            name='board_undated',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('status', 'closed'), _negated=True), fields=['board_rank', 'board_undated', 'board_due', 'discovered_at', 'id'], name='incident_board'),
        ),
        # After the index: on PostgreSQL an index is not created after an update in the same
        # transaction ("pending trigger events").
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
