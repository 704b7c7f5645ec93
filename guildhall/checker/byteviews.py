"""Translate Hyperscan anchors into byte patterns for two fixed-width views of a text.

Scanning the UTF-8 encoding of a text means converting every hit's byte offset
back to a character offset, which costs a pass over all the bytes.  A text
whose characters all lie in the Basic Multilingual Plane (nearly every Chinese
document) has two cheap views in which a byte offset *is* a character offset,
or twice one:

* the **Latin-1 view**, ``text.encode("latin-1", "replace")``: one byte per
  character, the character itself up to U+00FF, ``?`` for everything else;
* the **UTF-16 view**, ``text.encode("utf-16-le")``: two bytes per character
  (a copy, for the usual two-byte internal representation of such a str).

Numbers, e-mail addresses and Latin custom terms are spelled in ASCII, so their
anchors run on the short Latin-1 view; markings and Chinese terms run on the
UTF-16 view.  Each anchor is parsed with Python's own regex parser and every
character or class is replaced by the set of bytes (or code units) that a
character of it can become in the view.  The translated pattern therefore
matches wherever the anchor matches the text, and possibly elsewhere: anchors
only say where to look, and the Python regexes decide.
"""

from __future__ import annotations

import re
from re import _constants as _C  # type: ignore[attr-defined]
from re import _parser as _P  # type: ignore[attr-defined]

LATIN1 = "latin-1"
UTF16 = "utf-16-le"

#: The byte ``str.encode("latin-1", "replace")`` writes for characters above U+00FF.
_REPLACEMENT = ord("?")
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

    def emit(self, seq: object) -> str:
        out: list[str] = []
        for op, av in seq:  # type: ignore[attr-defined]
            if op is _C.LITERAL:
                out.append(self.unit({av}, False))
            elif op is _C.NOT_LITERAL:
                out.append(self.unit({av}, True))
            elif op is _C.IN:
                negated, cps = _class_members(av)
                out.append(self.unit(cps, negated))
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
                out.append(f"(?:{self.emit(sub)}){q}")
            elif op is _C.SUBPATTERN:
                out.append(f"(?:{self.emit(av[3])})")
            elif op is _C.BRANCH:
                out.append("(?:" + "|".join(self.emit(s) for s in av[1]) + ")")
            elif op is _C.AT and av in (_C.AT_BEGINNING, _C.AT_BEGINNING_STRING):
                # Consuming the line break keeps the hit overlapping the match.
                out.append(f"(?:\\A|{self.line_start})")
            elif op is _C.AT and av in (_C.AT_END, _C.AT_END_STRING):
                out.append(f"(?:{self.line_end}|\\z)")
            else:
                raise UntranslatableError(f"regex construct {op} {av}")
        return "".join(out)


class _Latin1View(_View):
    """One byte per character: itself up to U+00FF, else ``?``."""

    line_start = line_end = "\\x0a"

    def unit(self, cps: set[int], negated: bool) -> str:
        if negated:
            # Every byte not in the class, and "?" (some character above U+00FF
            # is never in the class).
            bytes_ = {b for b in range(256) if b not in cps} | {_REPLACEMENT}
        else:
            bytes_ = {cp if cp < 256 else _REPLACEMENT for cp in cps}
        return _byte_class(bytes_)


class _Utf16View(_View):
    """Two bytes per character, low byte first (the view is BMP-only)."""

    line_start = line_end = "\\x0a\\x00"

    def unit(self, cps: set[int], negated: bool) -> str:
        if negated:
            members = [cp for cp in range(_BMP) if cp not in cps and cp not in _SURROGATES]
        else:
            members = [cp for cp in cps if cp < _BMP and cp not in _SURROGATES]
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


_VIEWS = {LATIN1: _Latin1View(), UTF16: _Utf16View()}


def translate(hs_src: str, view: str) -> bytes:
    """Translate one Hyperscan anchor (UTF-8 syntax) into a byte pattern for ``view``."""
    try:
        parsed = _P.parse(_py_source(hs_src))
    except re.error as exc:
        raise UntranslatableError(str(exc)) from exc
    return _VIEWS[view].emit(parsed).encode("ascii")


def bmp_utf16(text: str) -> bytes | None:
    """Return the UTF-16 view of ``text``, or None if it leaves the BMP.

    Texts with characters above U+FFFF (two UTF-16 units) or lone surrogates
    (not encodable) are scanned through UTF-8 instead.
    """
    try:
        wide = text.encode(UTF16)
    except UnicodeEncodeError:
        return None
    return wide if len(wide) == 2 * len(text) else None
