"""The publication body: sanitizing, plain text with paragraph positions, side-by-side diff.

Plain helpers without Django, so that they can be tested and reused on their own.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote",
                "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "sub",
                "sup"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"},
                      "th": {"colspan", "rowspan"}}
BLOCK_TAGS = {"p", "li", "h2", "h3", "h4", "blockquote", "tr", "div", "br", "hr", "ul", "ol",
              "table", "h1", "h5", "h6"}
_LOOKS_LIKE_HTML = re.compile(r"<\s*(p|br|div|ul|ol|li|h\d|table|strong|b|em|i|u|a|span|blockquote)"
                              r"[\s>/]", re.I)


def sanitize(body: str) -> str:
    """Return safe HTML for `body`.

    Plain text (typed, or pasted from Word into a text box) keeps its paragraphs: every
    line becomes one. HTML keeps only basic formatting; Word's styles, scripts and event
    handlers are dropped.
    """
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        return ""
    if not _LOOKS_LIKE_HTML.search(body):
        paragraphs = [line.strip() for line in body.split("\n") if line.strip()]
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    cleaned = nh3.clean(body, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return cleaned.strip()


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data.replace("\n", " "))


def paragraphs(body_html: str) -> list[str]:
    """Return the body's paragraphs as plain text, without empty ones."""
    parser = _TextParser()
    parser.feed(body_html or "")
    parser.close()
    lines = "".join(parser.parts).split("\n")
    return [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in lines if line.strip()]


def plain_text(body_html: str) -> str:
    """Return the body as plain text, one paragraph per line (what the checker reads)."""
    return "\n".join(paragraphs(body_html))


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "equal", "replace", "delete", "insert"
    old: str
    new: str


def side_by_side(old: str, new: str) -> list[DiffRow]:
    """Compare two plain texts paragraph by paragraph; return the rows of a two-column view."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [DiffRow("equal", x, y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
            continue
        left, right = a[i1:i2], b[j1:j2]
        for n in range(max(len(left), len(right))):
            x = left[n] if n < len(left) else ""
            y = right[n] if n < len(right) else ""
            kind = "replace" if x and y else ("delete" if x else "insert")
            rows.append(DiffRow(kind, x, y))
    return rows
