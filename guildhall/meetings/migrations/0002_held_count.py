"""The meetings each association held per year, stored for the overview and the supervisor's
home (`meetings.counts`), counted from the meetings already recorded (one grouped query)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import ExtractYear


def fill(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    HeldCount = apps.get_model("meetings", "HeldCount")
    found = Meeting.objects.filter(status="held").annotate(year=ExtractYear("held_at")).order_by(
        ).values("organization_id", "year").annotate(n=Count("pk"))
    HeldCount.objects.bulk_create(
        [HeldCount(organization_id=row["organization_id"], year=row["year"], held=row["n"])
         for row in found], batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0001_initial'),
        ('orgs', '0002_invitation_sent_cancelled'),
    ]

    operations = [
        migrations.CreateModel(
            name='HeldCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('held', models.PositiveIntegerField(default=0)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings_held', to='orgs.organization')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organization', 'year'), name='meetings_held_count_once')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
