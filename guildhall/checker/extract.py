"""Extract text from files: plain text, Markdown, HTML, .docx, .xlsx, .pptx and .pdf.

Legacy Office and WPS files (.doc/.xls/.ppt/.wps/.et/.dps) are converted with
LibreOffice first.  Heavy libraries (openpyxl, pdfminer) are imported only when
such a file is read, so the command line starts quickly.
"""

from __future__ import annotations

import codecs
import functools
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

from .types import (
    BinaryFileError,
    CheckerError,
    ConverterMissingError,
    DamagedFileError,
    EncryptedFileError,
    Extracted,
    FileTooLargeError,
    NoTextLayerError,
    OcrUnavailableError,
    ScanTimeoutError,
    Segment,
    UnsupportedFormatError,
    ZipBombError,
)

#: Default size budget for documents that must be read whole (50 MB).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Default per-file time budget in seconds.
DEFAULT_TIME_BUDGET = 120.0
#: Bytes read per step when streaming plain text.
TEXT_BLOCK_BYTES = 4 * 1024 * 1024

TEXT_EXTENSIONS = frozenset(
    ".txt .text .md .markdown .csv .tsv .log .json .yaml .yml .ini .cfg .rst .xml".split()
)
HTML_EXTENSIONS = frozenset(".html .htm .xhtml".split())
DOCX_EXTENSIONS = frozenset(".docx .docm .dotx".split())
XLSX_EXTENSIONS = frozenset(".xlsx .xlsm .xltx".split())
PPTX_EXTENSIONS = frozenset(".pptx .pptm .potx".split())
PDF_EXTENSIONS = frozenset([".pdf"])
#: Legacy Office and WPS (Kingsoft) formats, read after a LibreOffice conversion to
#: the OOXML format named here.
LEGACY_EXTENSIONS = {
    ".doc": "docx", ".wps": "docx", ".dot": "docx", ".rtf": "docx", ".odt": "docx",
    ".xls": "xlsx", ".et": "xlsx", ".ods": "xlsx",
    ".ppt": "pptx", ".dps": "pptx", ".odp": "pptx",
}  # fmt: skip
#: Images read with Tesseract OCR.
IMAGE_EXTENSIONS = frozenset(".png .jpg .jpeg .tif .tiff .bmp".split())
UNSUPPORTED_EXTENSIONS = frozenset(
    ".zip .rar .7z .gz .tar .gif .webp .mp3 .mp4 .avi .mov .exe .dll .so".split()
)
#: Extensions picked up when a directory is scanned.
SCANNABLE_EXTENSIONS = (
    TEXT_EXTENSIONS | HTML_EXTENSIONS | DOCX_EXTENSIONS | XLSX_EXTENSIONS | PPTX_EXTENSIONS
    | PDF_EXTENSIONS | IMAGE_EXTENSIONS | frozenset(LEGACY_EXTENSIONS)
)
#: Seconds one LibreOffice conversion may take (less when the time budget is lower).
CONVERT_TIMEOUT = 60.0
#: Seconds Tesseract may spend on one image or PDF page (less when the time budget is lower).
OCR_PAGE_TIMEOUT = 30.0
#: Resolution at which a PDF page without a text layer is rendered for OCR.
OCR_DPI = 200

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _deadline_check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise ScanTimeoutError("reading the file took longer than the time budget")


def detect_format(path: str) -> str:
    """Return "text", "html", "docx", "xlsx", "pptx", "pdf" or "legacy:<target>" for ``path``.

    Known extensions decide; unknown ones are sniffed from the first bytes.
    Raise UnsupportedFormatError for formats the checker does not read.
    """
    ext = os.path.splitext(path)[1].lower()
    if ext in TEXT_EXTENSIONS:
        return "text"
    if ext in HTML_EXTENSIONS:
        return "html"
    if ext in DOCX_EXTENSIONS:
        return "docx"
    if ext in XLSX_EXTENSIONS:
        return "xlsx"
    if ext in PPTX_EXTENSIONS:
        return "pptx"
    if ext in PDF_EXTENSIONS:
        return "pdf"
    if ext in LEGACY_EXTENSIONS:
        return "legacy:" + LEGACY_EXTENSIONS[ext]
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in UNSUPPORTED_EXTENSIONS:
        raise UnsupportedFormatError(f"{ext} files are not supported")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff")):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise DamagedFileError("the zip container is damaged")
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        raise UnsupportedFormatError("zip archives are not supported")
    if head.startswith(_CFB_MAGIC):
        return "legacy:" + _legacy_target(path)
    return "text"


_CFB_STREAMS = (
    ("WordDocument".encode("utf-16-le"), "docx"),
    ("Workbook".encode("utf-16-le"), "xlsx"),
    ("PowerPoint Document".encode("utf-16-le"), "pptx"),
)


def _legacy_target(path: str) -> str:
    """Tell which OOXML format an OLE compound file converts to (by its stream names)."""
    _reject_cfb(path)
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    for name, target in _CFB_STREAMS:
        if name in head:
            return target
    raise UnsupportedFormatError("this OLE compound file is not a Word, Excel or PowerPoint file")


def _reject_cfb(path: str) -> None:
    """Reject an OLE compound file that wraps an encrypted OOXML package."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    if _ENCRYPTED_PACKAGE in head:
        raise EncryptedFileError("the document is password-protected")


def _check_size(path: str, max_bytes: int | None) -> None:
    if max_bytes is not None and os.path.getsize(path) > max_bytes:
        raise FileTooLargeError(
            f"the file is larger than the {max_bytes // (1024 * 1024)} MB limit for documents"
        )


# --- Plain text ----------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def detect_encoding(sample: bytes) -> str:
    """Guess the encoding of a text sample (UTF-8, UTF-16/32 with BOM, GB18030, ...).

    Raise BinaryFileError when the bytes do not look like text at all.
    """
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, name in boms:
        if sample.startswith(bom):
            return name
    if b"\x00" in sample:
        raise BinaryFileError("the file contains binary data (NUL bytes), not text")
    for name in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(name)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
            raise BinaryFileError("the file contains binary data, not text")
        return name
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise BinaryFileError("the file is not readable as text in any known encoding")
    return best.encoding


def iter_text(path: str, *, deadline: float | None = None) -> Iterator[str]:
    """Yield the decoded text of a plain-text file in bounded pieces."""
    with open(path, "rb") as fh:
        first = fh.read(TEXT_BLOCK_BYTES)
        decoder = codecs.getincrementaldecoder(detect_encoding(first[:65536]))(errors="replace")
        block = first
        while block:
            yield decoder.decode(block)
            _deadline_check(deadline)
            block = fh.read(TEXT_BLOCK_BYTES)
        yield decoder.decode(b"", final=True)


def _lines_segments(text: str) -> list[Segment]:
    segments, pos = [], 0
    for n, line in enumerate(text.split("\n"), start=1):
        segments.append(Segment(pos, pos + len(line) + 1, f"line {n}"))
        pos += len(line) + 1
    return segments


# --- HTML ------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead "
    "title tr ul".split()
)
_HIDDEN_TAGS = frozenset("script style noscript template head svg".split())


class _VisibleText(HTMLParser):
    """Collect visible text, turning block boundaries into line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _HIDDEN_TAGS and self._hidden:
            self._hidden -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        # The <title> lives in <head> but is shown in the browser tab.
        if not self._hidden or self._in_title:
            self.parts.append(data)


_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)


def extract_html(data: bytes) -> Extracted:
    """Return the visible text of an HTML document (not scripts or styles)."""
    m = _META_CHARSET.search(data[:4096])
    encoding = None
    if m:
        try:
            encoding = codecs.lookup(m.group(1).decode("ascii")).name
        except LookupError:
            encoding = None
    text = data.decode(encoding or detect_encoding(data[:65536]), errors="replace")
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    raw = "".join(parser.parts)
    # Collapse the blank lines produced by nested blocks; keep one break.
    lines = [ln.strip() for ln in raw.split("\n")]
    return Extracted("\n".join(ln for ln in lines if ln), [], "html")


# --- Zip containers (docx / xlsx) --------------------------------------------------

#: Reject members that inflate more than this many times ...
MAX_COMPRESSION_RATIO = 100
#: ... once they are larger than this (small XML parts compress very well).
RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024
MAX_ZIP_MEMBERS = 10000


def check_zip(path: str, max_bytes: int | None) -> zipfile.ZipFile:
    """Open a zip container after vetting its declared sizes, before inflating anything.

    Raise ZipBombError, EncryptedFileError or DamagedFileError.  Declared sizes
    are also what zipfile enforces while reading, so a lying header cannot
    inflate past them.
    """
    _check_size(path, max_bytes)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_CFB_MAGIC):
        _reject_cfb(path)
        raise UnsupportedFormatError("this is a legacy Office file with an OOXML extension")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DamagedFileError("the document is damaged (not a valid zip container)")
    try:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ZipBombError(f"the document holds more than {MAX_ZIP_MEMBERS} parts")
        total = sum(i.file_size for i in infos)
        limit = 4 * (max_bytes or DEFAULT_MAX_BYTES)
        if total > limit:
            raise ZipBombError(
                f"the document would expand to {total // (1024 * 1024)} MB "
                f"(limit {limit // (1024 * 1024)} MB)"
            )
        for info in infos:
            if info.flag_bits & 0x1:
                raise EncryptedFileError("the document is password-protected")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise ZipBombError(
                    f"part {info.filename!r} would expand {ratio:.0f} times; "
                    "this looks like a zip bomb"
                )
    except CheckerError:
        zf.close()
        raise
    return zf


# --- Document properties (all OOXML formats) -----------------------------------------

_CORE_PROPERTIES = {
    "{http://purl.org/dc/elements/1.1/}creator": "author",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy":
        "last modified by",
    "{http://purl.org/dc/elements/1.1/}title": "title",
    "{http://purl.org/dc/elements/1.1/}subject": "subject",
    "{http://purl.org/dc/elements/1.1/}description": "comments",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords":
        "keywords",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}category":
        "category",
}  # fmt: skip
_EP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_APP_PROPERTIES = {_EP + "Company": "company", _EP + "Manager": "manager"}
_CUSTOM_PROPERTY = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property"


def _parse_part(zf: zipfile.ZipFile, name: str) -> ET.Element | None:
    """Parse one small XML part, or return None when it is absent."""
    try:
        data = zf.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise DamagedFileError(f"the document is damaged ({name}: {exc})")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise DamagedFileError(f"the document is damaged ({name}: {exc})")


def _properties(zf: zipfile.ZipFile, out: _TextBuilder) -> None:
    """Emit the document properties people forget: author, last editor, company, ..."""
    for part, labels in (("docProps/core.xml", _CORE_PROPERTIES),
                         ("docProps/app.xml", _APP_PROPERTIES)):
        root = _parse_part(zf, part)
        for el in root if root is not None else ():
            label = labels.get(el.tag)
            if label and el.text:
                out.add(el.text, f"properties: {label}")
    custom = _parse_part(zf, "docProps/custom.xml")
    if custom is not None:
        for el in custom.iter(_CUSTOM_PROPERTY):
            text = "".join(t for child in el for t in [child.text] if t)
            if text:
                out.add(text, f"properties: {el.get('name') or 'custom'}")


# --- DOCX --------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_P, _W_T, _W_R, _W_TAB = _W + "p", _W + "t", _W + "r", _W + "tab"
_W_BR, _W_CR, _W_TBL, _W_TR, _W_TC = _W + "br", _W + "cr", _W + "tbl", _W + "tr", _W + "tc"
_W_TXBX, _W_NBH = _W + "txbxContent", _W + "noBreakHyphen"
_W_INS, _W_DEL, _W_DELTEXT = _W + "ins", _W + "del", _W + "delText"
_W_COMMENT = _W + "comment"


class _TextBuilder:
    """Join text pieces with line breaks while recording their locations."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.pos = 0

    def add(self, text: str, location: str) -> None:
        self.add_runs([(text, location)])

    def add_runs(self, runs: list[tuple[str, str]]) -> None:
        """Add one line made of consecutive pieces, each with its own location."""
        if not any(text.strip() for text, _ in runs):
            return
        if self.parts:
            self.parts.append("\n")
            self.pos += 1
        for text, location in runs:
            if not text:
                continue
            if self.segments and self.segments[-1].location == location \
                    and self.segments[-1].end == self.pos:
                last = self.segments[-1]
                self.segments[-1] = Segment(last.start, self.pos + len(text), location)
            else:
                self.segments.append(Segment(self.pos, self.pos + len(text), location))
            self.parts.append(text)
            self.pos += len(text)

    def build(self, fmt: str) -> Extracted:
        return Extracted("".join(self.parts), self.segments, fmt)


class _Paragraph:
    """Collect a paragraph's text: current runs (inserted ones marked) and deleted runs."""

    __slots__ = ("pieces", "deleted")

    def __init__(self) -> None:
        self.pieces: list[tuple[str, bool]] = []
        self.deleted: list[str] = []


def _docx_part(zf: zipfile.ZipFile, name: str, label: str | None, out: _TextBuilder,
               deadline: float | None, *, comments: bool = False) -> None:
    """Emit the paragraphs of one WordprocessingML part with their locations.

    Tracked changes stay in the file until they are accepted or rejected:
    inserted runs (w:ins) are part of the paragraph and located as "inserted
    text, paragraph N"; deleted runs (w:del/w:delText) follow it as a line of
    their own, "deleted text, paragraph N".  In the comments part every
    w:comment is "comment N" (its order in the file).
    """
    stack: list[_Paragraph] = []
    tables: list[list[int]] = []
    table_count = para_count = runs = textboxes = fallback = events = 0
    inserted = deleted = comment_no = 0
    try:
        with zf.open(name) as fh:
            for event, el in ET.iterparse(fh, events=("start", "end")):
                events += 1
                if events % 5000 == 0:
                    _deadline_check(deadline)
                tag = el.tag
                if event == "start":
                    if tag == _MC_FALLBACK:
                        # Fallback repeats the mc:Choice content (e.g. text boxes).
                        fallback += 1
                    elif fallback:
                        continue
                    elif tag == _W_P:
                        stack.append(_Paragraph())
                    elif tag == _W_R:
                        runs += 1
                    elif tag == _W_INS:
                        inserted += 1
                    elif tag == _W_DEL:
                        deleted += 1
                    elif tag == _W_COMMENT and comments:
                        comment_no += 1
                    elif tag == _W_TBL:
                        table_count += 1
                        tables.append([table_count, 0, 0])
                    elif tag == _W_TR and tables:
                        tables[-1][1] += 1
                        tables[-1][2] = 0
                    elif tag == _W_TC and tables:
                        tables[-1][2] += 1
                    elif tag == _W_TXBX:
                        textboxes += 1
                    continue
                if tag == _MC_FALLBACK:
                    fallback -= 1
                    el.clear()
                    continue
                if fallback:
                    continue
                if tag == _W_T and stack:
                    stack[-1].pieces.append((el.text or "", inserted > 0))
                elif tag == _W_DELTEXT and stack:
                    stack[-1].deleted.append(el.text or "")
                elif tag == _W_R:
                    runs -= 1
                elif tag == _W_INS:
                    inserted -= 1
                elif tag == _W_DEL:
                    deleted -= 1
                elif tag == _W_TAB and runs and stack:
                    if deleted:
                        stack[-1].deleted.append("\t")
                    else:
                        stack[-1].pieces.append(("\t", inserted > 0))
                elif tag in (_W_BR, _W_CR) and runs and stack and not deleted:
                    stack[-1].pieces.append(("\n", inserted > 0))
                elif tag == _W_NBH and stack and not deleted:
                    stack[-1].pieces.append(("-", inserted > 0))
                elif tag == _W_P and stack:
                    para = stack.pop()
                    if textboxes:
                        where = "text box"
                    elif tables:
                        t, r, c = tables[-1]
                        where = f"table {t} row {r} cell {c}"
                    else:
                        para_count += 1
                        where = f"paragraph {para_count}"
                    part_label = f"comment {comment_no}" if comments else label
                    if part_label:
                        where = part_label if where.startswith("paragraph") else f"{part_label}, {where}"
                    out.add_runs([(text, f"inserted text, {where}" if ins else where)
                                  for text, ins in para.pieces])
                    if para.deleted:
                        out.add("".join(para.deleted), f"deleted text, {where}")
                    el.clear()
                elif tag == _W_TBL and tables:
                    tables.pop()
                elif tag == _W_TXBX:
                    textboxes -= 1
    except ET.ParseError as exc:
        raise DamagedFileError(f"the document is damaged ({name}: {exc})")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise DamagedFileError(f"the document is damaged ({name}: {exc})")


def _part_number(name: str) -> int:
    m = re.search(r"(\d+)\.xml$", name)
    return int(m.group(1)) if m else 0


def extract_docx(path: str, *, max_bytes: int | None, deadline: float | None) -> Extracted:
    """Read body, tables, text boxes, tracked changes, headers, footers, notes,
    comments and document properties of a .docx."""
    zf = check_zip(path, max_bytes)
    with zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            raise DamagedFileError("the document is damaged (word/document.xml is missing)")
        headers = sorted((n for n in names if re.fullmatch(r"word/header\d*\.xml", n)),
                         key=_part_number)
        footers = sorted((n for n in names if re.fullmatch(r"word/footer\d*\.xml", n)),
                         key=_part_number)
        out = _TextBuilder()
        for n in headers:
            _docx_part(zf, n, f"header {_part_number(n)}", out, deadline)
        _docx_part(zf, "word/document.xml", None, out, deadline)
        for n, label in (("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote")):
            if n in names:
                _docx_part(zf, n, label, out, deadline)
        for n in footers:
            _docx_part(zf, n, f"footer {_part_number(n)}", out, deadline)
        if "word/comments.xml" in names:
            _docx_part(zf, "word/comments.xml", None, out, deadline, comments=True)
        _properties(zf, out)
        return out.build("docx")


# --- XLSX --------------------------------------------------------------------------

_PLAIN_SHEET = re.compile(r"\w+")
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        # Excel stores long numbers as floats; "13812345678.0" would hide a phone number.
        return str(int(value))
    return str(value)


def _hidden_rows_and_columns(
    zf: zipfile.ZipFile, part: str | None, deadline: float | None
) -> tuple[set[int], list[tuple[int, int]]]:
    """Return the hidden row numbers and hidden column ranges of one sheet part."""
    rows: set[int] = set()
    cols: list[tuple[int, int]] = []
    if not part:
        return rows, cols
    try:
        with zf.open(part) as fh:
            for n, (_, el) in enumerate(ET.iterparse(fh, events=("end",))):
                if n % 20000 == 0:
                    _deadline_check(deadline)
                if el.tag == _S + "row":
                    if el.get("hidden") in ("1", "true"):
                        rows.add(int(el.get("r") or 0))
                    el.clear()
                elif el.tag == _S + "col" and el.get("hidden") in ("1", "true"):
                    cols.append((int(el.get("min") or 0), int(el.get("max") or 0)))
    except KeyError:
        pass
    except (ET.ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise DamagedFileError(f"the workbook is damaged ({part}: {exc})")
    return rows, cols


def extract_xlsx(path: str, *, max_bytes: int | None, deadline: float | None) -> Extracted:
    """Read every non-empty cell of every sheet, located as ``Sheet!A1``.

    Hidden sheets, rows and columns are read too and say so in the location
    ("Sheet2!B3 (hidden sheet)", "Sheet1!A7 (hidden row)").  Document properties
    follow the cells.
    """
    zf = check_zip(path, max_bytes)
    import openpyxl

    out = _TextBuilder()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except CheckerError:
        zf.close()
        raise
    except Exception as exc:  # openpyxl raises many types for broken files
        zf.close()
        raise DamagedFileError(f"the workbook is damaged ({type(exc).__name__})")
    try:
        for ws in wb.worksheets:
            title = ws.title
            sheet = title if _PLAIN_SHEET.fullmatch(title) else "'" + title.replace("'", "''") + "'"
            sheet_hidden = getattr(ws, "sheet_state", "visible") != "visible"
            hidden_rows, hidden_cols = _hidden_rows_and_columns(
                zf, getattr(ws, "_worksheet_path", None), deadline
            )
            count = 0
            for row in ws.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None or not hasattr(cell, "coordinate"):
                        continue
                    where = f"{sheet}!{cell.coordinate}"
                    if sheet_hidden:
                        where += " (hidden sheet)"
                    elif cell.row in hidden_rows:
                        where += " (hidden row)"
                    elif any(a <= cell.column <= b for a, b in hidden_cols):
                        where += " (hidden column)"
                    out.add(_cell_text(value), where)
                count += 1
                if count % 1000 == 0:
                    _deadline_check(deadline)
        _properties(zf, out)
    except CheckerError:
        raise
    except Exception as exc:
        raise DamagedFileError(f"the workbook is damaged ({type(exc).__name__})")
    finally:
        wb.close()
        zf.close()
    return out.build("xlsx")


# --- PPTX --------------------------------------------------------------------------

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Return a part's relationships as id -> (type suffix, resolved part name)."""
    folder, base = os.path.split(part)
    root = _parse_part(zf, f"{folder}/_rels/{base}.rels")
    found: dict[str, tuple[str, str]] = {}
    if root is None:
        return found
    for rel in root.iter(_REL):
        target = rel.get("Target") or ""
        resolved = os.path.normpath(os.path.join(folder, target)).replace(os.sep, "/")
        found[rel.get("Id") or ""] = ((rel.get("Type") or "").rsplit("/", 1)[-1], resolved)
    return found


def _slide_part(zf: zipfile.ZipFile, name: str, location: str, out: _TextBuilder,
                deadline: float | None) -> None:
    """Emit the paragraphs (a:p) of one slide or notes part."""
    try:
        with zf.open(name) as fh:
            for n, (_, el) in enumerate(ET.iterparse(fh, events=("end",))):
                if n % 5000 == 0:
                    _deadline_check(deadline)
                if el.tag == _A + "p":
                    text = "".join(
                        (t.text or "") if t.tag == _A + "t" else "\n"
                        for t in el.iter()
                        if t.tag in (_A + "t", _A + "br")
                    )
                    out.add(text, location)
                    el.clear()
    except KeyError:
        return
    except (ET.ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise DamagedFileError(f"the presentation is damaged ({name}: {exc})")


def extract_pptx(path: str, *, max_bytes: int | None, deadline: float | None) -> Extracted:
    """Read every slide ("slide N") and its speaker notes ("notes, slide N") of a .pptx."""
    zf = check_zip(path, max_bytes)
    with zf:
        pres = _parse_part(zf, "ppt/presentation.xml")
        if pres is None:
            raise DamagedFileError("the presentation is damaged (ppt/presentation.xml is missing)")
        rels = _rels(zf, "ppt/presentation.xml")
        slides = [rels[s.get(_R_ID) or ""][1] for s in pres.iter(_P_NS + "sldId")
                  if (s.get(_R_ID) or "") in rels]
        out = _TextBuilder()
        for number, slide in enumerate(slides, start=1):
            _slide_part(zf, slide, f"slide {number}", out, deadline)
            for kind, target in _rels(zf, slide).values():
                if kind == "notesSlide":
                    _slide_part(zf, target, f"notes, slide {number}", out, deadline)
        _properties(zf, out)
        return out.build("pptx")


# --- Legacy Office and WPS files, via LibreOffice ------------------------------------


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_legacy(path: str, target: str, workdir: str, *, deadline: float | None) -> str:
    """Convert a legacy Office/WPS file to ``target`` (docx/xlsx/pptx) with LibreOffice.

    Runs ``soffice --headless`` with a private profile in ``workdir``, under a
    timeout, on a copy with a plain name (so no file name can look like an
    option).  Return the converted file's path.  Raise ConverterMissingError
    when LibreOffice is not installed, ScanTimeoutError when it takes too long,
    UnsupportedFormatError when it produces nothing.
    """
    soffice = _soffice()
    if soffice is None:
        raise ConverterMissingError(
            "legacy Office and WPS files need LibreOffice (soffice), which is not installed"
        )
    ext = os.path.splitext(path)[1].lower() or ".bin"
    src = os.path.join(workdir, "input" + ext)
    shutil.copyfile(path, src)
    outdir = os.path.join(workdir, "out")
    timeout = CONVERT_TIMEOUT
    if deadline is not None:
        timeout = min(timeout, max(deadline - time.monotonic(), 0.1))
    cmd = [
        soffice, f"-env:UserInstallation=file://{os.path.join(workdir, 'profile')}",
        "--headless", "--norestore", "--nolockcheck", "--nodefault",
        "--convert-to", target, "--outdir", outdir, src,
    ]  # fmt: skip
    env = dict(os.environ, HOME=workdir)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise ScanTimeoutError("converting the file with LibreOffice took too long")
    out = os.path.join(outdir, "input." + target)
    if not os.path.isfile(out) or os.path.getsize(out) == 0:
        raise UnsupportedFormatError(
            "LibreOffice could not convert the file (damaged, password-protected or not a document)"
        )
    return out


def extract_legacy(path: str, target: str, *, max_bytes: int | None,
                   deadline: float | None) -> Extracted:
    """Convert a .doc/.xls/.ppt/.wps/.et/.dps file and extract the result."""
    _check_size(path, max_bytes)
    _reject_cfb(path)
    workdir = tempfile.mkdtemp(prefix="guildhall-convert-")
    try:
        converted = convert_legacy(path, target, workdir, deadline=deadline)
        # The converted file may be larger than the original; the zip checks
        # still bound what it may expand to.
        extracted = extract_document(converted, target, max_bytes=None if max_bytes is None
                                     else 4 * max_bytes, deadline=deadline)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    extracted.fmt = os.path.splitext(path)[1].lower().lstrip(".") or target
    return extracted


# --- Text in images (Tesseract OCR) --------------------------------------------------

_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]) +(?=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])")


@functools.cache
def _tesseract() -> tuple[str, str] | None:
    """Return the tesseract binary and its language option, or None when absent."""
    binary = shutil.which("tesseract")
    if binary is None:
        return None
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True,
                                timeout=20).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    langs = [lang for lang in ("chi_sim", "eng") if lang in listed]
    return binary, "+".join(langs) if langs else "eng"


_SPACED_DIGITS = re.compile("(?<![0-9])[0-9]+(?: [0-9]+)+[Xx]?(?![0-9A-Za-z])")
_SPACE_IN_BRACKET = re.compile("(?<=[0-9]) +(?=[)）-])|(?<=[(（-]) +(?=[0-9])")
# Tesseract's usual misreadings of the ★ between a classification level and its period.
_STAR_MISREAD = re.compile("(?<=绝密|机密|秘密)[妇太女大☆*]{1,2}(?= ?(?:[0-9]|长期|[一二三四五六七八九十]))")


def _join_number(m: re.Match[str]) -> str:
    parts = m.group().split(" ")
    joined = "".join(parts)
    # OCR splits numbers at random places ("1101051 9491231002X", "1443891 5422").
    # Printed groupings keep their spaces: 3-4-4 phones, 4-4-4-4 cards, 6-13,
    # area code + local number; a long first run is a number split by OCR.
    if 15 <= len(joined) <= 19 or (len(parts[0]) >= 5 and len(parts[0]) != 6):
        return joined
    return m.group()


def _clean_ocr(text: str) -> str:
    """Undo what OCR adds: spaces between Chinese characters and inside numbers, star misreads."""
    text = _CJK_SPACE.sub("", text)
    text = _SPACE_IN_BRACKET.sub("", text)
    text = _SPACED_DIGITS.sub(_join_number, text)
    return _STAR_MISREAD.sub("★", text)


def ocr_available() -> bool:
    """Tell whether text in images can be read on this machine (Tesseract is installed)."""
    return _tesseract() is not None


def _run(cmd: list[str], timeout: float, what: str) -> subprocess.CompletedProcess[bytes]:
    """Run a helper program in its own process group; kill the group on timeout."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, start_new_session=True,
                            env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ScanTimeoutError(f"{what} took longer than its time budget")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, b"")


def _budget(deadline: float | None, limit: float) -> float:
    if deadline is None:
        return limit
    left = deadline - time.monotonic()
    if left <= 0:
        raise ScanTimeoutError("reading the file took longer than the time budget")
    return min(limit, left)


def ocr_image_file(path: str, *, deadline: float | None) -> str:
    """Return the text Tesseract reads in one image (spaces between Chinese characters removed)."""
    found = _tesseract()
    if found is None:
        raise OcrUnavailableError(
            "the image was not read: text in images needs Tesseract OCR, which is not installed"
        )
    binary, langs = found
    done = _run([binary, path, "stdout", "-l", langs, "--psm", "3"],
                _budget(deadline, OCR_PAGE_TIMEOUT), "reading text in the image (OCR)")
    text = done.stdout.decode("utf-8", errors="replace").replace("\x0c", "")
    return _clean_ocr(text).strip()


def extract_image(path: str, *, max_bytes: int | None, deadline: float | None) -> Extracted:
    """Read the text in a PNG/JPEG/TIFF/BMP image with OCR, located as "image (OCR)"."""
    _check_size(path, max_bytes)
    out = _TextBuilder()
    for line in ocr_image_file(path, deadline=deadline).split("\n"):
        out.add(line, "image (OCR)")
    return out.build("image")


def _ocr_pdf_page(path: str, page: int, deadline: float | None) -> str | None:
    """Render one PDF page with pdftoppm and OCR it; None when the tools are missing."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None or _tesseract() is None:
        return None
    with tempfile.TemporaryDirectory(prefix="guildhall-ocr-") as work:
        prefix = os.path.join(work, "page")
        _run([pdftoppm, "-r", str(OCR_DPI), "-f", str(page), "-l", str(page), "-gray", "-png",
              "-singlefile", path, prefix], _budget(deadline, OCR_PAGE_TIMEOUT),
             "rendering a PDF page for OCR")
        image = prefix + ".png"
        if not os.path.isfile(image):
            return ""
        return ocr_image_file(image, deadline=deadline)


# --- PDF ---------------------------------------------------------------------------


def extract_pdf(path: str, *, max_bytes: int | None, deadline: float | None) -> Extracted:
    """Read the text layer of each page, located as ``page N``.

    A page without a text layer (a scan) is read with OCR when Tesseract and
    pdftoppm are installed ("page N (OCR)"); otherwise it is listed in ``unread``.
    """
    _check_size(path, max_bytes)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    out = _TextBuilder()
    pages = 0
    unread: list[str] = []
    try:
        with open(path, "rb") as fh:
            rsrc = PDFResourceManager()
            for page in PDFPage.get_pages(fh, check_extractable=False):
                pages += 1
                _deadline_check(deadline)
                buf = io.StringIO()
                device = TextConverter(rsrc, buf, laparams=LAParams())
                try:
                    PDFPageInterpreter(rsrc, device).process_page(page)
                finally:
                    device.close()
                text = buf.getvalue().replace("\x0c", "").strip("\n")
                if text.strip():
                    out.add(text, f"page {pages}")
                    continue
                ocr_text = _ocr_pdf_page(path, pages, deadline)
                if ocr_text is None:
                    unread.append(f"page {pages}: no text layer, and OCR (tesseract, pdftoppm) "
                                  "is not installed")
                else:
                    for line in ocr_text.split("\n"):
                        out.add(line, f"page {pages} (OCR)")
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise EncryptedFileError("the PDF is password-protected")
    except CheckerError:
        raise
    except Exception as exc:  # pdfminer raises many types for broken files
        raise DamagedFileError(f"the PDF is damaged ({type(exc).__name__})")
    if pages == 0:
        raise DamagedFileError("the PDF has no pages")
    if not out.parts:
        if unread:
            raise NoTextLayerError(
                "the PDF has no text layer (probably a scan); it needs OCR (Tesseract), "
                "which is not installed"
            )
        raise NoTextLayerError("the PDF has no text layer, and OCR found no text in it")
    extracted = out.build("pdf")
    extracted.unread = unread
    return extracted


# --- Dispatch ----------------------------------------------------------------------


def extract_text(
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
) -> Extracted:
    """Return the text of a file and the locations of its parts.

    Unlike ``scan_file`` this holds the whole text in memory, so plain text
    files are also subject to ``max_bytes``.
    """
    p = os.fspath(path)
    deadline = time.monotonic() + time_budget if time_budget else None
    fmt = detect_format(p)
    if fmt == "text":
        _check_size(p, max_bytes)
        text = "".join(iter_text(p, deadline=deadline))
        return Extracted(text, _lines_segments(text), "text")
    return extract_document(p, fmt, max_bytes=max_bytes, deadline=deadline)


def extract_document(
    path: str, fmt: str, *, max_bytes: int | None, deadline: float | None
) -> Extracted:
    """Extract a non-streamed format (html, docx, xlsx, pptx, pdf, legacy:<target>)."""
    if fmt == "html":
        _check_size(path, max_bytes)
        with open(path, "rb") as fh:
            return extract_html(fh.read())
    if fmt == "docx":
        return extract_docx(path, max_bytes=max_bytes, deadline=deadline)
    if fmt == "xlsx":
        return extract_xlsx(path, max_bytes=max_bytes, deadline=deadline)
    if fmt == "pptx":
        return extract_pptx(path, max_bytes=max_bytes, deadline=deadline)
    if fmt == "image":
        return extract_image(path, max_bytes=max_bytes, deadline=deadline)
    if fmt.startswith("legacy:"):
        return extract_legacy(path, fmt.split(":", 1)[1], max_bytes=max_bytes, deadline=deadline)
    if fmt == "pdf":
        return extract_pdf(path, max_bytes=max_bytes, deadline=deadline)
    raise UnsupportedFormatError(f"unsupported format {fmt!r}")
