"""The rich-text editor every module uses for a long text (a publication's body, a code of
conduct's text): the form field and widget, and the one server-side rule for what is stored.

In the browser, `guildhall/richtext.js` turns the widget into the editor (Quill, served from
npm like htmx), which writes HTML into a hidden field. Without JavaScript the widget is a
plain text box: every line becomes a paragraph, and text sent back unchanged keeps the
formatting it had. Whatever arrives, the service stores only `clean_rich_text(...)`: the
sanitized HTML of `lib.richtext`, refused when it holds nothing to read.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import Script
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guildhall.core.errors import DomainError
from guildhall.lib import richtext

#: The name suffix of the plain text box that stands in for the editor without JavaScript.
TEXT_SUFFIX = "__text"
#: The longest stored text, images included (the request's field limit is 5 MB).
MAX_LENGTH = 4 * 1024 * 1024


def clean_rich_text(value: Any, *, field: str = "body", empty: Any = None) -> str:
    """Return `value` as sanitized HTML; refuse it on `field` when it has no text and no
    image (an editor's `<p><br></p>` included) or is too large."""
    cleaned = richtext.sanitize(str(value or ""))
    if richtext.is_empty(cleaned):
        raise DomainError(empty or _("Write the text: it is empty."), "body_required",
                          field=field)
    if len(cleaned) > MAX_LENGTH:
        raise DomainError(_("The text is too large: use fewer or smaller images."),
                          "body_too_large", field=field)
    return cleaned


def _toolbar() -> list[tuple[str, str, str]]:
    return [("ql-header", "2", _("Heading")), ("ql-header", "3", _("Subheading")),
            ("ql-bold", "", _("Bold")), ("ql-italic", "", _("Italic")),
            ("ql-underline", "", _("Underline")), ("ql-list", "ordered", _("Numbered list")),
            ("ql-list", "bullet", _("Bulleted list")), ("ql-blockquote", "", _("Quotation")),
            ("ql-link", "", _("Link")), ("ql-image", "", _("Image")),
            ("ql-clean", "", _("Remove formatting"))]


class RichTextWidget(forms.Widget):
    """The editor: a toolbar, the hidden field with the HTML, and the plain text box shown
    when JavaScript does not run."""

    class Media:
        css = {"all": ["vendor/quill/quill.snow.css"]}
        js = [Script("vendor/quill/quill.js", defer=True),
              Script("guildhall/richtext.js", defer=True)]

    def __init__(self, attrs: dict[str, Any] | None = None, rows: int = 14,
                 preview_title: str = "") -> None:
        super().__init__(attrs)
        self.rows = rows
        #: The id of the form's title field: with it, the editor shows a live phone preview.
        self.preview_title = preview_title

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:
        html = data.get(name) or ""
        if name + TEXT_SUFFIX not in data:  # the editor ran and removed the text box
            return html
        text = data.get(name + TEXT_SUFFIX) or ""
        if html and richtext.paragraphs(richtext.sanitize(html)) == \
                richtext.paragraphs(richtext.sanitize(text)):
            return html  # the text came back unchanged: its formatting is kept
        return text

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> str:
        attrs = self.build_attrs(self.attrs, attrs)
        element_id = attrs.get("id") or f"id_{name}"
        html = richtext.sanitize(str(value or ""))
        buttons = format_html_join(
            "", '<button type="button" class="{}"{} aria-label="{}" title="{}"></button>',
            ((cls, format_html(' value="{}"', v) if v else "", label, label)
             for cls, v, label in _toolbar()))
        return format_html(
            '<div class="rich-text" data-rich-text data-label="{label_id}"'
            ' data-visit="{visit}" data-enter="{enter}" data-edit="{edit}" data-save="{save}"'
            ' data-remove="{remove}" data-too-large="{too_large}" data-link-label="{link}">'
            '<div class="rich-text-toolbar" id="{id}-toolbar" role="toolbar"'
            ' aria-label="{formatting}" hidden>{buttons}</div>'
            '<input type="hidden" name="{name}" value="{html}" data-rich-text-value>'
            '<textarea name="{name}{suffix}" id="{id}" rows="{rows}"'
            ' aria-describedby="{id}-help">{text}</textarea></div>{preview}',
            label_id=f"{element_id}-label", visit=_("Open the link:"),
            enter=_("Address of the link:"), edit=_("Change"), save=_("Save"),
            remove=_("Remove"), too_large=_("The image is too large (at most 20 MB)."),
            link=_("Address of the link"), id=element_id, formatting=_("Formatting"),
            buttons=buttons, name=name, html=html, suffix=TEXT_SUFFIX, rows=self.rows,
            text=richtext.plain_text(html), preview=self._preview(element_id))

    def _preview(self, element_id: str) -> str:
        """The live phone preview, drawn by richtext.js (hidden without JavaScript)."""
        if not self.preview_title:
            return ""
        return format_html(
            '<details class="phone-preview" id="{id}-preview" data-rich-text-preview="{id}"'
            ' data-title="{title}" hidden><summary>{summary}</summary>'
            '<div class="phone-frame"><div class="phone-screen">'
            '<h2 class="phone-title"></h2><div class="pub-body"></div></div></div></details>',
            id=element_id, title=self.preview_title, summary=_("Preview on a phone"))


class RichTextField(forms.CharField):
    """A long formatted text. It only parses: the service refuses an empty text with
    `clean_rich_text`, so the page and the API answer the same."""

    widget = RichTextWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", gettext_lazy(
            "Headings, bold, lists, links and images. Pasted from Word or WPS, the headings, "
            "lists and bold are kept; other formatting is removed."))
        super().__init__(strip=False, **kwargs)
