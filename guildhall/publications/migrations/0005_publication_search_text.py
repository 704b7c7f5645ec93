from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    """Write the search text of the publications there are: title and latest body."""
    from guildhall.kit.search import text_of
    from guildhall.lib.richtext import plain_text

    Publication = apps.get_model("publications", "Publication")
    Revision = apps.get_model("records", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind = ContentType.objects.filter(app_label="publications", model="publication").first()
    last = 0
    while True:
        rows = list(Publication.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            return
        bodies = {}
        if kind:
            for r in Revision.objects.filter(subject_type=kind, subject_id__in=[p.pk for p in rows]
                                             ).order_by("number"):
                bodies[r.subject_id] = (r.snapshot or {}).get("body") or ""
        for p in rows:
            p.search_text = text_of(p.title, plain_text(bodies.get(p.pk, "")))
        Publication.objects.bulk_update(rows, ["search_text"])
        last = rows[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0004_waiting_by_org_index'),
        ('records', '0002_link'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='publication',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
