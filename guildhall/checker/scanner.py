"""Scan text in overlapping chunks, validate candidates and resolve overlaps."""

from __future__ import annotations

import datetime as _dt
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from . import byteviews
from .byteviews import UTF16
from .engine import TERMS_GROUP, PatternSet, normalize_runs, pattern_set, resolve_engine
from .extract import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIME_BUDGET,
    detect_format,
    extract_document,
    iter_text,
)
from .patterns import MAX_MATCH_SPAN, PatternSpec
from .types import ALL_TYPES, CheckerError, Finding, ScanTimeoutError
from .validators import (  # the private checks skip what the patterns already ensure
    PROVINCE_CODES,
    _real_date,
    _uscc_check,
    card_brand,
    luhn_valid,
    mask,
    org_code_valid,
    resident_id_check_char,
)

#: Characters per scanning chunk; bounds memory for arbitrarily large texts.
CHUNK_CHARS = 1 << 18
#: Characters shared by neighbouring chunks.  Must exceed the longest match
#: (MAX_MATCH_SPAN) plus the context a rule looks at, so every finding is seen
#: whole exactly once.
OVERLAP = MAX_MATCH_SPAN + 48
#: Characters of context on each side of an excerpt.
EXCERPT_WIDTH = 30

_PRIORITY = {t: i for i, t in enumerate(ALL_TYPES)}


@dataclass(frozen=True, slots=True)
class Hit:
    """Pair a finding with a short excerpt of the text around it."""

    finding: Finding
    excerpt_start: int
    excerpt: str


# --- Context words -----------------------------------------------------------

CARD_CONTEXT = (
    "卡号", "账号", "帐号", "银行卡", "开户行", "开户银行", "账户", "帐户", "信用卡",
    "借记卡", "储蓄卡", "收款", "card no", "card number", "card#", "account",
)  # fmt: skip
# Words that announce a number that is *not* personal data.
NUMBER_NEGATIVE_CONTEXT = (
    "订单", "单号", "流水", "编号", "合同", "发票", "运单", "快递", "交易号", "批号",
    "序列号", "order", "invoice", "tracking", "serial", "ref",
)  # fmt: skip
PASSPORT_CONTEXT = (
    "护照", "通行证", "回乡证", "台胞证", "旅行证", "出入境证", "passport", "permit",
    "travel document",
)  # fmt: skip
TAIWAN_CONTEXT = ("台胞证", "台湾", "通行证")
USCC_CONTEXT = ("信用代码", "社会信用", "税号", "纳税人识别号", "纳税识别号", "uscc", "credit code")


def _around(norm: str, s: int, e: int, width: int = 20) -> str:
    """Return the lower-cased text within ``width`` characters on both sides."""
    return (norm[max(0, s - width) : s] + "\x00" + norm[e : e + width]).lower()


def _before(norm: str, s: int, width: int) -> str:
    return norm[max(0, s - width) : s].lower()


@cache
def _words_re(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in words))


def _has(text: str, words: tuple[str, ...]) -> bool:
    """Tell whether any of ``words`` occurs in ``text`` (one regex search)."""
    return _words_re(words).search(text) is not None


# The rules search with these directly (no cache look-up per candidate).
_USCC_WORDS = _words_re(USCC_CONTEXT).search
_CARD_WORDS = _words_re(CARD_CONTEXT).search
_NEGATIVE_WORDS = _words_re(NUMBER_NEGATIVE_CONTEXT).search
_PASSPORT_WORDS = _words_re(PASSPORT_CONTEXT).search
_TAIWAN_WORDS = _words_re(TAIWAN_CONTEXT).search


# --- Validation rules ----------------------------------------------------------

Verdict = tuple[str, float] | None


def _id_digits_valid(v: str) -> bool:
    """Do validate_resident_id for what the pattern admits ([0-9]{17}[0-9Xx] or [0-9]{15}).

    Such a value is already normalised and of the right shape, so only the
    province, the birth date and the check character remain to be tested.
    """
    if v[:2] not in PROVINCE_CODES:
        return False
    if len(v) == 18:
        return _real_date(int(v[6:10]), int(v[10:12]), int(v[12:14])) and (
            v[17].upper() == resident_id_check_char(v[:17])
        )
    return _real_date(1900 + int(v[6:8]), int(v[8:10]), int(v[10:12]))


def _rule_id(norm: str, s: int, e: int, base: int) -> Verdict:
    value = norm[s:e]
    if not _id_digits_valid(value):
        return None
    if len(value) == 18:
        return "resident ID number (check character valid)", 0.99
    return "legacy 15-digit resident ID number", 0.85


def _rule_uscc(norm: str, s: int, e: int, base: int) -> Verdict:
    # The pattern admits only the code's characters (upper case) and digits
    # in places 3-8, so of validate_uscc only the check character remains.
    code = norm[s:e]
    # Every test below only rejects, so the cheap ones go first.
    if code[0] not in "123456789ANY" or code[1] not in "123456789":
        return None
    if code[2:4] not in PROVINCE_CODES and code[2:4] != "10":
        return None
    if _uscc_check(code[:17]) != code[17]:
        return None
    # A valid resident ID is reported as an ID, never also as a code.
    if code[:17].isdigit() and code[17] in "0123456789X" and _id_digits_valid(code):
        return None
    org_ok = org_code_valid(code[8:17])
    if code.isdigit():
        # An all-digit 18-character string passes the check by chance once in
        # 31 tries, so ask for a second signal.
        if not (org_ok or _USCC_WORDS(_around(norm, s, e))):
            return None
        return "unified social credit code (check character valid)", 0.9
    return "unified social credit code (check character valid)", 0.99 if org_ok else 0.95


_CARD_GROUPS = ((4, 6, 5), (4, 6, 4))


def _card_grouping_ok(value: str) -> bool:
    """Accept the usual printed groupings: 4-4-4-4(-3), 4-6-5, 6-13, or no separators."""
    if " " not in value and "-" not in value:
        return True
    seps = {ch for ch in value if ch in " -"}
    if len(seps) > 1:
        return False
    groups = [len(g) for g in value.split(seps.pop())]
    if tuple(groups) in _CARD_GROUPS or (len(groups) == 2 and groups[0] == 6):
        return True
    return all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4


def _rule_card(norm: str, s: int, e: int, base: int) -> Verdict:
    value = norm[s:e]
    digits = value.replace(" ", "").replace("-", "")
    if not 13 <= len(digits) <= 19 or not _card_grouping_ok(value) or not luhn_valid(digits):
        return None
    brand = card_brand(digits)
    if _CARD_WORDS(_around(norm, s, e)):
        return f"{brand or 'bank'} card number (Luhn valid)", 0.99 if brand else 0.95
    if brand and not _NEGATIVE_WORDS(_before(norm, s, 12)):
        return f"{brand} card number (Luhn valid)", 0.85
    return None


def _rule_mobile(norm: str, s: int, e: int, base: int) -> Verdict:
    value = norm[s:e]
    plain = value.isdigit()
    if plain and _NEGATIVE_WORDS(_before(norm, s, 10)):
        return None
    return "mainland mobile number", 0.95 if not plain else 0.9


def _rule_landline(norm: str, s: int, e: int, base: int) -> Verdict:
    value = norm[s:e]
    if value.isdigit() and _NEGATIVE_WORDS(_before(norm, s, 10)):
        return None
    ext = any(mark in value.lower() for mark in ("转", "分机", "ext")) or value.count("-") > 1
    return ("landline number with extension" if ext else "landline number"), 0.9


def _is_date8(d: str) -> bool:
    """Tell whether eight digits read as a plausible YYYYMMDD date."""
    y, m, day = int(d[:4]), int(d[4:6]), int(d[6:])
    return 1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= day <= 31


def _rule_passport(norm: str, s: int, e: int, base: int) -> Verdict:
    value = norm[s:e]
    ctx = _around(norm, s, e)
    if not _PASSPORT_WORDS(ctx):
        return None
    if value.isdigit():
        if _is_date8(value) or not _TAIWAN_WORDS(ctx):
            return None
        return "Mainland travel permit for Taiwan residents", 0.85
    first, rest = value[0], value[1:]
    if first in "HM" and rest.isdigit() and len(rest) in (8, 10):
        return "Mainland travel permit for Hong Kong and Macao residents", 0.9
    if (first in "EG" and rest.isdigit() and len(rest) == 8) or (
        first == "E" and len(rest) == 8 and rest[0].isalpha()
    ):
        return "Chinese passport", 0.95
    if first == "C" and len(rest) == 8 and rest[1:].isdigit():
        return "exit-entry permit for Hong Kong and Macao", 0.9
    return "passport", 0.85


def _rule_email(norm: str, s: int, e: int, base: int) -> Verdict:
    local = norm[s:e].split("@", 1)[0]
    if ".." in local or local.endswith("."):
        return None
    return "e-mail address", 0.99


def _near_top(norm: str, s: int, base: int) -> bool:
    """Tell whether a standalone mark sits in the first few lines of the text."""
    return base == 0 and s < 2000 and norm.count("\n", 0, s) < 5


def _rule_mark(detail: str, confidence: float, line: bool = False) -> Callable[..., Verdict]:
    def rule(norm: str, s: int, e: int, base: int) -> Verdict:
        if line:
            return detail, 0.95 if _near_top(norm, s, base) else 0.8
        return detail, confidence

    return rule


def _rule_term(norm: str, s: int, e: int, base: int) -> Verdict:
    return "custom confidential term", 1.0


#: The rules whose verdict does not depend on the value: (detail, confidence,
#: standalone line).  A line mark's confidence is 0.95 near the top, else 0.8.
FIXED_VERDICTS: dict[str, tuple[str, float, bool]] = {
    "classification_star": ("classification", 0.99, False),
    "classification_level": ("classification", 0.99, False),
    "classification_line": ("classification", 0.95, True),
    "internal_line": ("internal", 0.95, True),
    "internal_inline": ("internal", 0.9, False),
    "distribution": ("distribution", 0.9, False),
    "term": ("custom confidential term", 1.0, False),
}

RULES: dict[str, Callable[[str, int, int, int], Verdict]] = {
    "id": _rule_id,
    "uscc": _rule_uscc,
    "card": _rule_card,
    "mobile": _rule_mobile,
    "landline": _rule_landline,
    "passport": _rule_passport,
    "email": _rule_email,
    **{key: _rule_mark(*verdict) for key, verdict in FIXED_VERDICTS.items() if key != "term"},
    "term": _rule_term,
}


def _validate(spec: PatternSpec, norm: str, s: int, e: int, base: int) -> Verdict:
    return RULES[spec.key](norm, s, e, base)


# --- The C engine (optional) ------------------------------------------------------

try:  # built by ``pip install -e .`` from _native.c when libhs and its headers are there
    from . import _native
except ImportError:  # pragma: no cover - depends on the build
    _native = None

_EXACT_CODES = {None: 0, "token": 1, "passport": 2, "chain": 3}
_RULE_CODES = {"id": 1, "uscc": 2, "card": 3, "mobile": 4, "landline": 5, "passport": 6, "email": 7}
_FIXED_RULE = 8
#: The view each group of view_groups() is scanned in by _native.c.
_VIEW_CODES = {UTF16: 2, TERMS_GROUP: 1}  # any other group: the compressed narrow view (0)
_CONTEXT_WORDS = (USCC_CONTEXT, CARD_CONTEXT, NUMBER_NEGATIVE_CONTEXT, PASSPORT_CONTEXT,
                  TAIWAN_CONTEXT)  # fmt: skip
_native_lock = threading.RLock()


def native_available() -> bool:
    """Tell whether the C engine (_native.c) is built and not switched off.

    ``GUILDHALL_CHECKER_NATIVE=0`` switches it off (the Hyperscan engine then
    runs its Python rules, with identical findings).
    """
    return _native is not None and os.environ.get("GUILDHALL_CHECKER_NATIVE", "1") != "0"


def _words_lower_safely(words: Iterable[str]) -> bool:
    """Tell whether _native.c's lower-casing agrees with str.lower for these words.

    It folds ASCII letters and U+0130/U+212A, and leaves every other character
    alone: right when each word spells lower-case ASCII and caseless (``Lo``)
    characters only, since no other character lowers to one of those (a test
    checks that for the whole BMP).
    """
    return all(
        (ch.isascii() and not ch.isupper()) or unicodedata.category(ch) == "Lo"
        for word in words
        for ch in word
    )


def native_engine(pset: PatternSet) -> object | None:
    """Return the C engine for ``pset`` (built once), or None when it cannot be used.

    The first engine built in a process is checked on a probe text against the
    Python rules and binding (see _PROBE); if it disagrees, none is used.
    """
    if not native_available():
        return None
    cached = pset.__dict__.get("_native_engine", False)
    if cached is not False:
        return cached
    if not _library_agrees():
        return None
    with _native_lock:
        cached = pset.__dict__.get("_native_engine", False)
        if cached is False:
            cached = pset.__dict__["_native_engine"] = _build_native(pset)
    return cached


_library_checked: bool | None = None


def _library_agrees() -> bool:
    """Build the engine for every type and the probe's terms once, and check it on _PROBE."""
    global _library_checked
    with _native_lock:
        if _library_checked is None:
            pset = pattern_set(None, _PROBE_TERMS)
            eng = _build_native(pset)
            _library_checked = eng is not None and _reports_what_the_binding_reports(pset, eng)
            pset.__dict__["_native_engine"] = eng if _library_checked else None
            if _library_checked:
                # The Python path's databases and buffers were only needed for the check.
                pset.release_view_databases()
                byteviews.release_buffers()
    return _library_checked


def _build_native(pset: PatternSet) -> object | None:
    """Compile the C engine for ``pset``; None when some spec or anchor is beyond it."""
    groups = pset.view_groups()
    if groups is None or not _words_lower_safely(w for ws in _CONTEXT_WORDS for w in ws):
        return None
    specs = []
    for spec in pset.specs:
        fixed = FIXED_VERDICTS.get(spec.key)
        rule = _FIXED_RULE if fixed else _RULE_CODES.get(spec.key)
        if rule is None or spec.exact not in _EXACT_CODES:
            return None
        specs.append((
            _EXACT_CODES[spec.exact], rule,
            "".join(sorted(spec.allowed)) if spec.allowed is not None else None,
            "".join(sorted(spec.cuts)) if spec.cuts is not None else None,
            spec.max_span, _PRIORITY.get(spec.type, 99), spec.type,
            spec.type in ("CONFIDENTIAL_MARKING", "CUSTOM_TERM"),
            fixed[0] if fixed else None, fixed[1] if fixed else 0.0,
            bool(fixed and fixed[2]),
        ))  # fmt: skip
    dbs = [(_VIEW_CODES.get(key, 0), exprs, ids, flags) for key, exprs, ids, flags in groups]
    try:
        return _native.Engine(  # type: ignore[union-attr]
            dbs, specs, _CONTEXT_WORDS, [int(code) for code in PROVINCE_CODES], Finding, mask
        )
    except ValueError:  # a pattern this libhs refuses
        return None


#: A text on which a libhs must report the hits the Python binding reports.  The
#: first line made Vectorscan 5.4.9 (Debian's libvectorscan5) miss the second
#: e-mail anchor with start-of-match reporting on; the rest has every type.
_PROBE = (
    "@q.com?l meeting approved the budget for 2024. ?\n?3.2?HT-2023-0456?2024?3?11:45?"
    "E-mail: wangwu88@3.o\n机密★1年 身份证11010519491231002X 手机+86 138-1234-5678 "
    "电话（025）83216547转12 卡号6222 0200 1234 5671 91350100M000100Y43 护照E12345678 "
    "此件不得外传，严禁复制。\n内 部\n仅限内部使用 Nebula 内部资料"
)
_PROBE_TERMS = ("Nebula", "内部资料")


def _reports_what_the_binding_reports(pset: PatternSet, eng: object) -> bool:
    """Check the C engine (and its libhs) against the Python rules and binding on _PROBE."""

    def findings(native: object | None) -> list[Hit | Finding]:
        scanner = _ChunkScanner(pset, "hyperscan", deadline=None, excerpt_width=None,
                                line_numbers=True, native=native)  # fmt: skip
        scanner.feed(_PROBE)
        return scanner.finish()

    if findings(eng) != findings(None):
        return False
    viewed = pset._view_hits(_PROBE)
    if viewed is None or not byteviews.c_views_available():
        return True  # the binding scanned the uncompressed view: other hits
    expected = sorted((idx, s, e) for idx, spans in viewed[1].items() for s, e in spans)
    return eng.hits(_PROBE, _today()) == expected  # type: ignore[attr-defined]


def _today() -> int:
    d = _dt.date.today()
    return d.year * 10000 + d.month * 100 + d.day


# --- Overlaps ----------------------------------------------------------------


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep one finding per overlapping cluster: the longest, then most confident.

    Ties go to the type listed first in ``ALL_TYPES``.  The result is sorted by
    start and free of overlaps.
    """

    def strength(f: Finding) -> tuple[int, float, int]:
        return (f.end - f.start, f.confidence, -_PRIORITY.get(f.type, 99))

    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -(f.end - f.start), _PRIORITY[f.type])):
        if kept and f.start < kept[-1].end:
            if strength(f) > strength(kept[-1]):
                kept[-1] = f
            continue
        kept.append(f)
    return kept


# --- Chunked scanning --------------------------------------------------------


class _ChunkScanner:
    """Scan a text delivered in pieces, with overlapping buffers."""

    def __init__(
        self,
        pset: PatternSet,
        engine: str,
        *,
        deadline: float | None,
        excerpt_width: int | None,
        line_numbers: bool,
        bare: bool = False,
        native: object | None | bool = True,
    ) -> None:
        """``native``: the C engine to use, None for none, True for native_engine(pset)'s."""
        self.pset = pset
        self.bare = bare
        self.engine = engine
        self.deadline = deadline
        self.excerpt_width = excerpt_width
        self.line_numbers = line_numbers
        #: Hits, or bare findings when no excerpts are wanted.
        self.hits: list[Hit | Finding] = []
        specs = pset.specs
        self._rules = [RULES[spec.key] for spec in specs]
        self._types = [spec.type for spec in specs]
        self._prio = [_PRIORITY.get(spec.type, 99) for spec in specs]
        if native is True:
            native = native_engine(pset) if engine == "hyperscan" else None
        self._native = native
        self._regexes = [(spec.py.search, spec.value_group) for spec in specs]
        self._carry = ""
        self._base = 0  # global offset of _carry[0]
        self._accept_from = 0  # global offset: findings before it are done
        self._lines_before = 0  # newlines before _accept_from

    def feed(self, piece: str) -> None:
        """Add text; scan, in chunks of CHUNK_CHARS, whatever is far enough from the end.

        Neighbouring chunks share OVERLAP characters and each accepts the
        findings starting in its own part.  Chunks are small enough for their
        encoded views to stay in the processor's cache.
        """
        buf = self._carry + piece if self._carry else piece
        start = 0  # index in buf of self._base
        while len(buf) - start > CHUNK_CHARS + OVERLAP:
            hi = self._base + CHUNK_CHARS - OVERLAP
            self._process(buf[start : start + CHUNK_CHARS], hi)
            keep_from = hi - OVERLAP
            start += keep_from - self._base
            self._base = keep_from
            self._accept_from = hi
        self._carry = buf[start:] if start else buf

    def finish(self) -> list[Hit | Finding]:
        """Scan the remaining text and return all hits (or findings) in order."""
        self._process(self._carry, self._base + len(self._carry))
        self._carry = ""
        return self.hits

    def _process(self, buf: str, hi: int) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ScanTimeoutError("scanning took longer than the time budget")
        base, lo = self._base, self._accept_from
        if self._native is not None:
            today = _today()
            scanned = self._native.scan(buf, today)  # type: ignore[attr-defined]
            if scanned is not None:
                self._process_native(buf, hi, scanned, today)
                return
            # A chunk beyond the BMP: the Python rules below.
        norm, matches = self.pset.matches(buf, self.engine)
        rules, types, prio = self._rules, self._types, self._prio
        # Candidates stay tuples (start, end, spec index, verdict) until the
        # overlaps are resolved; only the kept ones inside this chunk's part
        # become findings.
        candidates = []
        append = candidates.append
        for idx, s, e in matches:
            if e > s:
                verdict = rules[idx](norm, s, e, base)
                if verdict is not None:
                    append((s, e, idx, verdict))
        line_pos, line_no = lo - base, self._lines_before
        lo_rel, hi_rel = lo - base, hi - base
        width, bare = self.excerpt_width, self.bare
        out = self.hits
        for s, e, idx, (detail, confidence) in _resolve(candidates, prio):
            if not lo_rel <= s < hi_rel:
                continue
            value = buf[s:e]
            type_ = types[idx]
            location = None
            if self.line_numbers:
                line_no += buf.count("\n", line_pos, s)
                line_pos = s
                location = f"line {line_no + 1}"
            f = Finding(type_, base + s, base + e, value, detail, mask(value, type_),
                        location, confidence)
            if bare:
                out.append(f)
            elif width is None:
                out.append(Hit(f, f.start, ""))
            else:
                xs = max(0, s - width)
                out.append(Hit(f, base + xs, buf[xs : e + width]))
        if self.line_numbers:
            self._lines_before = line_no + buf.count("\n", line_pos, max(line_pos, hi_rel))


    def _process_native(self, buf: str, hi: int, scanned: tuple, today: int) -> None:
        """Do _process with the C engine: only the windowed regexes run in Python."""
        runs, candidates, windows = scanned
        base, lo = self._base, self._accept_from
        matches: list[int] = []
        if windows:
            norm = normalize_runs(buf, runs)
            regexes = self._regexes
            for idx, ws, stop, end in windows:
                # finditer's matches that start before stop: each search starts
                # where the last match ended, and none is needed once that is at
                # or past stop (finditer's last, fruitless search ran to end).
                search, group = regexes[idx]
                m = search(norm, ws, end)
                while m is not None and m.start() < stop:
                    matches.append(idx)
                    matches.extend(m.span(group) if group else m.span())
                    pos = m.end()
                    if pos == m.start():  # no pattern matches the empty string; a guard
                        pos += 1
                    m = search(norm, pos, end) if pos < stop else None
        out: list[Finding] = self.hits if self.bare else []  # type: ignore[assignment]
        self._lines_before = self._native.finish(  # type: ignore[union-attr]
            buf, candidates, matches, base, lo, hi, self.line_numbers, self._lines_before, out,
            today,
        )
        if self.bare:
            return
        width = self.excerpt_width
        for f in out:
            if width is None:
                self.hits.append(Hit(f, f.start, ""))
            else:
                s, e = f.start - base, f.end - base
                xs = max(0, s - width)
                self.hits.append(Hit(f, base + xs, buf[xs : e + width]))


def _resolve(
    candidates: list[tuple[int, int, int, tuple[str, float]]], prio: Sequence[int]
) -> list[tuple[int, int, int, tuple[str, float]]]:
    """Apply resolve_overlaps to candidate tuples (start, end, spec index, verdict)."""
    candidates.sort(key=lambda c: (c[0], c[0] - c[1], prio[c[2]]))
    kept: list[tuple[int, int, int, tuple[str, float]]] = []
    last_end = -1
    for c in candidates:
        if c[0] < last_end:
            k = kept[-1]
            if (c[1] - c[0], c[3][1], -prio[c[2]]) > (k[1] - k[0], k[3][1], -prio[k[2]]):
                kept[-1] = c
                last_end = c[1]
            continue
        kept.append(c)
        last_end = c[1]
    return kept


def scan_pieces(
    pieces: Iterable[str] | str,
    *,
    types: Sequence[str] | None = None,
    terms: Sequence[str] = (),
    engine: str | None = None,
    deadline: float | None = None,
    excerpt_width: int | None = None,
    line_numbers: bool = False,
    bare: bool = False,
) -> list[Hit]:
    """Scan a text given as consecutive pieces (or one str); offsets are global.

    With ``bare``, return the findings themselves instead of Hits.
    """
    scanner = _ChunkScanner(
        pattern_set(types, terms),
        resolve_engine(engine),
        deadline=deadline,
        excerpt_width=excerpt_width,
        line_numbers=line_numbers,
        bare=bare,
    )
    if isinstance(pieces, str):
        pieces = (pieces,)
    for piece in pieces:
        if piece:
            scanner.feed(piece)
    return scanner.finish()  # type: ignore[return-value]


def scan_text(
    text: str,
    *,
    types: Sequence[str] | None = None,
    terms: Sequence[str] = (),
    engine: str | None = None,
) -> list[Finding]:
    """Find personal data, secrets markings and custom terms in ``text``.

    ``types`` limits the finding types (default: all); ``terms`` are an
    organisation's own confidential terms.  ``engine`` forces "hyperscan" or
    "python" (default: Hyperscan when importable, or $GUILDHALL_CHECKER_ENGINE).
    Findings are sorted by start and never overlap.
    """
    if not isinstance(text, str):
        raise TypeError("scan_text() expects a str")
    return scan_pieces(text, types=types, terms=terms, engine=engine, bare=True)  # type: ignore[return-value]


# --- Files ---------------------------------------------------------------------


def scan_file_hits(
    path: str | os.PathLike[str],
    *,
    types: Sequence[str] | None = None,
    terms: Sequence[str] = (),
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
    engine: str | None = None,
    excerpt_width: int | None = EXCERPT_WIDTH,
) -> list[Hit]:
    """Scan one file and return findings with excerpts of the text around them.

    Plain text is streamed in chunks (any size, bounded memory); other formats
    are extracted whole and limited to ``max_bytes``.  Raise a CheckerError
    subclass when the file cannot be read.
    """
    p = os.fspath(path)
    deadline = time.monotonic() + time_budget if time_budget else None
    try:
        fmt = detect_format(p)
        if fmt == "text":
            return scan_pieces(
                iter_text(p, deadline=deadline),
                types=types,
                terms=terms,
                engine=engine,
                deadline=deadline,
                excerpt_width=excerpt_width,
                line_numbers=True,
            )
        extracted = extract_document(p, fmt, max_bytes=max_bytes, deadline=deadline)
    except CheckerError as exc:
        exc.path = p
        raise
    except OSError as exc:
        raise CheckerError(f"cannot read the file: {exc.strerror or exc}", path=p)
    hits = scan_pieces(
        extracted.text,
        types=types,
        terms=terms,
        engine=engine,
        deadline=deadline,
        excerpt_width=excerpt_width,
    )
    return [
        Hit(replace(h.finding, location=extracted.location_at(h.finding.start)),
            h.excerpt_start, h.excerpt)
        for h in hits
    ]


def scan_file(
    path: str | os.PathLike[str],
    *,
    types: Sequence[str] | None = None,
    terms: Sequence[str] = (),
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
    engine: str | None = None,
) -> list[Finding]:
    """Scan one file (text, Markdown, HTML, .docx, .xlsx, .pdf) and return its findings.

    Offsets refer to the text ``extract_text(path)`` returns.  Raise a
    CheckerError subclass (with a stable ``code``) when the file cannot be read.
    """
    hits = scan_file_hits(
        path,
        types=types,
        terms=terms,
        max_bytes=max_bytes,
        time_budget=time_budget,
        engine=engine,
        excerpt_width=None,
    )
    return [h.finding for h in hits]
