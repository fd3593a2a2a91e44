"""Consistency findings: every kind on small constructed frameworks, and the real duplicates of the dev corpus."""

from __future__ import annotations

import pytest
from test_compare_support import DEV, frame, levels_frame, make_rows, truth_rows

from pipeline.compare.findings import all_findings, document_findings, is_graded, theme_gaps
from pipeline.compare.io import load_settings, prepare_levels

SETTINGS = load_settings()

CD, PC, FE = "child_development", "parenting_capacity", "family_environment"

ALPHA = [  # (rank, canonical, area, dimensions, text, themes, severity, frequency, age)
    (1, 1, CD, "health", "Good physical health", ""),
    (1, 1, PC, "basic_care", "Basic care provided well", ""),
    (1, 1, FE, "housing", "Stable housing", ""),
    (2, 2, CD, "health", "Some concerns about diet", "diet", "mild"),
    (2, 2, CD, "health", "Poor school attendance", "school_attendance"),
    (2, 2, CD, "health", "Poor school attendance.", "school_attendance"),
    (2, 2, CD, "health", "Young carer", "young_carer"),
    (2, 2, CD, "health", "Child is not registered with a GP", "health_access"),
    (2, 2, FE, "housing", "Missing from home", "missing_from_home"),
    (2, 2, PC, "basic_care", "Some parental conflict", "parental_conflict", "mild"),
    (2, 2, CD, "health", "Not in education, employment or training (NEET) less than six weeks", "neet"),
    (3, 3, CD, "health", "Persistent concerns about diet", "diet", "severe", "persistent"),
    (3, 3, CD, "health", "Young carer", "young_carer"),
    (3, 3, CD, "health", "Child not registered with a GP", "health_access"),
    (3, 3, CD, "health", "Not in education, employment or training (NEET) more than six weeks", "neet"),
    (3, 3, FE, "housing", "Overcrowded housing", "housing"),
    (4, 4, CD, "health", "Occasional concerns about diet", "diet", "mild", "occasional"),
    (4, 4, FE, "housing", "Missing from home or care", "missing_from_home"),
    (4, 4, CD, "health", "Other developmental milestones unlikely to be met; failure to thrive", "milestones"),
    (2, 2, CD, "health", "Slow in reaching developmental milestones", "milestones"),
    (4, 4, PC, "basic_care", "Severe parental conflict", "parental_conflict", "severe"),
    (4, 4, FE, "housing", "Homeless", "housing"),
]


def _derived_levels(indicators):
    return prepare_levels(None, indicators)


def _findings(items, framework="alpha"):
    indicators = frame(make_rows(framework, items))
    return all_findings(indicators, _derived_levels(indicators), SETTINGS), indicators


def _texts(finding, indicators):
    by_id = dict(zip(indicators["indicator_id"], indicators["text"]))
    return [by_id[i] for i in finding["indicator_ids"]]


def test_constructed_framework_gives_exactly_the_planted_findings():
    found, indicators = _findings(ALPHA)
    got = sorted((f["kind"], f["severity"], f["subject"]) for f in found)
    assert got == sorted([
        ("duplicate_same_level", "medium", "poor school attendance"),
        ("duplicate_across_levels", "high", "young carer"),
        ("near_duplicate_across_levels", "medium", "child is not registered with a gp | child not registered with a gp"),
        ("theme_nonadjacent_levels", "medium", "missing_from_home"),
        ("qualifier_inversion", "medium", "diet"),
        ("area_empty_at_level", "medium", "parenting_capacity"),
        ("dimension_empty_at_level", "low", "basic_care"),
    ])
    by_kind = {f["kind"]: f for f in found}
    assert _texts(by_kind["qualifier_inversion"], indicators) == [
        "Persistent concerns about diet", "Occasional concerns about diet"]
    assert _texts(by_kind["theme_nonadjacent_levels"], indicators) == ["Missing from home", "Missing from home or care"]
    assert by_kind["duplicate_across_levels"]["pages"] == [3, 4]  # make_rows puts level r on page r + 1
    assert "Level 3" in by_kind["area_empty_at_level"]["message"]


def test_graded_pairs_are_not_findings():
    """"less than six weeks" vs "more than six weeks", "some" vs "severe": the qualifier explains the level."""
    found, _ = _findings(ALPHA)
    subjects = " ".join(f["subject"] for f in found)
    assert "neet" not in subjects and "parental_conflict" not in subjects
    a, b = (r for r in make_rows("x", ALPHA) if "NEET" in r["text"])
    assert is_graded(a, b, SETTINGS["grading_markers"])


def test_near_duplicate_at_one_level():
    found, _ = _findings([(2, 2, PC, "basic_care", "Parent struggles with routines", "routines"),
                          (2, 2, PC, "basic_care", "Parents struggle with routines", "routines")])
    assert [(f["kind"], f["severity"]) for f in found] == [("near_duplicate_same_level", "low")]


def test_duplicates_in_different_domains_are_low():
    rows = make_rows("beta", [(4, 4, CD, "health", "Risk of FGM", "fgm"), (4, 4, CD, "health", "Risk of FGM", "fgm")])
    rows[1]["domain"] = "Family relationships"
    found = all_findings(frame(rows), _derived_levels(frame(rows)), SETTINGS)
    assert [(f["kind"], f["severity"]) for f in found] == [("duplicate_same_level", "low")]


def test_theme_ladder_with_qualifiers_is_consistent():
    found, _ = _findings([(2, 2, CD, "health", "Some self-harm", "self_harm", "mild"),
                          (3, 3, CD, "health", "Repeated self-harm", "self_harm", "", "repeated"),
                          (4, 4, CD, "health", "Severe self-harm", "self_harm", "severe")])
    assert found == []


def test_level_checks_unmapped_repeated_and_inverted():
    rows = make_rows("gamma", [(1, 1, CD, "health", "Good health", ""), (2, 3, CD, "health", "Unmet health needs", "x"),
                               (3, 3, CD, "health", "Serious illness", "y"), (4, 2, CD, "health", "Chronic illness", "z"),
                               (5, None, CD, "health", "Life-limiting illness", "w")])
    for row in rows:
        row["level_label"] = {2: "Targeted", 3: "Targeted", 4: "Additional", 5: "Tier X"}.get(row["level_rank"],
                                                                                          "Universal")
    indicators = frame(rows)
    found = all_findings(indicators, _derived_levels(indicators), SETTINGS)
    kinds = sorted((f["kind"], f["subject"]) for f in found if f["kind"].startswith("level_"))
    assert kinds == [("level_label_repeated", "targeted"), ("level_order_inverted", "Additional"),
                     ("level_unmapped", "Tier X")]


def test_level_listed_without_indicators():
    indicators = frame(make_rows("delta", [(1, 1, CD, "health", "Good health", ""),
                                           (2, 2, CD, "health", "Unmet health needs", "x")]))
    levels = levels_frame([{"framework": "delta", "document": "delta.pdf", "level_rank": r, "level_label": f"Level {r}",
                            "canonical_level": r} for r in (1, 2, 3)], indicators)
    found = document_findings(indicators, levels, SETTINGS)
    assert [(f["kind"], f["subject"]) for f in found] == [("level_without_indicators", "Level 3")]


def test_findings_are_deterministic_and_ids_unique():
    found, _ = _findings(ALPHA)
    again, _ = _findings(list(reversed(ALPHA)))
    assert len({f["finding_id"] for f in found}) == len(found)
    assert [f["kind"] for f in found] == [f["kind"] for f in again]


# ------------------------------------------------------------------------------------- real dev corpus

def _duplicate_findings(name):
    rows, levels = truth_rows(name)
    indicators = frame(rows)
    found = all_findings(indicators, levels_frame(levels, indicators), SETTINGS)
    return [f for f in found if f["kind"] == "duplicate_same_level"], indicators


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".truth.yaml") for p in DEV.glob("worcestershire__*.truth.yaml")))
def test_worcestershire_conception_under_16_twice_at_level_3(name):
    dups, indicators = _duplicate_findings(name)
    hits = [f for f in dups if f["subject"] == "conception aged under 16"]
    assert len(hits) == 1
    assert _texts(hits[0], indicators) == ["Conception aged under 16"] * 2
    assert "Threshold to work with partners as Targeted Support" in hits[0]["message"]
    assert len(hits[0]["pages"]) == 2 and hits[0]["severity"] == "medium"


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".truth.yaml") for p in DEV.glob("milton-keynes__*.truth.yaml")))
def test_milton_keynes_fgm_twice_at_social_care_level(name):
    dups, indicators = _duplicate_findings(name)
    hits = [f for f in dups if f["subject"].startswith("suspected imminent risk of fgm")]
    assert len(hits) == 1
    assert "CHILDREN SOCIAL CARE" in hits[0]["message"] and "(canonical 4)" in hits[0]["message"]
    assert len(hits[0]["indicator_ids"]) == 2 and len(hits[0]["pages"]) == 2


def test_opposite_polarity_is_not_a_near_duplicate():
    rows = make_rows("eta", [(1, 1, CD, "health", "Good school attendance", ""),
                             (3, 3, CD, "health", "Poor school attendance", "school_attendance")])
    rows[0]["protective_themes"] = "school_attendance"
    indicators = frame(rows)
    assert all_findings(indicators, _derived_levels(indicators), SETTINGS) == []
    rows[0]["protective_themes"], rows[0]["themes"] = "", "school_attendance"  # both concerns: now near duplicates
    indicators = frame(rows)
    assert [f["kind"] for f in all_findings(indicators, _derived_levels(indicators), SETTINGS)] == [
        "near_duplicate_across_levels"]


def test_universal_level_takes_no_part_in_theme_gaps():
    gap = [(2, 2, FE, "housing", "Missing from home", "missing_from_home"),
           (4, 4, FE, "housing", "Missing from home or care", "missing_from_home")]
    assert len(theme_gaps(frame(make_rows("eta", gap)).to_dict("records"), SETTINGS)) == 1
    from_universal = [(1, 1, *gap[0][2:]), (3, 3, *gap[1][2:])]
    assert theme_gaps(frame(make_rows("eta", from_universal)).to_dict("records"), SETTINGS) == []
