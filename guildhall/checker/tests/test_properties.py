"""Property tests: no crash, sane offsets, identical engines."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guildhall.checker import scan_text
from guildhall.checker.engine import hyperscan_available, pattern_set

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


# Digits, separators and the letters of codes, so that candidates (valid or
# not) are dense: the Hyperscan engine must report exactly the regexes' matches
# before any validation, including those it takes straight from an exact anchor.
_NUMBERS = st.lists(
    st.sampled_from(
        list("0123456789 -Xx?AEGHMCZa+（）。\n国@.é\ud800")
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
    for terms in ((), ("Nebula", "内部资料", "X1")):
        pset = pattern_set(None, terms)
        assert pset.hyperscan_matches(text) == pset.python_matches(text)
