"""Find personal information, secrets markings and confidential terms in text and files.

A plain library with no Django imports: the web app and the ``guildhall scan``
command both call it.  It ships no lists of political terms and judges no opinions.
"""

from .extract import DEFAULT_MAX_BYTES, DEFAULT_TIME_BUDGET, extract_text
from .scanner import Hit, resolve_overlaps, scan_file, scan_file_hits, scan_text
from .types import (
    ALL_TYPES,
    BinaryFileError,
    CheckerError,
    ConverterMissingError,
    DamagedFileError,
    EncryptedFileError,
    EngineUnavailableError,
    Extracted,
    FileTooLargeError,
    Finding,
    NoTextLayerError,
    OcrUnavailableError,
    ScanTimeoutError,
    Segment,
    UnsupportedFormatError,
    ZipBombError,
)
from .validators import mask, uscc_check_char, validate_resident_id, validate_uscc

__all__ = [
    "ALL_TYPES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIME_BUDGET",
    "BinaryFileError",
    "CheckerError",
    "ConverterMissingError",
    "DamagedFileError",
    "EncryptedFileError",
    "EngineUnavailableError",
    "Extracted",
    "FileTooLargeError",
    "Finding",
    "Hit",
    "NoTextLayerError",
    "OcrUnavailableError",
    "ScanTimeoutError",
    "Segment",
    "UnsupportedFormatError",
    "ZipBombError",
    "extract_text",
    "mask",
    "resolve_overlaps",
    "scan_file",
    "scan_file_hits",
    "scan_text",
    "uscc_check_char",
    "validate_resident_id",
    "validate_uscc",
]
