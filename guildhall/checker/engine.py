"""Find candidate matches with Hyperscan or with pure-Python regexes.

Both engines return exactly the matches of each spec's Python regex (see
``patterns.py``); Hyperscan merely narrows down where the Python regex runs.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from .byteviews import (
    NARROW,
    UTF16,
    UntranslatableError,
    fast_views,
    latin1_only,
    markers,
    text_views,
    translate,
)
from .patterns import (
    BUILTIN_SPECS,
    MARK_LOOKAHEAD,
    MAX_LOOKAHEAD,
    MAX_TERM_LENGTH,
    PatternSpec,
    terms_spec,
)
from .types import ALL_TYPES, EngineUnavailableError

#: (spec index, value start, value end) — character offsets into the text.
Match = tuple[int, int, int]

ENGINES = ("auto", "hyperscan", "python")

# Full-width ASCII variants that may appear inside numbers and codes.  Mapping
# them is one character to one character, so offsets never move.
_FW_CLASS = "\uff0b\uff0d\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_FW_RE = re.compile(f"[{_FW_CLASS}]+")
_FW_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
# Digits first: Hyperscan scans two simple classes faster than the union.
_FW_HS = "[\\x{ff10}-\\x{ff19}]|[\\x{ff0b}\\x{ff0d}\\x{ff21}-\\x{ff3a}\\x{ff41}-\\x{ff5a}]"
# UTF-8 continuation bytes: deleting them leaves one byte per character.
_UTF8_CONT = bytes(range(0x80, 0xC0))
_SURROGATES = re.compile("[\ud800-\udfff]")
_MATCH_ORDER = itemgetter(1, 2, 0)


def normalize_text(text: str) -> str:
    """Map full-width digits, letters, ＋ and － to ASCII, keeping every offset."""
    if not _FW_RE.search(text):
        return text
    return _FW_RE.sub(lambda m: m.group().translate(_FW_TABLE), text)


def normalize_runs(text: str, runs: list[tuple[int, int]]) -> str:
    """Return ``text`` with its runs [a, b) of full-width forms mapped to ASCII (see markers)."""
    if not runs:
        return text
    pieces, prev = [], 0
    for a, b in runs:
        pieces += (text[prev:a], text[a:b].translate(_FW_TABLE))
        prev = b
    pieces.append(text[prev:])
    return "".join(pieces)


def _load_hyperscan() -> Any | None:
    """Import hyperscan if available; the checker works without it."""
    try:
        import hyperscan
    except ImportError:  # pragma: no cover - depends on the platform
        return None
    return hyperscan


def _hyperscan() -> Any:
    hs = _load_hyperscan()
    if hs is None:
        raise EngineUnavailableError("hyperscan cannot be imported")
    return hs


def _compile(hs: Any, expressions: list[bytes], ids: list[int], flags: list[int]) -> Any:
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    db.compile(expressions=expressions, ids=ids, elements=len(ids), flags=flags)
    return db


#: Latin-1 anchors compiled into a database of their own (see _view_databases).
_APART = frozenset({"email"})
#: The group of Latin custom terms in the narrow view (never compressed: a term
#: may spell two characters in a row that the narrow view writes as "?").
_TERMS = TERMS_GROUP = "terms"


def _needs_wide(spec: PatternSpec, anchor: str) -> bool:
    """Tell whether an anchor runs on the UTF-16 view (markings, Chinese terms)."""
    if spec.type == "CONFIDENTIAL_MARKING":
        return True
    if spec.type == "CUSTOM_TERM":
        return not latin1_only(anchor)
    return False


def hyperscan_available() -> bool:
    """Tell whether the Hyperscan engine can be used on this machine."""
    return _load_hyperscan() is not None


def resolve_engine(engine: str | None) -> str:
    """Turn ``auto``/None (or $GUILDHALL_CHECKER_ENGINE) into a concrete engine name."""
    name = engine or os.environ.get("GUILDHALL_CHECKER_ENGINE") or "auto"
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if name == "auto":
        return "hyperscan" if hyperscan_available() else "python"
    if name == "hyperscan" and not hyperscan_available():
        raise EngineUnavailableError("the hyperscan engine was requested but cannot be imported")
    return name


class PatternSet:
    """Hold the specs selected for one scan and their compiled Hyperscan database."""

    def __init__(self, specs: Sequence[PatternSpec]) -> None:
        self.specs = tuple(specs)
        self._db: Any | None = None
        self._view_dbs: tuple[Any | None, Any] | bool | None = None
        #: Per narrow database: may it scan the compressed narrow view?
        self._compressible: tuple[bool, ...] = ()
        self._db_lock = threading.Lock()
        self._local = threading.local()

    # -- Python engine --------------------------------------------------------

    def python_matches(self, text: str) -> tuple[str, list[Match]]:
        """Run every spec's regex over the whole text."""
        norm = normalize_text(text)
        found: set[Match] = set()
        for idx, spec in enumerate(self.specs):
            group = spec.value_group
            for m in spec.py.finditer(norm):
                s, e = m.span(group) if group else m.span()
                found.add((idx, s, e))
        return norm, sorted(found, key=lambda t: (t[1], t[2], t[0]))

    # -- Hyperscan engine -----------------------------------------------------

    def _database(self) -> Any:
        """Compile all anchors into one UTF-8 database (once per pattern set).

        Used for texts that leave the Basic Multilingual Plane; see
        :meth:`_view_databases` for the usual case.
        """
        with self._db_lock:
            if self._db is None:
                hs = _hyperscan()
                expressions: list[bytes] = []
                ids: list[int] = []
                flags: list[int] = []
                base = hs.HS_FLAG_SOM_LEFTMOST | hs.HS_FLAG_UTF8
                for idx, spec in enumerate(self.specs):
                    for anchor in spec.hs:
                        expressions.append(anchor.encode("utf-8"))
                        ids.append(idx)
                        flags.append(base | self._extra_flags(hs, spec))
                # One extra expression tells us whether normalisation is needed.
                expressions.append(_FW_HS.encode("utf-8"))
                ids.append(len(self.specs))
                flags.append(base)
                self._db = _compile(hs, expressions, ids, flags)
            return self._db

    @staticmethod
    def _extra_flags(hs: Any, spec: PatternSpec) -> int:
        return (hs.HS_FLAG_CASELESS if spec.hs_caseless else 0) | (
            hs.HS_FLAG_MULTILINE if spec.hs_multiline else 0
        )

    def view_groups(self) -> list[tuple[str, list[bytes], list[int], list[int]]] | None:
        """Translate the anchors for the narrow and UTF-16 views (see byteviews).

        Return (group, expressions, spec indices, Hyperscan flags) per database:
        group UTF16 (markings and Chinese custom terms, on the UTF-16 view),
        _TERMS (Latin custom terms, on the narrow view) or another name (numbers
        and e-mail addresses, on the compressed narrow view).  Return None when
        an anchor cannot be translated (the UTF-8 database is then used for
        everything).  The C engine (scanner.py, _native.c) compiles the same.
        """
        hs = _hyperscan()
        groups: dict[str, tuple[list[bytes], list[int], list[int]]] = {}
        try:
            for idx, spec in enumerate(self.specs):
                for anchor in spec.hs:
                    view = UTF16 if _needs_wide(spec, anchor) else NARROW
                    if view == UTF16:
                        key = UTF16
                    elif spec.type == "CUSTOM_TERM":
                        key = _TERMS
                    else:
                        key = spec.key if spec.key in _APART else NARROW
                    group = groups.setdefault(key, ([], [], []))
                    group[0].append(translate(anchor, view, caseless=spec.hs_caseless))
                    group[1].append(idx)
                    # Line anchors are translated to consume the line
                    # break, so no multi-line flag is needed.
                    group[2].append(
                        hs.HS_FLAG_SOM_LEFTMOST | (hs.HS_FLAG_CASELESS if spec.hs_caseless else 0)
                    )
        except UntranslatableError:
            return None
        return [(key, *g) for key, g in groups.items()]

    def _view_databases(self) -> tuple[tuple[Any, ...], Any | None] | None:
        """Compile the anchors for the narrow and UTF-16 views (see view_groups).

        Return (narrow databases, UTF-16 database or None).  The e-mail anchor
        has a database of its own (Hyperscan scans the two faster than their
        union: 1.65 against 1.97 ms per million characters of the benchmark's
        prose).  Return None when an anchor cannot be translated or compiled.
        """
        with self._db_lock:
            if self._view_dbs is None:
                hs = _hyperscan()
                groups = self.view_groups()
                try:
                    if groups is None:
                        raise UntranslatableError("an anchor cannot be translated")
                    narrow = [g for g in groups if g[0] != UTF16]
                    wide = [g for g in groups if g[0] == UTF16]
                    self._view_dbs = (
                        tuple(_compile(hs, *g[1:]) for g in narrow),
                        _compile(hs, *wide[0][1:]) if wide else None,
                    )
                    self._compressible = tuple(g[0] != _TERMS for g in narrow)
                except (UntranslatableError, hs.error):
                    # A construct the translation does not know, or a pattern
                    # Hyperscan refuses in byte mode: scan through UTF-8.
                    self._view_dbs = False
            return self._view_dbs or None

    def release_view_databases(self) -> None:
        """Drop the compiled view databases and this thread's scratches (compiled again on use)."""
        with self._db_lock:
            self._view_dbs = None
            self._compressible = ()
        self._local = threading.local()

    def _scratch(self, db: Any) -> Any:
        """Return this thread's scratch space for ``db``; a scratch cannot be shared by threads."""
        scratches = getattr(self._local, "scratches", None)
        if scratches is None:
            scratches = self._local.scratches = {}
        scratch = scratches.get(id(db))
        if scratch is None:
            scratch = scratches[id(db)] = _hyperscan().Scratch(db)
        return scratch

    def _view_hits(self, text: str) -> tuple[str, dict[int, list[tuple[int, int]]]] | None:
        """Normalise ``text`` and find its anchors in the fixed-width views.

        Return the normalised text and its hits, (char start, char end) per
        spec index, in no particular order; None when the text leaves the BMP
        (or an anchor could not be translated, or NumPy is missing).
        """
        dbs = self._view_databases()
        if dbs is None:
            return None
        fast = fast_views(text)
        if fast is None:
            return None  # beyond the BMP
        if fast is False:
            # No C helper: the pure-Python views (the same bytes, tested).
            try:
                views = text_views(text)
            except ImportError:  # pragma: no cover - NumPy is a dependency
                return None
            if views is None:
                return None
            narrow, wide = views
            runs = markers(narrow)
        else:
            narrow, wide, runs = fast.narrow, fast.wide, fast.runs
        narrow_dbs, wide_db = dbs
        # The Python regexes and rules read the normalised text; the views
        # already read full-width forms as ASCII.
        norm = normalize_runs(text, runs)
        # Hits go straight into one list per spec; _windows sorts and merges them.
        per_spec: list[list[tuple[int, int]]] = [[] for _ in self.specs]
        if narrow_dbs:
            # One byte per character: offsets are character offsets.
            def on_narrow(idx: int, start: int, end: int, flags: int, ctx: object) -> None:
                per_spec[idx].append((start, end))

            if fast is not False:
                compressed, pos = fast.compressed, fast.pos

                # Offsets in the compressed view, mapped back through pos: a
                # hit's last byte may be a "?" standing for a run, whose first
                # character it is.
                def on_compressed(idx: int, start: int, end: int, flags: int, ctx: object) -> None:
                    per_spec[idx].append((pos[start], pos[end - 1] + 1))

            for db, compressible in zip(narrow_dbs, self._compressible, strict=True):
                if compressible and fast is not False:
                    db.scan(compressed, match_event_handler=on_compressed, scratch=self._scratch(db))
                else:
                    db.scan(narrow, match_event_handler=on_narrow, scratch=self._scratch(db))
        if wide_db is not None:
            # Two bytes per character.  A hit at an odd offset straddles two
            # characters: it is not a match of the anchor (every match of it
            # starts and ends on a character boundary, and so do all hits
            # sharing its end, since every unit of the pattern is two bytes).
            def on_wide(idx: int, start: int, end: int, flags: int, ctx: object) -> None:
                if not start & 1:
                    per_spec[idx].append((start >> 1, end >> 1))

            wide_db.scan(wide, match_event_handler=on_wide, scratch=self._scratch(wide_db))
        return norm, {idx: hits for idx, hits in enumerate(per_spec) if hits}

    def _merge_hits(self, raw: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Merge overlapping hits per spec (strictly overlapping, like _windows)."""
        if not raw:
            return raw
        raw.sort()
        hits: list[tuple[int, int, int]] = []
        fw_id = len(self.specs)
        cur_i, cur_s, cur_e = raw[0]
        for i, s, e in raw:
            # Full-width characters are reported one by one: join touching ones.
            if i == cur_i and (s < cur_e or (s == cur_e and i == fw_id)):
                if e > cur_e:
                    cur_e = e
                continue
            hits.append((cur_i, cur_s, cur_e))
            cur_i, cur_s, cur_e = i, s, e
        hits.append((cur_i, cur_s, cur_e))
        return hits

    def _hs_scan(self, text: str) -> list[tuple[int, int, int]]:
        """Scan the UTF-8 encoding of ``text`` and return hits as (spec index, char start, char end).

        Used for texts beyond the BMP.  Hits of one spec that overlap are merged
        into one (their union), which is what the windowing would do with them
        anyway; the full-width detector's hits are merged the same way.
        """
        ascii_only = text.isascii()
        if ascii_only:
            data = text.encode("ascii")
        else:
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:
                # Lone surrogates are not valid UTF-8; U+FFFD keeps one char per char.
                data = _SURROGATES.sub("\ufffd", text).encode("utf-8")
        db = self._database()
        raw: list[tuple[int, int, int]] = []
        append = raw.append

        def on_match(idx: int, start: int, end: int, flags: int, ctx: object) -> None:
            append((idx, start, end))

        db.scan(data, match_event_handler=on_match, scratch=self._scratch(db))
        hits = self._merge_hits(raw)
        if ascii_only or not hits:
            return hits
        fw_id = len(self.specs)
        # Hyperscan reports byte offsets.  Convert the starts to character
        # offsets by counting the non-continuation bytes between consecutive
        # starts (linear overall, and cheaper than decoding).  An end only
        # bounds the window to scan, so the byte length is used as an upper
        # bound on the character length -- except for full-width runs, whose
        # characters are exactly three bytes each and whose end must be exact.
        starts = sorted({h[1] for h in hits})
        char_at: dict[int, int] = {}
        prev_b = prev_c = 0
        cont = _UTF8_CONT
        for b in starts:
            prev_c += len(data[prev_b:b].translate(None, cont))
            prev_b = b
            char_at[b] = prev_c
        return [
            (i, char_at[s], char_at[s] + ((e - s) // 3 if i == fw_id else e - s))
            for i, s, e in hits
        ]

    def _utf8_hits(self, text: str) -> tuple[str, dict[int, list[tuple[int, int]]]]:
        """Find the anchors through UTF-8 (texts beyond the BMP), like _view_hits.

        Anchors spell ASCII digits, so matches that contain full-width
        characters are missed at first: those runs are normalised and the text
        around them rescanned; anchors elsewhere are unaffected.
        """
        fw_id = len(self.specs)
        hits = self._hs_scan(text)
        fw_runs = _merge([(s, e) for i, s, e in hits if i == fw_id], 0)
        norm = text
        if fw_runs:
            pieces, prev = [], 0
            for a, b in fw_runs:
                pieces += (text[prev:a], text[a:b].translate(_FW_TABLE))
                prev = b
            pieces.append(text[prev:])
            norm = "".join(pieces)
            reach = max(spec.anchor_span or spec.max_span for spec in self.specs) + 2
            for a, b in _merge(fw_runs, reach, len(norm)):
                hits.extend((i, s + a, e + a) for i, s, e in self._hs_scan(norm[a:b]))
        per_spec: dict[int, list[tuple[int, int]]] = {}
        for idx, s, e in hits:
            if idx != fw_id:
                per_spec.setdefault(idx, []).append((s, e))
        return norm, per_spec

    def hyperscan_matches(self, text: str) -> tuple[str, list[Match]]:
        """Locate anchors with Hyperscan, then confirm them with the Python regexes."""
        viewed = self._view_hits(text)
        if viewed is not None:
            norm, per_spec = viewed
        else:
            norm, per_spec = self._utf8_hits(text)
        found: set[Match] = set()
        add = found.add
        n = len(norm)
        for idx, spec_hits in per_spec.items():
            spec = self.specs[idx]
            if spec.exact is not None and viewed is not None:
                # Hits on the Latin-1 view have exact offsets: each is one
                # candidate, checked here instead of by the regex.
                found.update(_exact_matches(spec.exact, idx, norm, spec_hits))
                continue
            group = spec.value_group
            finditer = spec.py.finditer
            max_span = spec.max_span
            allowed = spec.allowed if spec.cuts is None else None
            cut_search = _cut_class(spec.cuts).search if spec.cuts is not None else None
            for ws, stop in _windows(norm, spec, spec_hits):
                # Without an end position a fruitless search would run on to the
                # end of the text.  Matches starting before ``stop`` end (with
                # their lookahead) before stop + max_span, so the cut cannot
                # change them.
                end = stop + max_span
                if allowed is not None:
                    # Such a match consists of allowed characters, so it ends
                    # at the latest where the run of allowed characters around
                    # stop - 1 ends; its lookahead reads at most MAX_LOOKAHEAD
                    # characters further.
                    r = stop - 1 if stop > 0 else 0
                    while r < n and norm[r] in allowed:
                        r += 1
                    r += MAX_LOOKAHEAD
                    if r < end:
                        end = r
                elif cut_search is not None:
                    # A marking never contains a cut character, so it ends at
                    # the first one after stop at the latest; its lookahead
                    # reads a few characters more.  Notices may be long
                    # (max_span), sentences usually are not.
                    c = cut_search(norm, stop, end)
                    if c is not None and c.start() + MARK_LOOKAHEAD < end:
                        end = c.start() + MARK_LOOKAHEAD
                if end > n:
                    end = n
                for m in finditer(norm, ws, end):
                    if m.start() >= stop:
                        break
                    add((idx, *m.span(group)) if group else (idx, *m.span()))
        return norm, sorted(found, key=_MATCH_ORDER)

    def matches(self, text: str, engine: str) -> tuple[str, list[Match]]:
        """Return the normalised text and all matches, using ``engine``."""
        if engine == "hyperscan":
            return self.hyperscan_matches(text)
        return self.python_matches(text)


_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
_LETTERS = _ALNUM - _DIGITS
_SEPS = frozenset(" -")


def _exact_matches(kind: str, idx: int, norm: str, hits: list[tuple[int, int]]) -> list[Match]:
    """Turn the hits of an exact anchor (see patterns.EXACT_KINDS) into matches.

    A hit runs from the leftmost start of the only candidate ending at its
    trailing boundary to just after that boundary (one or two characters, or
    none at the end of the text).  What remains is the leading boundary, which
    Hyperscan cannot look behind for.
    """
    out: list[Match] = []
    append = out.append
    if kind == "chain":
        for s, e in hits:
            while norm[e - 1] not in _DIGITS:
                e -= 1
            if s and (
                (prev := norm[s - 1]) in _ALNUM
                or (prev in _SEPS and s > 1 and norm[s - 2] in _DIGITS)
            ):
                continue
            if e < len(norm) and norm[e] in _LETTERS:
                continue
            append((idx, s, e))
        return out
    passport = kind == "passport"
    for s, e in hits:
        if norm[e - 1] not in _ALNUM:
            e -= 1
        if s and (
            (prev := norm[s - 1]) in _ALNUM
            or (passport and prev == "-" and s > 1 and norm[s - 2] in _DIGITS)
        ):
            continue
        append((idx, s, e))
    return out


@lru_cache(maxsize=16)
def _cut_class(cuts: frozenset[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(cuts)) + "]")


def _merge(
    spans: list[tuple[int, int]], reach: int, limit: int | None = None
) -> list[tuple[int, int]]:
    """Widen spans by ``reach`` on both sides (clipped to [0, limit]) and merge them."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        a, b = max(0, a - reach), b + reach if limit is None else min(limit, b + reach)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _cut_left(text: str, pos: int, lo: int, spec: PatternSpec) -> int | None:
    """Find ws in [lo, pos] such that no match of ``spec`` can straddle ws.

    That holds at ws == 0 or when text[ws - 1] can never be part of a match.
    Return None when the only candidates lie before ``lo`` (the caller then
    merges with the previous window, which already starts at a safe place).
    """
    if spec.cuts is not None:
        # Sentence ends are usually close: look in a short stretch first so the
        # searches do not run all the way back to the previous window.
        near = max(lo, pos - 256)
        for start in (near, lo) if near > lo else (lo,):
            best = max(text.rfind(ch, start, pos) for ch in spec.cuts)
            if best >= 0:
                return best + 1
    else:
        allowed = spec.allowed or frozenset()
        i = pos
        while i > lo and text[i - 1] in allowed:
            i -= 1
        if i > lo:
            return i
    if lo == 0:
        return 0
    prev = text[lo - 1]
    if (spec.cuts is not None and prev in spec.cuts) or (
        spec.cuts is None and prev not in (spec.allowed or frozenset())
    ):
        return lo
    return None


def _windows(text: str, spec: PatternSpec, hits: list[tuple[int, int]]) -> list[list[int]]:
    """Group anchor hits into [safe start, stop) windows for the Python regex.

    A match is reported by the window whose scan covers its start; every match
    overlaps an anchor hit, so starting at a safe cut left of the hit and
    stopping at the hit's end finds it.
    """
    hits.sort()
    windows: list[list[int]] = []
    # Inline the common case of _cut_left (no cut characters) for speed.
    allowed = (spec.allowed or frozenset()) if spec.cuts is None else None
    ws: int | None
    for x, y in hits:
        if windows and x < windows[-1][1]:
            if y > windows[-1][1]:
                windows[-1][1] = y
            continue
        lo = windows[-1][1] if windows else 0
        if allowed is None:
            ws = _cut_left(text, x, lo, spec)
        else:
            i = x
            while i > lo and text[i - 1] in allowed:
                i -= 1
            if i > lo or lo == 0:
                ws = i
            elif text[lo - 1] not in allowed:
                ws = lo
            else:
                ws = None
        if ws is None:
            windows[-1][1] = max(windows[-1][1], y)
        else:
            windows.append([ws, y])
    return windows


def _normalize_terms(terms: Sequence[str]) -> tuple[str, ...]:
    """Clean, normalise and de-duplicate custom terms (case-insensitively for Latin)."""
    seen: dict[str, str] = {}
    for raw in terms:
        term = normalize_text(raw.strip())
        if not term:
            continue
        if len(term) > MAX_TERM_LENGTH:
            raise ValueError(f"custom terms are limited to {MAX_TERM_LENGTH} characters")
        seen.setdefault(term.lower(), term)
    return tuple(sorted(seen.values()))


@lru_cache(maxsize=32)
def _pattern_set(types: tuple[str, ...], terms: tuple[str, ...]) -> PatternSet:
    specs = [s for s in BUILTIN_SPECS if s.type in types]
    if "CUSTOM_TERM" in types:
        term = terms_spec(terms)
        if term is not None:
            specs.append(term)
    return PatternSet(specs)


def pattern_set(types: Sequence[str] | None, terms: Sequence[str]) -> PatternSet:
    """Return the (cached) pattern set for the given types and custom terms."""
    if types is None:
        chosen = ALL_TYPES
    else:
        wanted = {t.strip().upper() for t in types if t.strip()}
        unknown = wanted - set(ALL_TYPES)
        if unknown:
            raise ValueError(f"unknown finding type(s): {', '.join(sorted(unknown))}")
        chosen = tuple(t for t in ALL_TYPES if t in wanted)
    return _pattern_set(chosen, _normalize_terms(terms))
