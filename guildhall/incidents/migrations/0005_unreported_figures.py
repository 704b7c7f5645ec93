"""The first reports not made yet, stored with each association's incident figures
(`incidents.figures.below` reads their overdue ones from them), filled in for the incidents
already registered."""

from django.db import migrations, models
from django.db.models import Count, Max, Min


def fill(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    Figures = apps.get_model("incidents", "AssociationFigures")
    rows = [Figures(organization_id=row.pop("organization_id"), **row)
            for row in Incident.objects.filter(first_reported_at=None).order_by().values(
                "organization_id").annotate(
                unreported=Count("pk"), unreported_due_first=Min("first_report_due"),
                unreported_due_last=Max("first_report_due"))]
    Figures.objects.bulk_update(
        rows, ["unreported", "unreported_due_first", "unreported_due_last"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0004_association_figures'),
    ]

    operations = [
        migrations.AddField(
            model_name='associationfigures',
            name='unreported',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='associationfigures',
            name='unreported_due_first',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='associationfigures',
            name='unreported_due_last',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
