from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    """Write the search text of the filings there are."""
    from guildhall.events.search import filing_text

    Filing = apps.get_model("events", "Filing")
    last = 0
    while True:
        rows = list(Filing.objects.filter(pk__gt=last).select_related("organization")
                    .order_by("pk")[:BATCH])
        if not rows:
            return
        for f in rows:
            f.search_text = filing_text(f)
        Filing.objects.bulk_update(rows, ["search_text"])
        last = rows[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0003_halt_window'),
    ]

    operations = [
        migrations.AddField(
            model_name='filing',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
