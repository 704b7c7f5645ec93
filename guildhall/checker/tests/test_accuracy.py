"""Precision and recall per type on the seeded corpus; engines must agree."""

from __future__ import annotations

from guildhall.checker import scan_text
from guildhall.checker.corpus import generate_corpus, score
from guildhall.checker.engine import hyperscan_available

THRESHOLD = 0.99


def test_precision_recall_per_type(engine: str) -> None:
    samples = generate_corpus(400)
    result = score(
        samples,
        lambda s: [(f.type, f.start, f.end) for f in scan_text(s.text, terms=s.terms, engine=engine)],
    )
    print(f"\nengine={engine}")
    for type_, r in result.items():
        print(f"  {type_:22} precision={r['precision']:.4f} recall={r['recall']:.4f} "
              f"(tp={r['true_positives']} fp={r['false_positives']} fn={r['false_negatives']})")
    assert len(result) == 9
    for type_, r in result.items():
        assert r["precision"] >= THRESHOLD, type_
        assert r["recall"] >= THRESHOLD, type_


def test_engines_agree_on_corpus() -> None:
    if not hyperscan_available():
        return
    for sample in generate_corpus(150, seed=99):
        a = scan_text(sample.text, terms=sample.terms, engine="python")
        b = scan_text(sample.text, terms=sample.terms, engine="hyperscan")
        assert a == b
