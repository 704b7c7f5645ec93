"""Precision and recall per type on the seeded and the realistic corpora; engines must agree.

The realistic corpus (``realistic_corpus.py``) has a tuning part and a held-out
part; the held-out part was scored only after the rules were written, and must
not be used to change them.
"""

from __future__ import annotations

import re._parser as sre_parse

import pytest

from guildhall.checker import scan_text
from guildhall.checker.corpus import Sample, generate_corpus, score
from guildhall.checker.engine import hyperscan_available
from guildhall.checker.patterns import BUILTIN_SPECS
from guildhall.checker.realistic_corpus import PARTS, generate_realistic

THRESHOLD = 0.99


def _report(name: str, samples: list[Sample], engine: str) -> dict[str, dict[str, float]]:
    result = score(
        samples,
        lambda s: [(f.type, f.start, f.end) for f in scan_text(s.text, terms=s.terms, engine=engine)],
    )
    print(f"\n{name} engine={engine}")
    for type_, r in result.items():
        print(f"  {type_:22} precision={r['precision']:.4f} recall={r['recall']:.4f} "
              f"(tp={r['true_positives']} fp={r['false_positives']} fn={r['false_negatives']})")
    return result


def test_precision_recall_per_type(engine: str) -> None:
    result = _report("seeded corpus", generate_corpus(400), engine)
    assert len(result) == 9
    for type_, r in result.items():
        assert r["precision"] >= THRESHOLD, type_
        assert r["recall"] >= THRESHOLD, type_


@pytest.mark.parametrize("part", PARTS)
def test_precision_recall_on_realistic_documents(engine: str, part: str) -> None:
    result = _report(f"realistic corpus, {part} part", generate_realistic(400, part), engine)
    assert "CONFIDENTIAL_MARKING" in result
    for type_, r in result.items():
        assert r["precision"] >= THRESHOLD, type_
        assert r["recall"] >= THRESHOLD, type_


def test_engines_agree_on_corpus() -> None:
    if not hyperscan_available():
        return
    samples = generate_corpus(150, seed=99) + generate_realistic(150, "tuning", seed=5)
    for sample in samples:
        a = scan_text(sample.text, terms=sample.terms, engine="python")
        b = scan_text(sample.text, terms=sample.terms, engine="hyperscan")
        assert a == b


def test_markings_fit_their_windows() -> None:
    # The Hyperscan engine searches at most max_span characters past an anchor;
    # a longer match (plus the few characters of its lookahead) would be cut.
    for spec in BUILTIN_SPECS:
        if spec.cuts is not None:
            longest = sre_parse.parse(spec.py.pattern).getwidth()[1]
            assert longest + 8 <= spec.max_span, spec.key
