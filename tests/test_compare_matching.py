"""Cross-framework matching and level disagreements, on the real Milton Keynes and Worcestershire wordings."""

from __future__ import annotations

import pytest
from test_compare_support import frame, make_rows, truth_rows

from pipeline.compare.io import load_settings
from pipeline.compare.matching import conflicts, level_disagreements, same_need_edges, signature, top_matches
from pipeline.compare.needs import group_needs

SETTINGS = load_settings()["matching"]


@pytest.fixture(scope="module")
def real():
    rows = truth_rows("milton-keynes__level_grid__v1")[0] + truth_rows("worcestershire__level_tables__v1")[0]
    indicators = frame(rows)
    edges = same_need_edges(indicators, SETTINGS)
    return indicators, top_matches(indicators, SETTINGS, edges), level_disagreements(edges)


def _pair(disagreements, text_a, text_b):
    return [d for d in disagreements if text_a in d["text_a"] and text_b in d["text_b"]]


def test_graded_neet_bullets_are_not_published_as_one_indicator(real):
    """"NEET - less than six weeks" (MK, level 2) and "Persistently NEET" (Worcestershire, level 3) are graded
    variants, not the same indicator at two levels: neither matched nor a level disagreement."""
    _, matches, disagreements = real
    for a, b in (("NEET) – less than six weeks", "Persistently not in education"),
                 ("NEET) – more than six weeks", "Not in education, employment or training (NEET)")):
        assert not _pair(disagreements, a, b)
        assert not [m for m in matches if a in m["text"] and m["match_text"].startswith(b)]


def test_the_same_indicator_at_two_levels_is_a_disagreement_with_its_provenance():
    text = "Parent/carer's mental health or substance misuse significantly affect care of child"
    a = make_rows("a", [(3, 3, "parenting_capacity", "basic_care", text, "parental_mental_health")])
    b = make_rows("b", [(4, 4, "parenting_capacity", "basic_care", text, "parental_mental_health")])
    [d] = level_disagreements(same_need_edges(frame(a + b), SETTINGS))
    assert (d["framework_a"], d["canonical_level_a"], d["framework_b"], d["canonical_level_b"]) == ("a", 3, "b", 4)
    assert d["page_a"] == 4 and d["page_b"] == 5 and d["level_gap"] == 1 and d["score"] == 1.0
    assert d["shared_themes"] == ("parental_mental_health",)
    assert d["reason"].startswith("same concern (parental_mental_health) about a parent or carer")


@pytest.mark.parametrize("a,b,reason", [
    ("Unsafe home environment", "Suitable home environment", "strength against a concern"),
    ("Lack of positive role models", "Positive role models", "strength against a concern"),
    ("Not living in poverty, sufficient income", "Living in poverty", "strength against a concern"),
    ("Not always adequate self-care", "Adequate self-care", "strength against a concern"),
    ("Occasional truanting", "Persistent truanting", "frequency"),
    ("Minor concerns re diet", "Concerns re diet", "severity"),
    ("Sexual activity under 13", "Sexual activity under 16", "age"),
    ("NEET – less than six weeks", "NEET – more than six weeks", "durations"),
    ("Suspected imminent risk of FGM", "FGM", "risk or suspicion"),
    ("Child with a disability requiring support services", "Child with a disability requiring multi-agency support",
     "markers"),
])
def test_opposite_or_graded_statements_conflict(a, b, reason):
    found = conflicts(signature(a), signature(b))
    assert any(reason in c for c in found), found


def test_the_universal_level_makes_a_strength():
    """"Aspirations" listed at the universal level is a strength; "Low parental aspirations" a concern."""
    assert "a strength against a concern" in conflicts(signature("Aspirations", level=1),
                                                       signature("Low parental aspirations", level=2))


@pytest.mark.parametrize("a,b", [
    ("Minor concerns re diet, hygiene, clothing", "Minor concerns re: diet/dental health/hygiene/clothing"),
    ("Privately fostered", "Privately fostered children / young people"),
    ("Serious debts/poverty", "Serious debts / poverty impacting on ability to care for the child"),
    ("Good relationships with siblings and peers", "Positive relationships with peers"),
    ("Suspected/evidence of fabricated or induced illness", "Fabricated/induced illness"),
])
def test_equivalent_wordings_do_not_conflict(a, b):
    assert conflicts(signature(a), signature(b)) == []


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


def test_needs_group_same_need_bullets_without_a_conflict_inside_a_group():
    """Real dev frameworks run together: every published need spans two frameworks or more, no two of its bullets
    conflict (a strength and a concern, two grades, the child and a parent), its level spread is what its bullets
    say, and a bullet belongs to one need at most."""
    names = ("milton-keynes__level_grid__v1", "worcestershire__level_tables__v1", "synth-03__level_tables__v14",
             "synth-07__level_tables__v6")
    rows = [r for name in names for r in truth_rows(name)[0]]
    edges = same_need_edges(frame(rows), SETTINGS)
    need_rows, need_of = group_needs(edges)
    assert need_rows and len(need_rows) <= len(edges.records)
    by_need: dict[str, list[dict]] = {}
    for r in need_rows:
        by_need.setdefault(r["need_id"], []).append(r)
    index = {r["indicator_id"]: i for i, r in enumerate(edges.records)}
    assert len({r["indicator_id"] for r in need_rows}) == len(need_rows)
    for members in by_need.values():
        assert len({m["framework"] for m in members}) == members[0]["n_frameworks"] >= 2
        levels = [m["canonical_level"] for m in members if m["canonical_level"] is not None]
        assert members[0]["level_spread"] == max(levels) - min(levels)
        sigs = [edges.signatures[index[m["indicator_id"]]] for m in members]
        assert not [(x, y) for x in sigs for y in sigs if conflicts(x, y)]
    disagreements = level_disagreements(edges, need_of)
    assert disagreements and all(d["need_id"] for d in disagreements)
