"""Cross-framework matching and level disagreements, on the real Milton Keynes and Worcestershire wordings."""

from __future__ import annotations

import pytest
from test_compare_support import frame, make_rows, truth_rows

from pipeline.compare.io import load_settings
from pipeline.compare.matching import level_disagreements, top_matches

SETTINGS = load_settings()["matching"]


@pytest.fixture(scope="module")
def real():
    rows = truth_rows("milton-keynes__level_grid__v1")[0] + truth_rows("worcestershire__level_tables__v1")[0]
    indicators = frame(rows)
    matches = top_matches(indicators, SETTINGS)
    return indicators, matches, level_disagreements(matches, indicators)


def _pair(disagreements, text_a, text_b):
    return [d for d in disagreements if text_a in d["text_a"] and text_b in d["text_b"]]


def test_neet_level_disagreements_between_mk_and_worcestershire(real):
    _, _, disagreements = real
    under = _pair(disagreements, "NEET) – less than six weeks", "Persistently not in education")
    over = _pair(disagreements, "NEET) – more than six weeks", "Not in education, employment or training (NEET)")
    assert len(under) == 1 and len(over) == 1
    d = under[0]
    assert (d["framework_a"], d["canonical_level_a"], d["framework_b"], d["canonical_level_b"]) == (
        "milton-keynes", 2, "worcestershire", 3)
    assert d["page_a"] is not None and d["page_b"] is not None and d["level_gap"] == 1
    assert d["text_a"] == "Not in education, training or employment (NEET) – less than six weeks"
    assert d["text_b"] == "Persistently not in education, employment or training (NEET)"
    assert d["shared_themes"], "both NEET indicators carry a common theme"
    assert SETTINGS["threshold"] <= d["score"] <= 1
    assert over[0]["canonical_level_a"] == 3 and over[0]["canonical_level_b"] == 2
    # both frameworks also place a NEET indicator at the other's level: flagged for the analyst
    assert d["same_level_match_a"] and d["same_level_match_b"]


def test_identical_wordings_match_at_the_same_level(real):
    _, matches, _ = real
    best = [m for m in matches if m["text"] == "Good quality early attachments" and m["rank"] == 1]
    assert sorted(m["framework"] for m in best) == ["milton-keynes", "worcestershire"]  # both directions
    assert all(m["match_text"] == m["text"] and m["score"] == 1.0 and m["same_level"] is True for m in best)


def test_matches_respect_threshold_top_k_and_order(real):
    _, matches, _ = real
    assert matches and all(m["score"] >= SETTINGS["threshold"] for m in matches)
    per = {}
    for m in matches:
        per.setdefault((m["indicator_id"], m["match_framework"]), []).append(m)
    for rows in per.values():
        assert len(rows) <= SETTINGS["top_k"]
        assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
        assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert all(m["framework"] != m["match_framework"] for m in matches)


def test_each_disagreement_pair_listed_once_with_different_levels(real):
    _, _, disagreements = real
    keys = [(d["indicator_id_a"], d["indicator_id_b"]) for d in disagreements]
    assert len(keys) == len(set(keys))
    assert all(d["canonical_level_a"] != d["canonical_level_b"] and d["framework_a"] < d["framework_b"]
               for d in disagreements)


def test_concern_never_matches_protective_statement():
    a = make_rows("a", [(4, 4, "child_development", "health", "Persistent and high-risk substance misuse",
                         "substance_misuse")])
    b = make_rows("b", [(1, 1, "child_development", "health", "No substance misuse", ""),
                        (4, 4, "child_development", "health", "Substance misuse by the young person",
                         "substance_misuse")])
    b[0]["protective_themes"] = "substance_misuse"
    matches = top_matches(frame(a + b), SETTINGS)
    texts = {(m["text"], m["match_text"]) for m in matches}
    assert ("No substance misuse", "Persistent and high-risk substance misuse") not in texts
    assert ("Persistent and high-risk substance misuse", "No substance misuse") not in texts


def test_scores_do_not_depend_on_row_order():
    rows = truth_rows("milton-keynes__list__v1")[0][:60] + truth_rows("worcestershire__list__v1")[0][:60]
    forward = top_matches(frame(rows), SETTINGS)
    backward = top_matches(frame(list(reversed(rows))), SETTINGS)
    assert forward == backward and forward
