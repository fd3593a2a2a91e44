"""Matches and level disagreements measured on pairs judged by reading them (tests/data/judged_pairs.yaml).

The compare stage's matching runs as in the dev release: one document per framework (the one the stage picks),
every dev framework (Milton Keynes, Worcestershire and the synthetic ones that reuse their bullets), fitted
together. A judged pair is "published as the same need" when a published match pairs its two texts, and "published
as a level disagreement" when a published disagreement does. Precision = judged `same` among those published;
recall = judged `same` pairs (at different canonical levels, for disagreements) that are published; opposite =
published pairs judged `opposite` (a strength against a concern). Run with -s to see the figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_compare_support import DEV, frame, truth_rows

from pipeline.compare.io import load_settings, primary_documents
from pipeline.compare.matching import level_disagreements, same_need_edges, top_matches

JUDGED = Path(__file__).parent / "data" / "judged_pairs.yaml"
SECTIONS = ("pairs", "same_seed_pairs", "cross_level_pairs")
# targets (issue 19): matches precision >= 0.95 and disagreements >= 0.9, never an opposite statement
MATCH_PRECISION, DISAGREEMENT_PRECISION = 0.95, 0.9
# regression guards, a little under what was measured (2026-12-07: matches 31 of 70 same pairs; disagreements
# 2 of the 8 judged same pairs at different levels): differently worded equivalents are still beyond this matcher
MIN_MATCH_RECALL, MIN_DISAGREEMENT_RECALL = 0.4, 0.25


@pytest.fixture(scope="module")
def published():
    rows = [row for path in sorted(DEV.glob("*.truth.yaml")) for row in truth_rows(path.name[:-len(".truth.yaml")])[0]]
    indicators = frame(rows)
    primary = primary_documents(indicators)
    chosen = indicators[[primary[fw] == doc for fw, doc in zip(indicators["framework"], indicators["document"])]]
    settings = load_settings()["matching"]
    edges = same_need_edges(chosen, settings)
    matches = {frozenset((m["text"], m["match_text"])) for m in top_matches(chosen, settings, edges)}
    disagreements = {frozenset((d["text_a"], d["text_b"])) for d in level_disagreements(edges)}
    levels = dict(zip(chosen["text"], chosen["canonical_level"]))
    judged = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))
    return matches, disagreements, levels, [p for key in SECTIONS for p in judged[key]]


def _score(pairs: list[dict], published: set) -> dict:
    hits = [p for p in pairs if frozenset((p["a"], p["b"])) in published]
    same = [p for p in pairs if p["judgement"] == "same"]
    tp = [p for p in hits if p["judgement"] == "same"]
    return {"judged": len(pairs), "same": len(same), "published": len(hits), "true": len(tp),
            "precision": len(tp) / len(hits) if hits else 1.0, "recall": len(tp) / len(same) if same else 1.0,
            "opposite": sum(p["judgement"] == "opposite" for p in hits),
            "wrong": [(p["judgement"], p["a"], p["b"]) for p in hits if p["judgement"] != "same"]}


def _line(name: str, s: dict) -> str:
    return (f"{name}: {s['judged']} judged pairs ({s['same']} same); published {s['published']}, of which same "
            f"{s['true']}: precision {s['precision']:.3f}, recall {s['recall']:.3f}, opposite {s['opposite']}")


def test_the_judged_set_has_enough_pairs_at_different_levels(published):
    _, _, levels, pairs = published
    across = [p for p in pairs if levels[p["a"]] != levels[p["b"]]]
    assert len(pairs) >= 300 and len(across) >= len(pairs) / 2


def test_matches_are_the_same_need_and_never_opposite(published):
    matches, _, _, pairs = published
    score = _score(pairs, matches)
    print("\n" + _line("matches", score))
    for judgement, a, b in score["wrong"]:
        print(f"  published but judged {judgement}: {a!r} / {b!r}")
    assert score["opposite"] == 0 and score["precision"] >= MATCH_PRECISION
    assert score["recall"] >= MIN_MATCH_RECALL


def test_level_disagreements_are_the_same_need_at_different_levels(published):
    _, disagreements, levels, pairs = published
    across = [p for p in pairs if levels[p["a"]] != levels[p["b"]]]
    score = _score(across, disagreements)
    print("\n" + _line("level disagreements", score))
    for judgement, a, b in score["wrong"]:
        print(f"  published but judged {judgement}: {a!r} / {b!r}")
    assert score["opposite"] == 0 and score["precision"] >= DISAGREEMENT_PRECISION
    assert score["recall"] >= MIN_DISAGREEMENT_RECALL
    # Milton Keynes prints this at levels 3 and 4; it meets itself across frameworks
    assert frozenset(("Parent's mental health problems or substance misuse significantly affect care of child/young "
                      "person", "Parent/carer's mental health or substance misuse significantly affect care of "
                      "child")) in disagreements
