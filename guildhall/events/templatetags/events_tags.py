from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def fields_named(form: Any, names: str) -> list[Any]:
    """Return the form's bound fields with these comma-separated names, in that order."""
    return [form[name] for name in names.split(",")]


@register.filter
def lines(value: Any) -> list[str]:
    return str(value).splitlines()


@register.simple_tag
def filing_rows(page: Any, show_org: bool = False, pick: bool = False, today: Any = None) -> Any:
    """The filings of a page as table rows (`events.rows`)."""
    from guildhall.events.rows import filing_rows as rows

    return rows(page, show_org=show_org, pick=pick, today=today)
