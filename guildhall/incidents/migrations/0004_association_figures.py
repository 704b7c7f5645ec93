"""The incident figures per association stored for the board (`incidents.figures`), computed
for the incidents already registered."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Q, Sum


def fill(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    Report = apps.get_model("incidents", "Report")
    Figures = apps.get_model("incidents", "AssociationFigures")
    rows = {}
    for row in Incident.objects.order_by().values("organization_id").annotate(
            total=Count("pk"), open=Count("pk", filter=~Q(status="closed")),
            late=Count("pk", filter=Q(first_report_late=True)),
            to_first_minutes=Sum("minutes_to_first_report"),
            to_first_count=Count("minutes_to_first_report")):
        rows[row.pop("organization_id")] = row
    for row in Report.objects.order_by().values("incident__organization_id").annotate(
            to_ack_minutes=Sum("minutes_to_ack"), to_ack_count=Count("minutes_to_ack"),
            late_acks=Count("pk", filter=Q(ack_late=True)),
            waiting=Count("pk", filter=Q(acknowledged_at=None))):
        rows[row.pop("incident__organization_id")].update(row)
    Figures.objects.bulk_create(
        [Figures(organization_id=pk, **{k: v or 0 for k, v in row.items()})
         for pk, row in rows.items()], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0003_board_order'),
        ('orgs', '0002_invitation_sent_cancelled'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AssociationFigures',
            fields=[
                ('organization', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='incident_figures', serialize=False, to='orgs.organization')),
                ('total', models.PositiveIntegerField(default=0)),
                ('open', models.PositiveIntegerField(default=0)),
                ('late', models.PositiveIntegerField(default=0)),
                ('to_first_minutes', models.PositiveBigIntegerField(default=0)),
                ('to_first_count', models.PositiveIntegerField(default=0)),
                ('to_ack_minutes', models.PositiveBigIntegerField(default=0)),
                ('to_ack_count', models.PositiveIntegerField(default=0)),
                ('late_acks', models.PositiveIntegerField(default=0)),
                ('waiting', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('first_reported_at__isnull', True)), fields=['organization', 'first_report_due'], name='incident_unreported'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
