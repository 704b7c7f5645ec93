"""The fixed-width views the Hyperscan engine scans, and the paths that do not use them."""

from __future__ import annotations

import re

import pytest

from guildhall.checker import byteviews, scan_text, scanner
from guildhall.checker import engine as engine_mod
from guildhall.checker.byteviews import NARROW, UTF16, markers, text_views, translate
from guildhall.checker.corpus import generate_corpus
from guildhall.checker.engine import hyperscan_available
from guildhall.checker.realistic_corpus import generate_realistic
from guildhall.checker.scanner import OVERLAP, scan_pieces

needs_hs = pytest.mark.skipif(not hyperscan_available(), reason="hyperscan not installed")


def _views(text: str) -> tuple[bytes, bytes] | None:
    views = text_views(text)
    return None if views is None else (bytes(views[0]), bytes(views[1]))  # type: ignore[call-overload]


def test_views_keep_offsets_or_decline() -> None:
    # Full-width forms become markers (0x80 + their rank), other non-ASCII "?".
    assert _views("卡号 ６2２2 é★") == (
        b"?? \x882\x842 ??", "卡号 ６2２2 é★".encode("utf-16-le")
    )
    assert markers(text_views("卡号 ６2２2 é★")[0]) == [(3, 4), (5, 6)]  # type: ignore[index]
    assert markers(text_views("ａｂ1ｃ")[0]) == [(0, 2), (3, 4)]  # type: ignore[index]
    # Texts stored one byte per character, with or without Latin-1 letters.
    assert _views("tel 0251") == (b"tel 0251", "tel 0251".encode("utf-16-le"))
    assert _views("café 1") == (b"caf? 1", "café 1".encode("utf-16-le"))
    assert markers(text_views("café 1")[0]) == []  # type: ignore[index]
    # A lone surrogate is one code unit, like any other character.
    assert _views("lone \ud800") == (b"lone ?", "lone \ud800".encode("utf-16-le", "surrogatepass"))
    assert text_views("emoji 😀") is None  # two UTF-16 units: scanned through UTF-8


def _hs_matches(pattern: bytes, data: bytes) -> list[tuple[int, int]]:
    import hyperscan

    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[pattern], ids=[0], elements=1, flags=[hyperscan.HS_FLAG_SOM_LEFTMOST])
    out: list[tuple[int, int]] = []
    db.scan(data, match_event_handler=lambda i, s, e, f, c: out.append((s, e)),
            scratch=hyperscan.Scratch(db))
    return out


@needs_hs
@pytest.mark.parametrize(
    ("anchor", "text"),
    [
        ("(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?:[^0-9A-Za-z]|$)", "号码11010519491231002X。"),
        ("0[0-9]{2}[)）]?[ -]?[2-9][0-9]{7}", "电话（025）83216547"),
        ("★", "机密★1年"),
        ("^[ \\t\\x{3000}]{0,20}内[ \\t\\x{3000}]{0,3}部[ \\t\\x{3000}]{0,20}\\r?$", "标题\n内　部\n正文"),
        ("(?:不得|严禁)(?:外传|复制)", "此件不得外传，严禁复制。"),
    ],
)
def test_translated_anchor_hits_where_the_anchor_matches(anchor: str, text: str) -> None:
    py = re.compile(re.sub(r"\\x\{([0-9a-f]+)\}", lambda m: chr(int(m.group(1), 16)), anchor),
                    re.MULTILINE)
    expected = [m.span() for m in py.finditer(text)]
    assert expected
    narrow, wide = _views(text) or (b"", b"")
    n_hits = _hs_matches(translate(anchor, NARROW), narrow)
    w_hits = [(s // 2, e // 2) for s, e in _hs_matches(translate(anchor, UTF16), wide) if s % 2 == 0]
    for hits in (n_hits, w_hits):
        # Every match overlaps a hit (line anchors also take the line break).
        for s, e in expected:
            assert any(hs < e and s < he for hs, he in hits), (anchor, hits)


@needs_hs
def test_utf8_path_agrees_with_the_views(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = generate_corpus(80, seed=3) + generate_realistic(80, "tuning", seed=8)
    texts = [(s.text, s.terms) for s in samples]
    texts.append(("附注（此件不得外传）\n内 部\n卡号６２２２０２００１２３４５６７８ 电话（０２５）８３２１６５４７", ("内部资料", "Nebula")))
    expected = [scan_text(t, terms=terms, engine="hyperscan") for t, terms in texts]
    monkeypatch.setattr(engine_mod, "fast_views", lambda *args: False)
    monkeypatch.setattr(engine_mod, "text_views", lambda text: None)
    assert [scan_text(t, terms=terms, engine="hyperscan") for t, terms in texts] == expected
    assert [scan_text(t, terms=terms, engine="python") for t, terms in texts] == expected


@needs_hs
def test_c_views_agree_with_the_python_views(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled view builder and the pure-Python one give the same findings."""
    if not byteviews.c_views_available():
        pytest.skip("the C helper (_views.c) is not built")
    samples = generate_corpus(80, seed=5) + generate_realistic(80, "heldout", seed=9)
    texts = [(s.text, s.terms) for s in samples]
    texts.append(("卡号６２２２０２００１２３４５６７８，ＡＢ@ｅｘ.cn ＋８６ １３８１２３４５６７８", ()))
    expected = [scan_text(t, terms=terms, engine="hyperscan") for t, terms in texts]
    monkeypatch.setattr(byteviews, "_cviews", None)
    assert byteviews.fast_views("x") is False
    assert [scan_text(t, terms=terms, engine="hyperscan") for t, terms in texts] == expected


def test_c_views_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    if not byteviews.c_views_available():
        pytest.skip("the C helper (_views.c) is not built")
    # A long text gets buffers of its own; a short one reuses the thread's.
    monkeypatch.setattr(byteviews, "_KEEP_CHARS", 8)
    long = "号码１３８1234５６７８ｘ"
    fast = byteviews.fast_views(long)
    assert (bytes(fast.narrow), bytes(fast.wide)) == _views(long)  # type: ignore[union-attr]
    assert fast.runs == markers(text_views(long)[0])  # type: ignore[index,union-attr]
    assert bytes(fast.compressed) == b"?\x83\x85\x8a1234\x87\x88\x89\x8a\xbd"  # type: ignore[union-attr]
    assert fast.pos.tolist() == [0, *range(2, 14)]  # type: ignore[union-attr]
    assert byteviews.fast_views("a\U0001F600") is None
    with pytest.raises(ValueError):
        byteviews._cviews.fill("abc", bytearray(2), bytearray(6), bytearray(3), bytearray(12))  # type: ignore[union-attr]


def test_text_beyond_the_bmp_is_scanned(engine: str) -> None:
    found = scan_text("😀 手机13812345678，机密★1年", engine=engine)
    assert [(f.type, f.start) for f in found] == [("CN_MOBILE", 4), ("CONFIDENTIAL_MARKING", 16)]


def test_whole_text_chunks_agree_with_pieces(monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    entity = "手机13812345678，此件不得外传，严禁复制。"
    text = ("正文" * 611 + entity + "\n内 部\n") * 30
    expected = [h.finding for h in scan_pieces([text], engine=engine)]
    monkeypatch.setattr(scanner, "CHUNK_CHARS", 2 * OVERLAP + 777)
    assert scan_text(text, engine=engine) == expected
    assert len(expected) == 30 * 3
