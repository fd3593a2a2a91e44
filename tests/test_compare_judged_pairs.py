"""Precision and recall of the published matches on pairs judged by reading them (tests/data/judged_pairs.yaml).

The compare stage's matching runs as in the dev release: one document per framework (the one the stage picks),
every dev framework (Milton Keynes, Worcestershire and the 24 synthetic ones that reuse their bullets), fitted
together. A judged pair is "published as the same indicator" when some published match pairs its two texts.
Precision = judged "same" among the judged pairs published; recall = judged "same" pairs that are published.
Run with -s to see the figures (they are printed either way in the captured output of a failure).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_compare_support import DEV, frame, truth_rows

from pipeline.compare.io import load_settings, primary_documents
from pipeline.compare.matching import level_disagreements, top_matches

JUDGED = Path(__file__).parent / "data" / "judged_pairs.yaml"
TARGET_PRECISION = 0.9
MIN_RECALL = 0.35  # regression guard: lexically different equivalents are still beyond this matcher


@pytest.fixture(scope="module")
def published():
    rows = [row for path in sorted(DEV.glob("*.truth.yaml")) for row in truth_rows(path.name[:-len(".truth.yaml")])[0]]
    indicators = frame(rows)
    primary = primary_documents(indicators)
    chosen = indicators[[primary[fw] == doc for fw, doc in zip(indicators["framework"], indicators["document"])]]
    matches = top_matches(chosen, load_settings()["matching"])
    pairs = {frozenset((m["text"], m["match_text"])) for m in matches}
    return matches, pairs, chosen


def _score(pairs: list[dict], published: set) -> dict:
    hits = [p for p in pairs if frozenset((p["a"], p["b"])) in published]
    same = [p for p in pairs if p["judgement"] == "same"]
    tp = [p for p in hits if p["judgement"] == "same"]
    return {"judged": len(pairs), "same": len(same), "published": len(hits), "true": len(tp),
            "precision": len(tp) / len(hits) if hits else 1.0, "recall": len(tp) / len(same) if same else 1.0,
            "wrong": [(p["judgement"], p["a"], p["b"]) for p in hits if p["judgement"] != "same"]}


def _line(name: str, s: dict) -> str:
    return (f"{name}: {s['judged']} judged pairs ({s['same']} same); published as the same indicator {s['published']}, "
            f"of which same {s['true']}: precision {s['precision']:.3f}, recall {s['recall']:.3f}")


def test_judged_pairs_precision_and_recall(published):
    _, pairs, _ = published
    judged = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))
    assert len(judged["pairs"]) + len(judged["same_seed_pairs"]) >= 150
    cross = _score(judged["pairs"], pairs)
    seed = _score(judged["same_seed_pairs"], pairs)
    both = _score(judged["pairs"] + judged["same_seed_pairs"], pairs)
    print()
    print(_line("milton-keynes x worcestershire", cross))
    print(_line("same-seed bullets across frameworks", seed))
    print(_line("all judged pairs", both))
    for judgement, a, b in both["wrong"]:
        print(f"  published but judged {judgement}: {a!r} / {b!r}")
    assert cross["precision"] >= TARGET_PRECISION and both["precision"] >= TARGET_PRECISION
    assert both["recall"] >= MIN_RECALL


def test_judged_opposites_are_never_published(published):
    _, pairs, _ = published
    judged = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))
    opposite = [p for key in ("pairs", "same_seed_pairs", "cross_level_pairs") for p in judged[key]
                if p["judgement"] in ("opposite", "different")]
    assert len(opposite) >= 40
    assert [(p["a"], p["b"]) for p in opposite if frozenset((p["a"], p["b"])) in pairs] == []


def test_level_disagreements_are_equivalents_at_different_levels(published):
    """Every published level disagreement whose two texts were judged is a pair judged the same (the NEET
    bullets "less than six weeks" / "persistently" are graded, not a disagreement)."""
    matches, _, chosen = published
    judged = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))
    verdict = {frozenset((p["a"], p["b"])): p["judgement"] for p in judged["pairs"] + judged["same_seed_pairs"]}
    found = {frozenset((d["text_a"], d["text_b"])) for d in level_disagreements(matches, chosen)} & set(verdict)
    assert frozenset(("Parent's mental health problems or substance misuse significantly affect care of child/young "
                      "person", "Parent/carer's mental health or substance misuse significantly affect care of "
                      "child")) in found  # Milton Keynes prints it at levels 3 and 4; it meets itself across frameworks
    assert sorted(tuple(sorted(k)) for k in found if verdict[k] != "same") == []
