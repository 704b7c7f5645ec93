"""Define the checker's value types: findings, extracted text and errors."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

#: Every finding type the checker knows, in reporting priority order.  When two
#: validated findings cover exactly the same span, the earlier type wins.
ALL_TYPES: tuple[str, ...] = (
    "CN_RESIDENT_ID",
    "CN_USCC",
    "BANK_CARD",
    "CN_MOBILE",
    "CN_LANDLINE",
    "PASSPORT",
    "EMAIL",
    "CONFIDENTIAL_MARKING",
    "CUSTOM_TERM",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """Describe one thing the checker found.

    ``start``/``end`` are character offsets into the (extracted) text, so
    ``text[start:end] == value``.  ``location`` is a human label such as
    ``"page 3"`` or ``"Sheet1!B2"`` when the format has one.
    """

    type: str
    start: int
    end: int
    value: str
    detail: str
    masked: str
    location: str | None = None
    confidence: float = 1.0

    def to_dict(self, *, reveal: bool = False) -> dict[str, object]:
        """Return a JSON-ready dict; include the raw value only when asked."""
        data: dict[str, object] = {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "detail": self.detail,
            "masked": self.masked,
            "location": self.location,
            "confidence": self.confidence,
        }
        if reveal:
            data["value"] = self.value
        return data


@dataclass(frozen=True, slots=True)
class Segment:
    """Map the character range ``[start, end)`` of extracted text to a location."""

    start: int
    end: int
    location: str


@dataclass(slots=True)
class Extracted:
    """Hold the text extracted from a file plus where each part came from."""

    text: str
    segments: list[Segment] = field(default_factory=list)
    fmt: str = "text"
    #: Parts that hold text the checker could not read, e.g. "page 3: no text
    #: layer, and Tesseract OCR is not installed".  Empty when everything was read.
    unread: list[str] = field(default_factory=list)

    def location_at(self, offset: int) -> str | None:
        """Return the location label of the segment containing ``offset``."""
        if not self.segments:
            return None
        i = bisect.bisect_right(self.segments, offset, key=lambda s: s.start) - 1
        if i < 0:
            return None
        seg = self.segments[i]
        return seg.location if seg.start <= offset < max(seg.end, seg.start + 1) else None


class CheckerError(Exception):
    """Signal that a file could not be checked.

    ``code`` is stable and meant for translation by callers; the message is a
    plain English sentence for logs and the command line.
    """

    code = "error"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


class EncryptedFileError(CheckerError):
    """Raise for password-protected documents."""

    code = "encrypted"


class DamagedFileError(CheckerError):
    """Raise for files whose structure cannot be parsed."""

    code = "damaged"


class FileTooLargeError(CheckerError):
    """Raise when a document exceeds the size budget."""

    code = "too_large"


class ZipBombError(CheckerError):
    """Raise when a zip container would expand far beyond a sane size."""

    code = "zip_bomb"


class BinaryFileError(CheckerError):
    """Raise when a file that should hold text holds binary data."""

    code = "binary"


class NoTextLayerError(CheckerError):
    """Raise when a PDF has pages but no extractable text (e.g. a scan)."""

    code = "no_text_layer"


class OcrUnavailableError(CheckerError):
    """Raise for an image when Tesseract OCR is not installed: the image was not read."""

    code = "ocr_unavailable"


class ScanTimeoutError(CheckerError):
    """Raise when a file takes longer than the per-file time budget."""

    code = "timeout"


class UnsupportedFormatError(CheckerError):
    """Raise for formats the checker does not read (e.g. legacy .doc)."""

    code = "unsupported"


class ConverterMissingError(UnsupportedFormatError):
    """Raise when a legacy or WPS file needs LibreOffice and it is not installed."""

    code = "converter_missing"


class EngineUnavailableError(RuntimeError):
    """Raise when a specific engine was requested but cannot be loaded."""
