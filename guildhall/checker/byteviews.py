"""Translate Hyperscan anchors into byte patterns for two fixed-width views of a text.

Scanning the UTF-8 encoding of a text means converting every hit's byte offset
back to a character offset, which costs a pass over all the bytes.  A text
whose characters all lie in the Basic Multilingual Plane (nearly every Chinese
document) has two cheap views in which a byte offset *is* a character offset,
or twice one:

* the **UTF-16 view**: two bytes per character.  For a str that CPython
  stores with two bytes per character (a Chinese text), this is the str's own
  memory, read in place (:func:`utf16_view`); otherwise its encoding;
* the **narrow view**: one byte per character, read from the UTF-16 view
  through a table (:data:`NARROW_TABLE`): ASCII characters stay themselves, the
  full-width forms the engine normalises (０-９, Ａ-Ｚ, ａ-ｚ, ＋, －) become
  *markers* (bytes 0x80-0xBF, one per form), everything else ``?``.

Both views describe the *normalised* text (full-width forms read as ASCII):
the anchors are translated so that a marker counts as the ASCII character it
stands for, and the full-width forms count as ASCII in the UTF-16 view.  Hence
no normalisation is needed before scanning, and the markers tell where the
text needs normalising at all.

Numbers, e-mail addresses and Latin custom terms are spelled in ASCII, so their
anchors run on the short narrow view; markings and Chinese terms run on the
UTF-16 view.  Each anchor is parsed with Python's own regex parser and every
character or class is replaced by the set of bytes (or code units) that a
character of it can become in the view.  The translated pattern therefore
matches wherever the anchor matches the normalised text, and possibly
elsewhere: anchors only say where to look, and the Python regexes decide.  In
the narrow view a class of ASCII characters matches exactly the positions whose
normalised character is in the class, which the exact anchors rely on.
"""

from __future__ import annotations

import re
import threading
from re import _constants as _C  # type: ignore[attr-defined]
from re import _parser as _P  # type: ignore[attr-defined]
from typing import NamedTuple

NARROW = "narrow"
UTF16 = "utf-16-le"

#: The byte the narrow view writes for every character that is neither ASCII
#: nor a normalised full-width form.
_REPLACEMENT = ord("?")
#: The full-width forms the engine normalises, each to the ASCII character
#: 0xFEE0 below it; the n-th of them is marker 0x80 + n in the narrow view.
FULLWIDTH = (0xFF0B, 0xFF0D, *range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
_MARKER = {cp - 0xFEE0: 0x80 + i for i, cp in enumerate(FULLWIDTH)}  # ASCII -> marker
_FW_OF = {cp - 0xFEE0: cp for cp in FULLWIDTH}  # ASCII -> full-width form
_NORM_OF = {cp: cp - 0xFEE0 for cp in FULLWIDTH}  # full-width form -> ASCII
_BMP = 0x10000
_SURROGATES = range(0xD800, 0xE000)
_HS_ESCAPE = re.compile(r"\\x\{([0-9a-fA-F]+)\}")


class UntranslatableError(ValueError):
    """Raised for regex constructs the translation does not handle."""


def _py_source(hs_src: str) -> str:
    """Turn Hyperscan's ``\\x{...}`` escapes back into Python regex syntax."""

    def repl(m: re.Match[str]) -> str:
        cp = int(m.group(1), 16)
        return f"\\u{cp:04x}" if cp < _BMP else f"\\U{cp:08x}"

    return _HS_ESCAPE.sub(repl, hs_src)


def latin1_only(hs_src: str) -> bool:
    """Tell whether an anchor (a literal term) spells only characters up to U+00FF."""
    plain = _HS_ESCAPE.sub(lambda m: chr(min(int(m.group(1), 16), 0x10FFFF)), hs_src)
    return all(ord(ch) < 256 for ch in plain)


def _byte_class(values: set[int] | list[int]) -> str:
    """Write a set of byte values as one Hyperscan byte or byte class."""
    vals = sorted(values)
    if not vals:
        raise UntranslatableError("empty class")
    if len(vals) == 1:
        return f"\\x{vals[0]:02x}"
    parts, i = [], 0
    while i < len(vals):
        j = i
        while j + 1 < len(vals) and vals[j + 1] == vals[j] + 1:
            j += 1
        parts.append(f"\\x{vals[i]:02x}" if i == j else f"\\x{vals[i]:02x}-\\x{vals[j]:02x}")
        i = j + 1
    return "[" + "".join(parts) + "]"


def _class_members(items: list[tuple[object, object]]) -> tuple[bool, set[int]]:
    """Return (negated, code points) of a parsed character class."""
    negated, cps = False, set()
    for op, av in items:
        if op is _C.NEGATE:
            negated = True
        elif op is _C.LITERAL:
            cps.add(av)  # type: ignore[arg-type]
        elif op is _C.RANGE:
            lo, hi = av  # type: ignore[misc]
            cps.update(range(lo, hi + 1))
        else:
            raise UntranslatableError(f"class item {op}")
    return negated, cps


class _View:
    """Emit byte patterns for one view; subclasses say what a character becomes."""

    def unit(self, cps: set[int], negated: bool) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    line_start = line_end = ""

    def emit(self, seq: object, caseless: bool = False) -> str:
        out: list[str] = []

        def folded(cps: set[int]) -> set[int]:
            if not caseless:
                return cps
            return cps | {
                ord(chr(cp).swapcase()) for cp in cps if chr(cp).isascii() and chr(cp).isalpha()
            }

        for op, av in seq:  # type: ignore[attr-defined]
            if op is _C.LITERAL:
                out.append(self.unit(folded({av}), False))
            elif op is _C.NOT_LITERAL:
                out.append(self.unit({av}, True))
            elif op is _C.IN:
                negated, cps = _class_members(av)
                out.append(self.unit(cps if negated else folded(cps), negated))
            elif op is _C.ANY:
                out.append(self.unit({0x0A}, True))
            elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
                lo, hi, sub = av
                if hi is _C.MAXREPEAT:
                    q = "*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}"
                elif (lo, hi) == (0, 1):
                    q = "?"
                elif lo == hi:
                    q = f"{{{lo}}}"
                else:
                    q = f"{{{lo},{hi}}}"
                out.append(f"(?:{self.emit(sub, caseless)}){q}")
            elif op is _C.SUBPATTERN:
                out.append(f"(?:{self.emit(av[3], caseless)})")
            elif op is _C.BRANCH:
                out.append("(?:" + "|".join(self.emit(s, caseless) for s in av[1]) + ")")
            elif op is _C.AT and av in (_C.AT_BEGINNING, _C.AT_BEGINNING_STRING):
                # Consuming the line break keeps the hit overlapping the match.
                out.append(f"(?:\\A|{self.line_start})")
            elif op is _C.AT and av in (_C.AT_END, _C.AT_END_STRING):
                out.append(f"(?:{self.line_end}|\\z)")
            else:
                raise UntranslatableError(f"regex construct {op} {av}")
        return "".join(out)


class _NarrowView(_View):
    """One byte per character: ASCII itself, a marker for a full-width form, else ``?``."""

    line_start = line_end = "\\x0a"

    def unit(self, cps: set[int], negated: bool) -> str:
        if negated:
            # Every ASCII byte and marker whose character is not in the class,
            # and "?" (some character it stands for is never in the class).
            bytes_ = {b for b in range(128) if b not in cps} | {_REPLACEMENT}
            bytes_ |= {m for c, m in _MARKER.items() if c not in cps}
        else:
            bytes_ = {cp if cp < 128 else _REPLACEMENT for cp in cps}
            bytes_ |= {_MARKER[cp] for cp in cps if cp in _MARKER}
        return _byte_class(bytes_)


class _Utf16View(_View):
    """Two bytes per character, low byte first (the view is BMP-only)."""

    line_start = line_end = "\\x0a\\x00"

    def unit(self, cps: set[int], negated: bool) -> str:
        if negated:
            # A full-width form stands for its ASCII character.  Surrogates are
            # included: a str read in place may hold lone ones.
            members = [
                cp
                for cp in range(_BMP)
                if cp not in cps or (cp in _NORM_OF and _NORM_OF[cp] not in cps)
            ]
        else:
            members = [cp for cp in cps if cp < _BMP and cp not in _SURROGATES]
            members += [_FW_OF[cp] for cp in cps if cp in _FW_OF]
            astral = [cp for cp in cps if cp >= _BMP]
            if astral and not members:
                # Never present in a BMP-only view; a surrogate pair cannot occur.
                cp = astral[0] - _BMP
                hi, lo = 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF)
                return "".join(f"\\x{u & 0xFF:02x}\\x{u >> 8:02x}" for u in (hi, lo))
        by_high: dict[int, set[int]] = {}
        for cp in members:
            by_high.setdefault(cp >> 8, set()).add(cp & 0xFF)
        # Group the high bytes that share the same set of low bytes.
        by_lows: dict[frozenset[int], list[int]] = {}
        for high, lows in by_high.items():
            by_lows.setdefault(frozenset(lows), []).append(high)
        alts = [
            _byte_class(set(lows)) + _byte_class(highs)
            for lows, highs in sorted(by_lows.items(), key=lambda kv: min(kv[1]))
        ]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


_VIEWS = {NARROW: _NarrowView(), UTF16: _Utf16View()}


def translate(hs_src: str, view: str, *, caseless: bool = False) -> bytes:
    """Translate one Hyperscan anchor (UTF-8 syntax) into a byte pattern for ``view``.

    ``caseless``: the anchor is compiled with HS_FLAG_CASELESS, which folds
    ASCII bytes only, so the full-width forms of both cases are spelled out.
    """
    try:
        parsed = _P.parse(_py_source(hs_src))
    except re.error as exc:
        raise UntranslatableError(str(exc)) from exc
    return _VIEWS[view].emit(parsed, caseless).encode("ascii")


def _narrow_table() -> bytes:
    """Return the narrow view's byte for every BMP code unit (see the module docstring)."""
    table = bytearray([_REPLACEMENT]) * _BMP
    table[:128] = bytes(range(128))
    for cp in FULLWIDTH:
        table[cp] = _MARKER[cp - 0xFEE0]
    return bytes(table)


#: The narrow view's byte for each UTF-16 code unit.
NARROW_TABLE = _narrow_table()
#: The same for the bytes of a one-byte-per-character (Latin-1) str.
_NARROW_256 = NARROW_TABLE[:256]


def text_views(text: str) -> tuple[object, memoryview | bytes] | None:
    """Return the (narrow, UTF-16) views of ``text``, or None if it leaves the BMP.

    The UTF-16 view is the text encoded (for a str of two-byte characters, CPython
    copies them), and the narrow view of a text beyond Latin-1 is one table look-up
    per code unit (a NumPy array).  Lone surrogates are kept as code
    units (the anchors treat them as characters, as the regexes do).  Texts
    with characters above U+FFFF are scanned through UTF-8 instead.
    """
    if text.isascii():
        return text.encode("ascii"), text.encode(UTF16)
    try:
        latin = text.encode("latin-1")
    except UnicodeEncodeError:
        pass
    else:
        return latin.translate(_NARROW_256), text.encode(UTF16)
    wide = text.encode(UTF16, "surrogatepass")
    if len(wide) != 2 * len(text):
        return None  # characters above U+FFFF: scanned through UTF-8
    import numpy as np

    return _table_array().take(np.frombuffer(wide, dtype="<u2")), wide


def markers(narrow: object) -> list[tuple[int, int]]:
    """Return the runs [start, end) of full-width forms (markers) in a narrow view."""
    if isinstance(narrow, bytes):
        return []  # an ASCII or Latin-1 text has no full-width forms
    import numpy as np

    if not len(narrow) or narrow.max() < 0x80:  # type: ignore[attr-defined]
        return []
    at = np.flatnonzero(narrow >= 0x80)  # type: ignore[operator]
    breaks = np.flatnonzero(np.diff(at) > 1)
    starts = at[np.concatenate(([0], breaks + 1))]
    ends = at[np.concatenate((breaks, [len(at) - 1]))] + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


_TABLE_ARRAY = None


def _table_array():  # type: ignore[no-untyped-def]
    global _TABLE_ARRAY
    if _TABLE_ARRAY is None:
        import numpy as np

        _TABLE_ARRAY = np.frombuffer(NARROW_TABLE, dtype=np.uint8)
    return _TABLE_ARRAY


# --- The C helper (optional) ---------------------------------------------------

try:  # built by ``pip install -e .`` from _views.c; without it, text_views/markers
    from . import _views as _cviews
except ImportError:  # pragma: no cover - depends on the build
    _cviews = None

#: Reused view buffers are kept per thread up to this many characters.
_KEEP_CHARS = 1 << 19
_buffers = threading.local()


def c_views_available() -> bool:
    """Tell whether the compiled view builder (_views.c) is in use."""
    return _cviews is not None


def release_buffers() -> None:
    """Free this thread's reused view buffers (allocated again on the next call)."""
    if hasattr(_buffers, "bufs"):
        del _buffers.bufs


def fast_views(text: str) -> FastViews | None | bool:
    """Return the views of ``text`` built by the C helper, or None beyond the BMP.

    The same narrow and UTF-16 bytes as :func:`text_views` and the same runs as
    :func:`markers`, plus the compressed narrow view, all built in one call into
    buffers this thread reuses: they are valid until the thread's next call
    (the engine scans them at once).  Return False when the C helper is not
    built.
    """
    if _cviews is None:
        return False
    n = len(text)
    bufs = getattr(_buffers, "bufs", None)
    if bufs is None or len(bufs[0]) < n:
        size = max(n, _KEEP_CHARS)
        bufs = (bytearray(size), bytearray(2 * size), bytearray(size), bytearray(4 * size))
        if size == _KEEP_CHARS:
            _buffers.bufs = bufs
    narrow_buf, wide_buf, comp_buf, pos_buf = bufs
    out = _cviews.fill(text, narrow_buf, wide_buf, comp_buf, pos_buf)
    if out is None:
        return None
    runs, m = out
    return FastViews(
        memoryview(narrow_buf)[:n],
        memoryview(wide_buf)[: 2 * n],
        runs,
        memoryview(comp_buf)[:m],
        memoryview(pos_buf).cast("I")[:m],
    )


class FastViews(NamedTuple):
    """The views the C helper builds (see _views.c)."""

    #: One byte per character (as text_views).
    narrow: memoryview
    #: The UTF-16-LE code units (as text_views).
    wide: memoryview
    #: Runs [start, end) of full-width forms (as markers).
    runs: list[tuple[int, int]]
    #: The narrow view with every run of "?" written as one "?".
    compressed: memoryview
    #: pos[k]: the character offset of the compressed view's k-th byte.
    pos: memoryview
