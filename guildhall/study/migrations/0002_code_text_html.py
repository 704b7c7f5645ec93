"""A code's text was plain text (an empty line between paragraphs, shown with `linebreaks`);
it is now the sanitized HTML of the rich-text editor. Existing versions, and the code
revisions that keep their text for the comparison, become the paragraphs they were shown
as. Text that is already HTML is only sanitized."""

import html
import re

from django.db import migrations

from guildhall.lib import richtext

_HTML = re.compile(r"<\s*(p|br|div|ul|ol|li|h\d|strong|b|em|a|img)[\s>/]", re.I)


def to_html(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    if not _HTML.search(text):
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        text = "".join("<p>" + html.escape(b).replace("\n", "<br>") + "</p>" for b in blocks)
    return richtext.sanitize(text)


def to_text(body: str) -> str:
    return "\n\n".join(richtext.paragraphs(body or ""))


def _convert(apps, convert):
    CodeVersion = apps.get_model("study", "CodeVersion")
    for version in CodeVersion.objects.only("pk", "body").iterator():
        body = convert(version.body)
        if body != version.body:
            CodeVersion.objects.filter(pk=version.pk).update(body=body)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("records", "Revision")
    code_type = ContentType.objects.filter(app_label="study", model="code").first()
    if code_type is None:
        return
    for revision in Revision.objects.filter(subject_type=code_type).only("pk", "snapshot").iterator():
        snapshot = dict(revision.snapshot or {})
        if isinstance(snapshot.get("body"), str):
            body = convert(snapshot["body"])
            if body != snapshot["body"]:
                snapshot["body"] = body
                Revision.objects.filter(pk=revision.pk).update(snapshot=snapshot)


def forward(apps, schema_editor):
    _convert(apps, to_html)


def backward(apps, schema_editor):
    _convert(apps, to_text)


class Migration(migrations.Migration):

    dependencies = [
        ("study", "0001_initial"),
        ("records", "0002_link"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
