"""The C engine (_native.c) against the Python rules: the same findings, always.

The Hyperscan engine runs the C engine when it is built; with
GUILDHALL_CHECKER_NATIVE=0 it runs its Python rules (scanner.py), and
engine="python" runs the regexes over the whole text.  All three must agree.
"""

from __future__ import annotations

import random
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guildhall.checker import byteviews, scan_file, scan_text, scanner
from guildhall.checker.corpus import GENERATORS, generate_corpus
from guildhall.checker.engine import hyperscan_available, pattern_set
from guildhall.checker.realistic_corpus import generate_realistic
from guildhall.checker.scanner import (
    CARD_CONTEXT,
    NUMBER_NEGATIVE_CONTEXT,
    OVERLAP,
    PASSPORT_CONTEXT,
    TAIWAN_CONTEXT,
    USCC_CONTEXT,
    native_available,
    native_engine,
    scan_file_hits,
    scan_pieces,
)
from guildhall.checker.types import Finding
from guildhall.checker.validators import mask

pytestmark = pytest.mark.skipif(
    not (hyperscan_available() and native_available()),
    reason="the C engine (_native.c, needs libhs) is not built",
)

TERMS = ("内部资料", "Nebula", "X1", "Ré?é")


class _PythonRules:
    """Switch the C engine off (the Hyperscan engine then runs scanner.py's rules)."""

    def __enter__(self) -> None:
        self._mp = pytest.MonkeyPatch()
        self._mp.setenv("GUILDHALL_CHECKER_NATIVE", "0")

    def __exit__(self, *exc: object) -> None:
        self._mp.undo()


def _all_ways(text: str, terms: tuple[str, ...] = ()) -> None:
    native = scan_text(text, terms=terms, engine="hyperscan")
    with _PythonRules():
        assert not native_available()
        rules = scan_text(text, terms=terms, engine="hyperscan")
    assert native == rules
    assert native == scan_text(text, terms=terms, engine="python")


def test_native_engine_is_used() -> None:
    pset = pattern_set(None, ())
    eng = native_engine(pset)
    assert eng is not None and native_engine(pset) is eng
    runs, candidates, windows = eng.scan("手机１３８12345678，身份证11010519491231002X。", 20260101)  # type: ignore[attr-defined]
    assert runs == [(2, 5)]
    assert len(candidates) == 16  # one validated ID: (start, end, spec, verdict) as int32
    assert [w[0] for w in windows] == [3]  # the mobile number's window, for its regex
    assert eng.scan("emoji 😀", 20260101) is None  # type: ignore[attr-defined]


def test_corpora_agree() -> None:
    samples = (
        generate_corpus(150, seed=17)
        + generate_realistic(120, "tuning", seed=3)
        + generate_realistic(120, "heldout", seed=4)
    )
    for s in samples:
        _all_ways(s.text, tuple(s.terms))


@pytest.mark.parametrize(
    "text",
    [
        # Full-width forms, in values and in context words.
        "卡号６２２２０２００１２３４５６７８，ＣＡＲＤ ＮＯ 4111111111111111 电话（０２５）８３２１６５４７",
        # Characters str.lower() maps onto the context words' letters: U+212A, U+0130.
        "tracKing 6222020012345671 \u0130nvoice 4111111111111111 ACCOUNT 6222020012345671",
        "PASSPORT E12345678 passport G12345678 台胞证 01048253 台胞证 19991231",
        "护照号码：E12345678，通行证H1234567890，回乡证C1X234567",
        "+86 13812345678 (+86)13812345678 0086-138-1234-5678 x+8613812345678 订单13812345678",
        "分机 010-83216547转123 025-8321-6547-12 0571 8321654 ext 12 编号02583216547",
        "a..b@example.com a.@x.cn good.name@sub.example.org 内部资料@x.cn",
        "机密★1年\n内 部\n\n秘 密\n此件不得外传，严禁复制。附注（此件不得外传）",
        "91350100M000100Y43 913501001234567895 USCC 110105194912310020 11010519491231002X",
        "110105491231002 11010519491231002x 440524188001010014 110105209912310021",
        "6222 0200 1234 5671 6222-0200-1234-5671 6222 020012 34567 622202 0012345671",
        "\u0130\u212a\u00e9\u00ff 6222020012345671",  # a Latin-1 and BMP mix
        "plain ascii 4111111111111111 card no 13812345678 user@example.com",
        "Ré?é Nebula NEBULA X1 x1 内部资料",
        "",
        "😀 手机13812345678，机密★1年",  # beyond the BMP: the Python rules
    ],
)
def test_edge_texts_agree(text: str) -> None:
    _all_ways(text)
    _all_ways(text, TERMS)


# Generated texts: entities as the corpus writes them, joined by characters
# the rules look at (separators, brackets, context words, line breaks).
_JOINERS = st.sampled_from(
    list(" -+()（）@._Xx\n\r。，：:★转内部机密秘") + ["卡号", "护照", "台胞证", "订单", "account",
                                                 "ＣＡＲＤ", "\u212a", "\u0130", "严禁外传", "内 部\n", ""]
)
_ENTITY = st.tuples(st.sampled_from(sorted(GENERATORS)), st.integers(0, 2**32)).map(
    lambda t: "".join(GENERATORS[t[0]](random.Random(t[1])))
)
_DOCS = st.lists(st.one_of(_ENTITY, _JOINERS, _JOINERS), max_size=30).map("".join)
_ALPHABET = st.sampled_from(
    list("0123456789０１２３４５６７８９ -+()（）@._XxEGHMC内部机密秘绝★年\n\r。转严禁外传")
    + ["资料", "卡号", "护照", "通行证", "13812345678", "11010519491231002X", "025-",
       "6222020012345671", "91350100M000100Y43", "a@b.cn", "内 部\n", "严禁外传", "台胞证"]
)
_TEXTS = st.one_of(st.text(max_size=200), st.lists(_ALPHABET, max_size=80).map("".join), _DOCS)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_generated_texts_agree(text: str) -> None:
    _all_ways(text)
    _all_ways(text, TERMS)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_hits_agree_with_the_python_binding(text: str) -> None:
    """libhs called from C reports the hits the Python binding reports, on the same views."""
    if not byteviews.c_views_available():
        pytest.skip("the Python path scans the compressed view only with _views.c")
    for terms in ((), TERMS):
        pset = pattern_set(None, terms)
        eng = native_engine(pset)
        viewed = pset._view_hits(text)
        hits = eng.hits(text, 20260101)  # type: ignore[union-attr]
        if viewed is None:
            assert hits is None  # beyond the BMP
            continue
        expected = sorted((idx, s, e) for idx, spans in viewed[1].items() for s, e in spans)
        assert hits == expected


def test_text_files_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Line numbers, excerpts and chunk boundaries (streamed text files)."""
    monkeypatch.setattr(scanner, "CHUNK_CHARS", 2 * OVERLAP + 777)
    samples = generate_corpus(60, seed=23)
    path = tmp_path / "doc.txt"
    path.write_text("\n".join(s.text for s in samples), encoding="utf-8")
    native = scan_file_hits(path, terms=samples[0].terms)
    plain = scan_file(path, terms=samples[0].terms)
    with _PythonRules():
        assert scan_file_hits(path, terms=samples[0].terms) == native
        assert scan_file(path, terms=samples[0].terms) == plain
    assert len(native) > 300
    assert any(h.finding.location == "line 2" for h in native)


def test_long_chunks_and_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk longer than the engine's buffers, and scans from several threads at once."""
    text = "\n".join(s.text for s in generate_corpus(120, seed=29))
    monkeypatch.setattr(scanner, "CHUNK_CHARS", 2**21)  # one chunk, longer than 2**19 chars
    assert 2**19 < len(text * 8) < 2**21
    whole = [h.finding for h in scan_pieces([text * 8], engine="hyperscan")]
    monkeypatch.undo()
    with _PythonRules():
        assert scan_text(text * 8, engine="hyperscan") == whole
    expected = scan_text(text)
    results: list[object] = []

    def work() -> None:
        for _ in range(3):
            results.append(scan_text(text) == expected)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 12


def test_lower_casing_of_the_context_words() -> None:
    """_native.c folds A-Z, U+0130 and U+212A only, which is str.lower for the words' letters.

    scanner._words_lower_safely admits words of lower-case ASCII and caseless
    (Lo) characters; no other BMP character lowers onto one of those.
    """
    letters = {ch for words in (CARD_CONTEXT, NUMBER_NEGATIVE_CONTEXT, PASSPORT_CONTEXT,
                                TAIWAN_CONTEXT, USCC_CONTEXT) for w in words for ch in w}
    assert scanner._words_lower_safely(letters)

    def admitted(ch: str) -> bool:
        return scanner._words_lower_safely([ch])

    folding = {
        cp for cp in range(0x10000)
        if chr(cp).lower() != chr(cp) and any(admitted(ch) for ch in chr(cp).lower())
    }  # fmt: skip
    assert folding == {*range(ord("A"), ord("Z") + 1), 0x130, 0x212A}
    assert "\u0130".lower() == "i\u0307" and "\u212a".lower() == "k"


def test_a_libhs_that_misses_hits_is_not_used() -> None:
    """The engine is checked on a probe text when it is built (Vectorscan 5.4.9 fails it)."""
    pset = pattern_set(None, ())
    eng = native_engine(pset)
    assert scanner._library_checked is True  # checked once, when the first engine was built
    assert scanner._reports_what_the_binding_reports(pset, eng)

    class Forgetful:
        """The C engine, but its last window (the probe's last mark) is lost."""

        def scan(self, text: str, today: int) -> object:
            out = eng.scan(text, today)  # type: ignore[union-attr]
            return None if out is None else (out[0], out[1], out[2][:-1])

        def finish(self, *args: object) -> object:
            return eng.finish(*args)  # type: ignore[union-attr]

        def hits(self, text: str, today: int) -> object:
            return eng.hits(text, today)  # type: ignore[union-attr]

    assert not scanner._reports_what_the_binding_reports(pset, Forgetful())


_VALUES = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(list("0123456789０８６ -+＋()（）@.aZé转分机中\u0130") + ["+86", "0086", "(+86)", "（＋８６）", "００８６"]),
             max_size=20).map("".join),
)


@settings(max_examples=1500, deadline=None)
@given(_VALUES)
def test_masking_agrees(value: str) -> None:
    from guildhall.checker import _native
    from guildhall.checker.validators import mask

    assert _native.mask(value) == mask(value, "CN_MOBILE")


_VIEW_TEXT = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=300),
    st.lists(
        st.sampled_from(list("0a?é中，：；＠［｀｛ＡＺａｚ０９＋－\uff0a\uff0c\uff0e\ud800\udfff") + ["?" * 7, "中" * 17, "abcdefgh" * 3]),
        max_size=80,
    ).map("".join),
    st.tuples(st.integers(0, 5000), st.sampled_from("中ａ１?")).map(lambda t: "中" * t[0] + t[1] * 19),
)


@settings(max_examples=1500, deadline=None)
@given(_VIEW_TEXT)
def test_views_agree_with_the_python_views(text: str) -> None:
    """The narrow and compressed views _native.c scans (sixteen bytes at a time) are byteviews'."""
    import re

    from guildhall.checker import _native

    got = _native.views(text)
    slow = byteviews.text_views(text)
    if slow is None or any(ord(ch) > 0xFFFF for ch in text):
        assert got is None
        return
    narrow = bytes(slow[0])  # type: ignore[call-overload]
    assert got is not None
    kept = [m.start() for m in re.finditer(rb"\?+|[^?]", narrow)]
    assert got == (narrow, bytes(narrow[i] for i in kept), kept, byteviews.markers(slow[0]))


def test_without_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without libhs: no C engine, the same findings."""
    text = "\n".join(s.text for s in generate_corpus(20, seed=31))
    expected = scan_text(text)
    monkeypatch.setattr(scanner, "_native", None)
    assert not native_available()
    assert native_engine(pattern_set(None, ())) is None
    assert scan_text(text) == expected


def _engine_args(
    monkeypatch: pytest.MonkeyPatch, types: tuple[str, ...] | None = None, terms: tuple[str, ...] = ()
) -> tuple:
    """The arguments scanner._build_native passes to _native.Engine."""
    captured: list[tuple] = []
    real = scanner._native.Engine  # type: ignore[union-attr]

    def record(*args: object) -> object:
        captured.append(args)
        return real(*args)

    monkeypatch.setattr(scanner._native, "Engine", record)
    assert scanner._build_native(pattern_set(types, terms)) is not None
    monkeypatch.undo()
    return captured[0]


def _fail_one_allocation(i: int, call: object) -> BaseException | None:
    """Run call() with the i-th Python allocation failing; its exception, or None."""
    testcapi = pytest.importorskip("_testcapi")
    testcapi.set_nomemory(i, i + 1)
    try:
        call()  # type: ignore[operator]
    except BaseException as exc:  # noqa: BLE001 - anything raised is the point
        testcapi.remove_mem_hooks()
        return exc
    testcapi.remove_mem_hooks()
    return None


def test_allocation_failures_raise_memory_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each failing allocation gives a MemoryError, never "returned NULL without setting
    an exception" (a SystemError) nor a result with an exception set."""
    pytest.importorskip("_testcapi")
    engine_type = scanner._native.Engine  # type: ignore[union-attr]
    eng = engine_type(*_engine_args(monkeypatch, None, TERMS))
    small = _engine_args(monkeypatch, ("EMAIL",), ("Nebula",))  # quick to compile
    text = "身份证11010519491231002X 手机１３８12345678 机密★1年 wang@ex.com 卡号6222020012345671 " * 3
    runs, cands, wins = eng.scan(text, 20260101)

    def finish() -> None:
        eng.finish(text, cands, [], 0, 0, len(text), True, 0, [], 20260101)

    calls = {
        "Engine": lambda: engine_type(*small),
        "scan": lambda: eng.scan(text, 20260101),
        "hits": lambda: eng.hits(text, 20260101),
        "finish": finish,
        "views": lambda: scanner._native.views("a" * 300 + "１"),  # type: ignore[union-attr]
    }
    for name, call in calls.items():
        i = quiet = 0
        while quiet < 40:  # past the call's last allocation: nothing fails any more
            exc = _fail_one_allocation(i, call)
            assert exc is None or type(exc) is MemoryError, (name, i, repr(exc))
            quiet = quiet + 1 if exc is None else 0
            i += 1
        assert i > 40, name  # some allocation did fail


def test_a_failing_finding_leaks_no_references(monkeypatch: pytest.MonkeyPatch) -> None:
    """When building a Finding fails (here: mask() raises), finish() drops every reference."""
    args = list(_engine_args(monkeypatch, ("EMAIL",)))
    failing = [False]

    def mask_or_fail(value: str, type_: str | None = None) -> str:
        if failing[0]:
            raise ValueError("mask failed")
        return mask(value, type_)

    args[5] = mask_or_fail  # called for values longer than 256 characters
    eng = scanner._native.Engine(*args)  # type: ignore[union-attr]
    idx = next(i for i, spec in enumerate(pattern_set(("EMAIL",), ()).specs) if spec.type == "EMAIL")
    text = "a" * 300 + "@example.com"
    match = [idx, 0, len(text)]
    out: list[Finding] = []
    eng.finish(text, b"", match, 0, 0, len(text), True, 0, out, 20260101)
    # The engine's own detail and confidence objects, which every such Finding shares.
    detail, confidence = out[0].detail, out[0].confidence
    del out
    before = sys.getrefcount(detail), sys.getrefcount(confidence)
    failing[0] = True
    for _ in range(100):
        with pytest.raises(ValueError, match="mask failed"):
            eng.finish(text, b"", match, 0, 0, len(text), True, 0, [], 20260101)
    assert (sys.getrefcount(detail), sys.getrefcount(confidence)) == before


def test_finish_refuses_what_scan_cannot_have_made() -> None:
    """finish() checks its inputs instead of reading past the text: an exact spec's
    match (its rule reads 15-18 characters), candidates that do not fit the text."""
    pset = pattern_set(None, ())
    eng = native_engine(pset)
    today = 20260101
    for type_ in ("CN_USCC", "CN_RESIDENT_ID", "BANK_CARD", "PASSPORT"):
        idx = next(i for i, spec in enumerate(pset.specs) if spec.type == type_)
        with pytest.raises(ValueError, match="bad match"):
            eng.finish("91", b"", [idx, 0, 2], 0, 0, 2, False, 0, [], today)  # type: ignore[attr-defined]
    text = "身份证11010519491231002X"
    _, candidates, _ = eng.scan(text, today)  # type: ignore[attr-defined]
    out: list[Finding] = []
    eng.finish(text, candidates, [], 0, 0, len(text), False, 0, out, today)  # type: ignore[attr-defined]
    assert [f.value for f in out] == ["11010519491231002X"]
    for bad in (text[:10], text + "x" * 3):  # the text is shorter, or the candidates made up
        cands = candidates if bad is text[:10] else candidates[:8] + (10**6).to_bytes(4, "little") * 2
        with pytest.raises(ValueError, match="bad candidate"):
            eng.finish(bad, cands, [], 0, 0, len(bad), False, 0, [], today)  # type: ignore[attr-defined]
