"""Property tests: no crash, sane offsets, identical engines."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guildhall.checker import byteviews, scan_text
from guildhall.checker.engine import hyperscan_available, pattern_set
from guildhall.checker.scanner import _id_digits_valid
from guildhall.checker.validators import _uscc_check, mask, validate_resident_id, validate_uscc

# Bias generated text towards the characters the patterns care about.
_ALPHABET = st.sampled_from(
    list("0123456789０１２３４５６７８９ -+()（）@._XxEGHMC内部机密秘绝★年\n\r。转严禁外传")
    + ["资料", "卡号", "护照", "通行证", "13812345678", "11010519491231002X", "025-",
       "6222020012345671", "91350100M000100Y43", "a@b.cn", "内 部\n", "严禁外传", "台胞证"]
)
texty = st.one_of(
    st.text(max_size=300),
    st.lists(_ALPHABET, max_size=120).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texty)
def test_offsets_and_values(text: str) -> None:
    found = scan_text(text, engine="python", terms=["内部资料", "Nebula"])
    last_end = -1
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.value
        assert len(f.masked) == len(f.value)
        assert 0.0 <= f.confidence <= 1.0
        assert f.start >= last_end
        last_end = f.end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texty)
def test_engines_agree(text: str) -> None:
    if not hyperscan_available():
        return
    terms = ["内部资料", "Nebula"]
    assert scan_text(text, engine="python", terms=terms) == scan_text(
        text, engine="hyperscan", terms=terms
    )
    # And the candidates before validation, without custom terms.
    pset = pattern_set(None, ())
    assert pset.hyperscan_matches(text) == pset.python_matches(text)


# Digits, separators and the letters of codes, so that candidates (valid or
# not) are dense: the Hyperscan engine must report exactly the regexes' matches
# before any validation, including those it takes straight from an exact anchor.
_NUMBERS = st.lists(
    st.sampled_from(
        list("0123456789 -Xx?AEGHMCZa+（）。\n国@.é\ud800")
        + ["））", "国国", "??", "）-", "Ré?é"]
        + list("０１２３４５６７８９－＋ＥｘＸＨＭＣａＮｅｂｕｌ")
        + ["1234", "5678", "123456", "1234567", "12345678", "0" * 15, "Nebula", "ＮＥＢＵＬＡ"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NUMBERS)
def test_candidates_agree(text: str) -> None:
    if not hyperscan_available():
        return
    c_views = byteviews._cviews
    for terms in ((), ("Nebula", "内部资料", "X1", "Ré?é")):
        pset = pattern_set(None, terms)
        expected = pset.python_matches(text)
        assert pset.hyperscan_matches(text) == expected
        if c_views is not None:
            # Without the C helper: the uncompressed narrow view.
            byteviews._cviews = None
            try:
                assert pset.hyperscan_matches(text) == expected
            finally:
                byteviews._cviews = c_views


# Any str: ASCII, Latin-1, BMP (with full-width forms and lone surrogates) or
# beyond, of any length (the C helper works in blocks of 2048 code units).
_VIEW_TEXT = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=300),
    st.lists(
        st.sampled_from(list("0a?é中，：；＠［｀｛ＡＺａｚ０９＋－\uff0a\uff0c\uff0e\ud800\udfff") + ["\U0001F600"]),
        max_size=60,
    ).map("".join),
    st.tuples(st.integers(0, 5000), st.sampled_from("中ａ１")).map(lambda t: "中" * t[0] + t[1] * 3),
)


@settings(max_examples=1500, deadline=None)
@given(_VIEW_TEXT)
def test_c_views_agree_with_the_python_views(text: str) -> None:
    if not byteviews.c_views_available():
        return
    fast = byteviews.fast_views(text)
    slow = byteviews.text_views(text)
    if slow is None:
        assert fast is None
        return
    assert fast is not None and fast is not False
    narrow = bytes(slow[0])  # type: ignore[call-overload]
    assert bytes(fast.narrow) == narrow
    assert bytes(fast.wide) == bytes(slow[1])
    assert fast.runs == byteviews.markers(slow[0])
    # The compressed view: each run of "?" once, at the offset of its first.
    kept = [m.start() for m in re.finditer(rb"\?+|[^?]", narrow)]
    assert bytes(fast.compressed) == bytes(narrow[i] for i in kept)
    assert fast.pos.tolist() == kept


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.from_regex(r"[1-8][1-6][0-9]{4}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx]", fullmatch=True),
                 st.from_regex(r"[0-9]{17}[0-9Xx]|[0-9]{15}", fullmatch=True)))
def test_id_shortcut_agrees_with_the_validator(value: str) -> None:
    assert _id_digits_valid(value) == (validate_resident_id(value) is None)


@settings(max_examples=1500, deadline=None)
@given(st.from_regex(r"[0-9A-HJ-NPQRTUW-Y]{2}[0-9]{6}[0-9A-HJ-NPQRTUW-Y]{10}", fullmatch=True))
def test_uscc_shortcut_agrees_with_the_validator(code: str) -> None:
    assert (_uscc_check(code[:17]) == code[17]) == (validate_uscc(code) is None)


def _mask_reference(value: str) -> str:
    """Mask the letters and digits of a value as validators.mask did before its ASCII shortcut."""
    chars = list(value)
    at = value.rfind("@")
    positions = [i for i in range(at if at > 0 else len(value)) if value[i].isalnum()]
    k = len(positions)
    if k:
        show = min(8, k // 2)
        head, tail = (show + 1) // 2, show - (show + 1) // 2
        if k <= 3:
            head, tail = 1 if k > 1 else 0, 0
        for p in positions[head : k - tail]:
            chars[p] = "*"
    return "".join(chars)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789aZ -().@+转")), min_size=1, max_size=40))
def test_ascii_mask_shortcut_agrees(value: str) -> None:
    if value.isalnum() or value[:1] in "(+0":
        return  # other branches of mask
    assert mask(value) == _mask_reference(value)
