"""`{% subject_url subject "attachment_download" a.pk %}`: the URL of a record page of a
subject, by the convention every module follows (see docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def subject_url(subject: Any, name: str, *args: Any) -> str:
    return reverse(f"{subject.records_url_prefix}{name}",
                   args=[subject.organization_id, subject.pk, *args])
