"""Rich text (a publication's body, a code of conduct's text): sanitizing, emptiness, plain
text with paragraph positions, side-by-side diff.

Plain helpers without Django, so that they can be tested and reused on their own. Every
rich text the server stores or shows passes `sanitize`; the editor in the browser is never
trusted.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import html
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from PIL import Image

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote",
                "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "sub",
                "sup", "img"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"},
                      "th": {"colspan", "rowspan"}, "img": {"src", "alt"}}
BLOCK_TAGS = {"p", "li", "h2", "h3", "h4", "blockquote", "tr", "div", "br", "hr", "ul", "ol",
              "table", "h1", "h5", "h6"}
_LOOKS_LIKE_HTML = re.compile(r"<\s*(p|br|div|ul|ol|li|h\d|table|strong|b|em|i|u|a|span|"
                              r"blockquote|img)[\s>/]", re.I)
# Headings keep their level below the page's own title: h1 becomes h2, h5 and h6 h4.
_HEADING = re.compile(r"<(/?)\s*h([156])\b", re.I)
_HEADING_LEVEL = {"1": "2", "5": "4", "6": "4"}

#: Images are kept inside the text as data: addresses (the page's policy allows them), after
#: being decoded, checked and re-encoded here: no outside address, no metadata (a photo's
#: place and camera), no file that only claims to be an image.
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif",
                 "WEBP": "image/webp"}
IMAGE_MAX_SIDE = 1600
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MAX_BYTES = 3 * 1024 * 1024
_DATA_IMAGE = re.compile(r"data:image/(png|jpe?g|gif|webp);base64,([A-Za-z0-9+/=\s]+)\Z", re.I)
# What Pillow reports for a file without metadata; anything else is re-encoded away.
_HARMLESS_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive",
                  "progression", "aspect", "gamma", "interlace", "transparency"}


def _clean_image(src: str) -> str | None:
    """Return a data: address holding a checked copy of the image in `src`, or None."""
    match = _DATA_IMAGE.match(src.strip())
    if not match:
        return None
    try:
        raw = base64.b64decode(re.sub(r"\s+", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not raw or len(raw) > IMAGE_MAX_BYTES:
        return None
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format not in IMAGE_FORMATS or image.width * image.height > IMAGE_MAX_PIXELS:
                return None
            kept = (image.format in ("PNG", "JPEG") and max(image.size) <= IMAGE_MAX_SIDE
                    and set(image.info) <= _HARMLESS_INFO
                    and not getattr(image, "applist", [])[1:])
            if kept:
                image.load()  # a truncated or malformed file fails here
                mime = IMAGE_FORMATS[image.format]
            else:
                image.seek(0)  # an animation keeps its first frame
                copy = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
                copy.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
                out = io.BytesIO()
                if copy.mode == "RGBA":
                    copy.save(out, "PNG", optimize=True)
                    mime = "image/png"
                else:
                    copy.save(out, "JPEG", quality=85)
                    mime = "image/jpeg"
                raw = out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return _clean_image(value)
    if tag == "a" and attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    return value


def sanitize(body: str) -> str:
    """Return safe HTML for `body`.

    Plain text (typed without the editor, or pasted into a text box) keeps its paragraphs:
    every line becomes one. HTML keeps only basic formatting (headings, bold, lists, links,
    tables, images inside the text); Word's and WPS's styles, classes, comments and
    conditional parts, scripts and event handlers are dropped. An image without a
    checkable data: address (a file on the author's disk, an outside address) is dropped.
    """
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        return ""
    if not _LOOKS_LIKE_HTML.search(body):
        paragraphs = [line.strip() for line in body.split("\n") if line.strip()]
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    body = _HEADING.sub(lambda m: f"<{m.group(1)}h{_HEADING_LEVEL[m.group(2)]}", body)
    cleaned = nh3.clean(body, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        clean_content_tags={"script", "style", "title", "xml", "head"},
                        attribute_filter=_attribute_filter,
                        url_schemes={"http", "https", "mailto", "data"},
                        link_rel="noopener noreferrer")
    # An image whose address was refused is no image at all.
    cleaned = re.sub(r"<img(?![^>]*\bsrc=)[^>]*>", "", cleaned)
    # An image pasted without a description is read as decoration, not as "image" and its
    # file name: screen readers need the attribute to be there.
    cleaned = re.sub(r"<img(?![^>]*\balt=)", '<img alt=""', cleaned)
    return cleaned.strip()


def is_empty(body_html: str) -> bool:
    """Tell whether sanitized HTML holds nothing to read: no text and no image (an
    editor's empty paragraph, `<p><br></p>`, is empty)."""
    return not paragraphs(body_html) and "<img" not in (body_html or "")


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
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in lines]
    return [line for line in lines if line]


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


# ---- marking places of the plain text in the HTML --------------------------------------

@dataclass(frozen=True)
class Span:
    """A place in the plain text (`plain_text`'s offsets, what the checker reports) to
    mark in the HTML: `anchor` becomes the mark's id (when given), `css` its class, and
    `shown` replaces the marked text when not None (a masked value)."""

    start: int
    end: int
    css: str = ""
    anchor: str = ""
    shown: str | None = None


class _Events(HTMLParser):
    """The parser's events as a list: ("tag", raw text) or ("data", text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.events.append(("tag", tag, self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.events.append(("tag", tag, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", "", data))


def _plain_positions(events: list[tuple[str, str, str]]) -> dict[tuple[int, int], int]:
    """Map (event, character) of each text character to its offset in `plain_text`, doing
    what `paragraphs` does: lines at block tags, runs of spaces as one, lines stripped,
    empty lines dropped."""
    raw: list[tuple[str, tuple[int, int] | None]] = []
    for n, (kind, tag, text) in enumerate(events):
        if kind in ("tag", "end") and tag in BLOCK_TAGS:
            raw.append(("\n", None))
        elif kind == "data":
            raw += [(" " if c == "\n" else c, (n, i)) for i, c in enumerate(text)]
    lines: list[list[tuple[str, tuple[int, int] | None]]] = [[]]
    for char in raw:
        if char[0] == "\n":
            lines.append([])
        else:
            lines[-1].append(char)
    positions: dict[tuple[int, int], int] = {}
    offset = 0
    for line in lines:
        kept: list[tuple[str, tuple[int, int] | None]] = []
        for char in line:  # a run of spaces keeps its first
            if char[0] in " \t\u00a0" and (not kept or kept[-1][0] == " "):
                continue
            kept.append((" " if char[0] in " \t\u00a0" else char[0], char[1]))
        while kept and kept[-1][0] == " ":
            kept.pop()
        if not kept:
            continue
        for i, (_char, key) in enumerate(kept):
            if key is not None:
                positions[key] = offset + i
        offset += len(kept) + 1
    return positions


def mark(body_html: str, spans: list[Span]) -> str:
    """Return sanitized HTML with each span of its plain text wrapped in `<mark>` (cut at
    tags, so that the HTML stays well formed); a span with `shown` shows that instead of
    its text. Spans that overlap an earlier one are left out."""
    parser = _Events()
    parser.feed(body_html or "")
    parser.close()
    positions = _plain_positions(parser.events)
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.end > span.start and (not chosen or span.start >= chosen[-1].end):
            chosen.append(span)
    at = {p: span for span in chosen for p in range(span.start, span.end)}
    touched = {event for (event, _i), p in positions.items() if p in at}
    out: list[str] = []
    opened: set[Span] = set()
    for n, (kind, _tag, text) in enumerate(parser.events):
        if kind != "data":
            out.append(text)
            continue
        if n not in touched:
            out.append(html.escape(text, quote=False))
            continue
        current: Span | None = None
        for i, char in enumerate(text):
            span = at.get(positions.get((n, i), -1))
            if span is not None and span.shown is not None and span in opened and span is not current:
                continue  # the rest of a replaced text, after a tag: already shown
            if span is not current:
                if current is not None:
                    out.append("</mark>")
                if span is not None:
                    first = span not in opened
                    anchor = f' id="{html.escape(span.anchor)}"' if first and span.anchor else ""
                    css = f' class="{html.escape(span.css)}"' if span.css else ""
                    out.append(f"<mark{anchor}{css}>")
                    if span.shown is not None and first:
                        out.append(html.escape(span.shown, quote=False))
                    opened.add(span)
                current = span
            if span is None or span.shown is None:
                out.append(html.escape(char, quote=False))
        if current is not None:
            out.append("</mark>")
    return "".join(out)
