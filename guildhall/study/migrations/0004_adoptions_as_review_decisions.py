"""A version of a code used to be adopted by the principal in one step, outside the review
mechanism. Now adoption is a review decision: every version adopted so far (adopted,
published or superseded) gets the decision it stood for — the principal's approval of the
one adoption step, in its first round, by whoever adopted it and when — so that its
history reads like that of a version adopted from now on."""

from django.conf import settings
from django.db import migrations
from django.utils import translation

DECIDED = ("adopted", "published", "superseded")


def forwards(apps, schema_editor):
    CodeVersion = apps.get_model("study", "CodeVersion")
    Decision = apps.get_model("reviews", "Decision")
    with translation.override(settings.LANGUAGE_CODE):
        step_name = str(translation.gettext("Adoption by the principal"))
    for version in CodeVersion.objects.filter(status__in=DECIDED, adopted_by__isnull=False,
                                              review_round=0):
        Decision.objects.get_or_create(
            subject_type="study.version", subject_id=version.pk, round=1, step=1,
            defaults={"organization_id": version.organization_id, "revision": version.revision,
                      "step_name": step_name[:100], "reviewer_id": version.adopted_by_id,
                      "verdict": "approve", "comment": "",
                      "decided_at": version.adopted_at or version.created_at})
        version.review_round, version.review_roles = 1, ["principal"]
        version.save(update_fields=["review_round", "review_roles"])


def backwards(apps, schema_editor):
    Decision = apps.get_model("reviews", "Decision")
    Decision.objects.filter(subject_type="study.version").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0001_initial"),
        ("study", "0003_adoption_steps_library_items_correction"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
